/**
 * INFO and SLOWLOG GET over every shard: each shard answers its own figures, merged here.
 *
 * INFO: sections in Redis's order (every shard prints the same ones); each field merges by its
 * rule (durable-objects/commands/info.ts INFO_MERGE: counters and sizes summed, uptime the
 * largest, settings shard 0's), `*_human` fields recomputed, commandstats and errorstats summed
 * per command and per prefix (usec_per_call recomputed), the keyspace line summed with avg_ttl
 * weighted by each shard's keys with an expiry, `shards` the number of shards.
 *
 * SLOWLOG GET: every shard's newest `count` entries, merged newest first by unix time (Redis's
 * entries carry seconds: entries of one second from different shards follow shard order, each
 * shard's own entries stay newest first), cut to `count`. A shard numbers its entries 0, 1, 2, …; the merged
 * id is `local id × shards + shard`, unique across shards and growing within each shard.
 */
import type { Arg } from "../durable-objects/args";
import { INFO_MERGE } from "../durable-objects/commands/info";
import { slowlogCount } from "../durable-objects/commands/slowlog";
import { humanBytes, parseInfo, sectionText, type InfoField } from "../durable-objects/stats/info-fields";
import { CommandError, err, isError, type Reply } from "../durable-objects/reply";

function replyText(r: Reply): string {
  return typeof r === "string" ? r : r instanceof Uint8Array ? new TextDecoder().decode(r) : "";
}

/** `a=1,b=2` → {a: "1", b: "2"}, in order. */
function parseAttrs(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of String(value).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

/** Lines of `name:a=1,b=2` summed per name and attribute, in first-seen order. */
function sumAttrLines(lists: InfoField[][]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const list of lists) {
    for (const [name, value] of list) {
      let acc = out.get(name);
      if (!acc) out.set(name, (acc = new Map()));
      for (const [k, v] of parseAttrs(String(value))) acc.set(k, (acc.get(k) ?? 0) + Number(v));
    }
  }
  return out;
}

function mergeCommandstats(lists: InfoField[][]): InfoField[] {
  return [...sumAttrLines(lists)].map(([name, a]) => {
    const calls = a.get("calls") ?? 0;
    const usec = a.get("usec") ?? 0;
    return [name, `calls=${calls},usec=${usec},usec_per_call=${(calls ? usec / calls : 0).toFixed(2)},rejected_calls=${a.get("rejected_calls") ?? 0},failed_calls=${a.get("failed_calls") ?? 0}`];
  });
}

function mergeErrorstats(lists: InfoField[][]): InfoField[] {
  return [...sumAttrLines(lists)].map(([name, a]) => [name, `count=${a.get("count") ?? 0}`]);
}

function mergeKeyspace(lists: InfoField[][]): InfoField[] {
  const dbs = new Map<string, { keys: number; expires: number; ttl: number }>();
  for (const list of lists) {
    for (const [name, value] of list) {
      const a = parseAttrs(String(value));
      const d = dbs.get(name) ?? { keys: 0, expires: 0, ttl: 0 };
      const expires = Number(a.get("expires") ?? 0);
      d.keys += Number(a.get("keys") ?? 0);
      d.expires += expires;
      d.ttl += expires * Number(a.get("avg_ttl") ?? 0);
      dbs.set(name, d);
    }
  }
  return [...dbs].map(([name, d]) => [name, `keys=${d.keys},expires=${d.expires},avg_ttl=${d.expires > 0 ? Math.round(d.ttl / d.expires) : 0}`]);
}

