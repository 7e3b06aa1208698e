/**
 * The sync token (`upstash-sync-token`, docs/global.md §3): a client's session, for each shard
 * the highest position it has observed there and the log epoch that position belongs to.
 *
 *   v1.<shard>:<epoch>:<position>,<shard>:<epoch>:<position>,…
 *
 * An entry `<shard>:*` says the position is unknown: the session may have a write there that no
 * position it was given is known to include (a held reply whose headers left before its batch
 * ended, a primary batch or cross-shard commit whose answer was lost). It carries no epoch: it
 * names no state, it only sends that shard's reads to the primary (route.ts), whose answer then
 * carries a concrete position that replaces it. Merged with a known position it stays unknown.
 *
 * At most one entry per shard, shards in ascending order. The shard leads (not the epoch) so
 * that a token reads as a map from shard to position. An epoch is the shard's log id (letters,
 * digits, `-`, `_`, at most 64); a position a non-negative safe integer.
 *
 * Parsing never throws and asks for nothing it cannot read: any value that is not a whole
 * well-formed token (another client's, a random id from a server without replicas, one longer
 * than a token for this many shards can be, a shard out of range, a shard twice) is no token at
 * all, and the request is served as if it carried none (by the primary, strong). Whether an
 * entry's epoch is still the shard's is for the replica to judge: one from an earlier epoch
 * proves nothing there.
 */

export const TOKEN_VERSION = "v1.";

/** A known position: observed there, in that epoch of the shard's log. */
export interface KnownEntry {
  epoch: string;
  position: number;
  /**
   * Observed on a primary that held prepared cross-shard transactions at the time: a write of the
   * session's may be one of them, not applied yet (a commit whose reply was lost applies later), so
   * this position cannot replace an unknown entry. Never in a token's text.
   */
  pending?: boolean;
}

/** A position the session cannot name (`<shard>:*`): the shard's next read goes to the primary. */
export interface UnknownEntry {
  unknown: true;
}

/** One shard's entry. */
export type TokenEntry = KnownEntry | UnknownEntry;

export const UNKNOWN: UnknownEntry = Object.freeze({ unknown: true as const });

export function isUnknown(entry: TokenEntry | undefined): entry is UnknownEntry {
  return entry !== undefined && "unknown" in entry;
}

/** Shard → the entry for it. */
export type SyncToken = Map<number, TokenEntry>;

const MAX_EPOCH = 64;
/** The longest entry: a shard index of up to 6 digits, an epoch, a position of up to 16 digits, the separators. */
const MAX_ENTRY = 6 + 1 + MAX_EPOCH + 1 + 16 + 1;
const EPOCH = /^[A-Za-z0-9_-]{1,64}$/;
const DIGITS = /^(0|[1-9][0-9]{0,15})$/;

/** The longest token for `shards` shards; anything longer is not one. */
export function maxTokenLength(shards: number): number {
  return TOKEN_VERSION.length + shards * MAX_ENTRY;
}

/** Whether `epoch` may stand in a token. */
export function isEpoch(epoch: unknown): epoch is string {
  return typeof epoch === "string" && EPOCH.test(epoch);
}

/** `value` as a token for `shards` shards, or null when it is not one (see above). */
export function parseToken(value: string | null | undefined, shards: number): SyncToken | null {
  if (typeof value !== "string" || !value.startsWith(TOKEN_VERSION)) return null;
  if (value.length > maxTokenLength(shards)) return null;
  const token: SyncToken = new Map();
  const body = value.slice(TOKEN_VERSION.length);
  if (body === "") return token;
  for (const entry of body.split(",")) {
    const parts = entry.split(":");
    if (parts.length === 2 && parts[1] === "*" && DIGITS.test(parts[0]!)) {
      const shard = Number(parts[0]);
      if (shard >= shards || token.has(shard)) return null;
      token.set(shard, UNKNOWN);
      continue;
    }
    if (parts.length !== 3) return null;
    const [s, epoch, p] = parts as [string, string, string];
    if (!DIGITS.test(s) || !DIGITS.test(p) || !EPOCH.test(epoch)) return null;
    const shard = Number(s);
    const position = Number(p);
    if (shard >= shards || !Number.isSafeInteger(position) || token.has(shard)) return null;
    token.set(shard, { epoch, position });
  }
  return token;
}

/**
 * Adds what was observed on `shard` to `token` (in place): in the same epoch the higher position;
 * in another the observed one (it is the shard's log now, as far as anyone here knows). An entry
 * that cannot stand in a token (no epoch: the shard keeps no log) is not recorded. Within one
 * map an unknown entry stays unknown (`observeUnknown`): a known position observed beside it may
 * be older than the write it stands for. `pending` (see KnownEntry) is kept only while every
 * observation of the entry had it.
 */
export function observe(token: SyncToken, shard: number, epoch: string, position: number, pending = false): void {
  if (!isEpoch(epoch) || !Number.isSafeInteger(position) || position < 0) return;
  const had = token.get(shard);
  if (isUnknown(had)) return;
  if (had && had.epoch === epoch && had.position >= position) {
    if (had.pending && !pending) token.set(shard, { epoch, position: had.position });
    return;
  }
  const settled = !pending || (had !== undefined && !had.pending && had.epoch === epoch);
  token.set(shard, settled ? { epoch, position } : { epoch, position, pending: true });
}

/** Records that the session's position on `shard` is unknown (in place). */
export function observeUnknown(token: SyncToken, shard: number): void {
  token.set(shard, UNKNOWN);
}

/**
 * `a` (the request's token) merged with `b` (what the request observed), per shard (a new token):
 * `b`'s entries observed over `a`'s; an unknown entry of `b` makes the shard unknown; a known
 * entry of `b` replaces an unknown one of `a` unless it is `pending` (it came from the primary,
 * to which an unknown entry sends every read of the shard).
 */
export function mergeTokens(a: SyncToken | null, b: SyncToken | null): SyncToken {
  const out: SyncToken = new Map();
  for (const [shard, entry] of a ?? []) out.set(shard, isUnknown(entry) ? UNKNOWN : { epoch: entry.epoch, position: entry.position });
  for (const [shard, entry] of b ?? []) {
    const had = out.get(shard);
    if (isUnknown(entry)) out.set(shard, UNKNOWN);
    else if (isUnknown(had)) {
      if (!entry.pending) out.set(shard, { epoch: entry.epoch, position: entry.position });
    } else observe(out, shard, entry.epoch, entry.position);
  }
  return out;
}

/** The header's text: entries in shard order. */
export function formatToken(token: SyncToken): string {
  const shards = [...token.keys()].sort((x, y) => x - y);
  return (
    TOKEN_VERSION +
    shards
      .map((s) => {
        const entry = token.get(s)!;
        return isUnknown(entry) ? `${s}:*` : `${s}:${entry.epoch}:${entry.position}`;
      })
      .join(",")
  );
}
