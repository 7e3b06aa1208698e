/**
 * INFO's text format and how its fields merge over shards, shared by the shard (which writes one
 * shard's INFO) and the Worker (which merges every shard's, worker/merge-info.ts).
 *
 * A field merges by its rule: `sum` (counters and sizes: the database's total), `max` (uptime,
 * server time), `first` (shard 0's: the same on every shard, or one shard's choice such as
 * run_id). A `*_human` field is recomputed from its merged number. Lines of commandstats,
 * errorstats and keyspace merge by their own keys (sums; avg_ttl weighted by keys with a TTL;
 * usec_per_call recomputed).
 */

/** One `name:value` line. */
export type InfoField = [name: string, value: string | number];
export type FieldMerge = "sum" | "max" | "first";

/** Bytes as Redis prints them in `*_human` fields (1.50K, 2.00M, …). */
export function humanBytes(n: number): string {
  const units = ["B", "K", "M", "G", "T", "P"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n}B` : `${v.toFixed(2)}${units[u]}`;
}

/** A section's text: its title line, then its fields, each line ending in CRLF. */
export function sectionText(title: string, fields: InfoField[]): string {
  let out = `# ${title}\r\n`;
  for (const [k, v] of fields) out += `${k}:${v}\r\n`;
  return out;
}

/** One INFO reply's sections, by title, each with its lines as (name, value) in order. */
export function parseInfo(text: string): Map<string, InfoField[]> {
  const sections = new Map<string, InfoField[]>();
  let current: InfoField[] | null = null;
  for (const line of text.split("\r\n")) {
    if (line.startsWith("# ")) sections.set(line.slice(2), (current = []));
    else if (current && line.length > 0) {
      const colon = line.indexOf(":");
      if (colon > 0) current.push([line.slice(0, colon), line.slice(colon + 1)]);
    }
  }
  return sections;
}