/** A plain section: every field by its rule, in shard 0's order (fields only some shards have follow). */
function mergeFields(title: string, lists: InfoField[][], shards: number): InfoField[] {
  const values = new Map<string, (string | number)[]>();
  for (const list of lists) {
    for (const [name, value] of list) {
      let vs = values.get(name);
      if (!vs) values.set(name, (vs = []));
      vs.push(value);
    }
  }
  const merged = new Map<string, string | number>();
  for (const [name, vs] of values) {
    if (name.endsWith("_human")) continue;
    const rule = INFO_MERGE[name] ?? (title === "Stats" ? "sum" : "first");
    const nums = vs.map(Number);
    const numeric = nums.every((n) => Number.isFinite(n)) && vs.every((v) => String(v).trim() !== "");
    if (name === "shards") merged.set(name, shards);
    else if (rule === "sum" && numeric) merged.set(name, nums.reduce((a, b) => a + b, 0));
    else if (rule === "max" && numeric) merged.set(name, Math.max(...nums));
    else merged.set(name, vs[0]!);
  }
  const out: InfoField[] = [];
  for (const name of values.keys()) {
    if (name.endsWith("_human")) {
      const base = merged.get(name.slice(0, -"_human".length));
      out.push([name, base !== undefined && Number.isFinite(Number(base)) ? humanBytes(Number(base)) : values.get(name)![0]!]);
    } else out.push([name, merged.get(name)!]);
  }
  return out;
}

/** INFO's merged reply from every shard's reply (`replies[s]`: shard s's). */
export function mergeInfo(replies: Reply[], shards: number): Reply {
  const firstError = replies.find(isError);
  if (firstError) return firstError;
  const parsed = replies.map((r) => parseInfo(replyText(r)));
  const titles = [...parsed[0]!.keys()];
  return titles
    .map((title) => {
      const lists = parsed.map((p) => p.get(title) ?? []);
      const fields =
        title === "Commandstats"
          ? mergeCommandstats(lists)
          : title === "Errorstats"
            ? mergeErrorstats(lists)
            : title === "Keyspace"
              ? mergeKeyspace(lists)
              : mergeFields(title, lists, shards);
      return sectionText(title, fields);
    })
    .join("\r\n");
}

type Entry = [id: number, time: number, usec: number, argv: Reply[], addr: Reply, name: Reply];

/** SLOWLOG GET's merged reply from every shard's (`replies[s]`: shard s's entries, newest first). */
export function mergeSlowlog(replies: Reply[], shards: number, argv: Arg[]): Reply {
  const firstError = replies.find(isError);
  if (firstError) return firstError;
  let count: number;
  try {
    count = slowlogCount(argv);
  } catch (e) {
    if (e instanceof CommandError) return err(e.reply);
    throw e;
  }
  const all: { shard: number; e: Entry }[] = [];
  replies.forEach((r, shard) => {
    for (const e of (r as Entry[]) ?? []) all.push({ shard, e });
  });
  all.sort((a, b) => b.e[1] - a.e[1] || a.shard - b.shard || b.e[0] - a.e[0]);
  const n = count < 0 ? all.length : Math.min(count, all.length);
  return all.slice(0, n).map(({ shard, e }) => [e[0] * shards + shard, e[1], e[2], e[3], e[4], e[5]]);
}

/**
 * MEMORY STATS over every shard (`replies[s]`: shard s's name/value list): byte and key counts
 * summed (`peak.allocated` too: the sum of the shards' peaks, an upper bound of the database's),
 * the per-key size and the percentages computed again from the sums.
 */
export function mergeMemoryStats(replies: Reply[]): Reply {
  const firstError = replies.find(isError);
  if (firstError) return firstError;
  const names: Reply[] = [];
  const sums = new Map<string, number>();
  for (const reply of replies as Reply[][]) {
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const name = statusText(reply[i]!);
      if (!sums.has(name)) names.push(reply[i]!);
      const v = reply[i + 1]!;
      sums.set(name, (sums.get(name) ?? 0) + (typeof v === "number" ? v : 0));
    }
  }
  const get = (name: string) => sums.get(name) ?? 0;
  const pct = (part: number, whole: number) => String(whole === 0 ? 0 : (part / whole) * 100);
  const derived: Record<string, Reply> = {
    "keys.bytes-per-key": get("keys.count") === 0 ? 0 : Math.floor(get("dataset.bytes") / get("keys.count")),
    "dataset.percentage": pct(get("dataset.bytes"), get("total.allocated")),
    "peak.percentage": pct(get("total.allocated"), get("peak.allocated")),
  };
  return names.flatMap((n) => {
    const name = statusText(n);
    return [n, name in derived ? derived[name]! : get(name)];
  });
}

const statusText = (r: Reply): string => (typeof r === "object" && r !== null && "status" in r ? r.status : String(r));
