/**
 * Keyspace-wide commands whose replies need more than a sum or a concatenation to merge over
 * every shard (`all` cluster modes `scan`, `random`, `info`): SCAN's cursor over shards,
 * RANDOMKEY's pick of a shard, INFO's combined figures. Each runs its own round trips.
 */
import { text, type Arg } from "../durable-objects/args";
import { humanBytes } from "../durable-objects/commands/server";
import { Errors } from "../durable-objects/errors";
import { err, isError, type Reply } from "../durable-objects/reply";
import type { ExecOptions, ShardExec } from "./execute";

/**
 * SCAN over all shards. The cursor packs (position within shard, shard):
 * `cursor = position * shards + shard`, so 0 is the start and the end. Each shard scans in
 * key-id order, so a key present throughout the scan is returned exactly once.
 */
export async function scanAcrossShards(argv: Arg[], opts: ExecOptions, exec: ShardExec): Promise<Reply> {
  const cursorText = text(argv[1]!);
  if (!/^[0-9]+$/.test(cursorText) || BigInt(cursorText) > 2n ** 64n - 1n) return err(Errors.invalidCursor);
  const n = BigInt(opts.shards);
  const cursor = BigInt(cursorText);
  let shard = Number(cursor % n);
  let position = cursor / n;
  const count = countOption(argv);
  const keys: Reply[] = [];
  for (;;) {
    const [reply] = await exec(shard, [[argv[0]!, String(position), ...argv.slice(2)]]);
    if (isError(reply!)) return reply!;
    const [next, found] = reply as [string, Reply[]];
    keys.push(...found);
    const nextPos = BigInt(next);
    if (nextPos !== 0n) return [String(nextPos * n + BigInt(shard)), keys];
    shard++;
    position = 0n;
    if (shard >= opts.shards) return ["0", keys];
    if (keys.length >= count) return [String(shard), keys];
  }
}

function countOption(argv: Arg[]): number {
  for (let i = 2; i + 1 < argv.length; i += 2) {
    if (text(argv[i]!).toUpperCase() === "COUNT") {
      const c = Number(text(argv[i + 1]!));
      if (Number.isFinite(c) && c > 0) return c;
    }
  }
  return 10;
}

export async function randomKeyAcrossShards(argv: Arg[], opts: ExecOptions, exec: ShardExec): Promise<Reply> {
  const order = Array.from({ length: opts.shards }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const shard of order) {
    const [reply] = await exec(shard, [argv]);
    if (reply !== null) return reply!;
  }
  return null;
}

/**
 * INFO: shard 0's sections, with the per-shard figures combined: keyspace counts and
 * used_memory summed, avg_ttl weighted by each shard's keys with an expiry.
 */
export async function infoAcrossShards(argv: Arg[], opts: ExecOptions, exec: ShardExec): Promise<Reply> {
  const replies = await Promise.all(Array.from({ length: opts.shards }, (_, s) => exec(s, [argv]).then((r) => r[0]!)));
  const firstError = replies.find(isError);
  if (firstError) return firstError;
  const texts = replies.map((r) => (typeof r === "string" ? r : r instanceof Uint8Array ? new TextDecoder().decode(r) : ""));
  let keys = 0;
  let expires = 0;
  let ttlSum = 0;
  let memory = 0;
  for (const t of texts) {
    const m = /^db0:keys=(\d+),expires=(\d+),avg_ttl=(\d+)/m.exec(t);
    if (m) {
      keys += Number(m[1]);
      expires += Number(m[2]);
      ttlSum += Number(m[2]) * Number(m[3]);
    }
    memory += Number(/^used_memory:(\d+)/m.exec(t)?.[1] ?? 0);
  }
  const db0 = `db0:keys=${keys},expires=${expires},avg_ttl=${expires > 0 ? Math.round(ttlSum / expires) : 0}`;
  let merged = texts[0]!.replace(/^db0:.*\r\n/m, "");
  if (keys > 0) merged = merged.replace(/# Keyspace\r\n/, `# Keyspace\r\n${db0}\r\n`);
  merged = merged.replace(/^used_memory:\d+/m, `used_memory:${memory}`);
  merged = merged.replace(/^used_memory_human:.*$/m, `used_memory_human:${humanBytes(memory)}`);
  return merged.replace(/^shards:\d+/m, `shards:${opts.shards}`);
}

