/**
 * Cache-aside over edgekv (docs/caching.md): `cached` answers a fresh entry with one GET; a
 * missing, stale or early-refreshed one is loaded by one caller at a time across isolates (a
 * `SET … NX PX` lock), the others waiting briefly or answered the stale value; a loader's
 * "none" (null or undefined) is cached for a shorter TTL; `writeThrough` stores a value the
 * caller just wrote. A load writes back with compare-and-set (`IFEQ` the entry it read, or
 * `NX`), so it never overwrites a newer `writeThrough` or `invalidate`.
 *
 * @example
 * import { createCache, httpKv } from "edgekv/cache";
 * const cache = createCache({ store: httpKv({ url: env.EDGEKV_URL, token: env.EDGEKV_TOKEN }), staleSeconds: 60 });
 * const user = await cache.cached(`user:${id}`, 300, () => db.user(id));
 */
import { slotOf } from "../slot";
import { command, type KvStore, type RawCommandClient } from "./store";

export { decodeMsgpack, encodeMsgpack, MsgpackError, MsgpackExt, msgpackCodec } from "./msgpack";
export { bindingKv, command, httpKv, KvError, upstashKv, type HttpKvOptions, type KvReply, type KvStore, type RawCommandClient } from "./store";

/** How values become the entry's text and back (`jsonCodec`, `msgpackCodec`). */
export interface Codec<T = unknown> {
  encode(value: T): string;
  decode(text: string): T;
}

export const jsonCodec: Codec = { encode: (v) => JSON.stringify(v), decode: (t) => JSON.parse(t) };

export interface CacheOptions {
  /** Seconds past its TTL a value may still be answered while one caller refreshes it (default 0). */
  staleSeconds?: number;
  /** TTL of a loader's "none" (default min(ttl, 30)). */
  negativeTtlSeconds?: number;
  /** The refresh lock's lease in ms (default 10 000). */
  lockMs?: number;
  /** How long a caller with no value waits for another caller's load before loading itself (ms, default 2000). */
  waitMs?: number;
  /** Probabilistic early refresh (XFetch): 0 off (default), 1 the usual. */
  beta?: number;
  /** With a stale value, answer it at once and refresh in the background (e.g. `c.executionCtx.waitUntil`). */
  waitUntil?: (p: Promise<unknown>) => void;
  /** Default JSON. */
  codec?: Codec;
  /** Random numbers in [0, 1) for early refresh (default Math.random). */
  random?: () => number;
  /** The clock in ms (default Date.now). */
  now?: () => number;
}

export interface CreateCacheOptions extends CacheOptions {
  store: KvStore;
  /** Prefix of the cache's keys in edgekv (default "cache:"). */
  prefix?: string;
}

/** A decoded entry. */
interface Entry {
  raw: string;
  freshUntil: number;
  loadMs: number;
  negative: boolean;
  payload: string;
  /** A value that is not a cache entry (written by something else): never answered, replaced by a load (IFEQ). */
  foreign?: boolean;
}

const MAGIC = "ekc1:";

export function encodeEntry(freshUntil: number, loadMs: number, negative: boolean, payload: string): string {
  return `${MAGIC}${Math.round(freshUntil)}:${Math.max(0, Math.round(loadMs))}:${negative ? "n" : "v"}:${payload}`;
}

/** The entry in `raw`, or null for anything that is not one (a value someone else wrote). */
export function decodeEntry(raw: string): Entry | null {
  if (!raw.startsWith(MAGIC)) return null;
  const a = raw.indexOf(":", MAGIC.length);
  const b = a < 0 ? -1 : raw.indexOf(":", a + 1);
  const c = b < 0 ? -1 : raw.indexOf(":", b + 1);
  if (c < 0) return null;
  const freshUntil = Number(raw.slice(MAGIC.length, a));
  const loadMs = Number(raw.slice(a + 1, b));
  const flag = raw.slice(b + 1, c);
  if (!Number.isFinite(freshUntil) || !Number.isFinite(loadMs) || (flag !== "n" && flag !== "v")) return null;
  return { raw, freshUntil, loadMs, negative: flag === "n", payload: raw.slice(c + 1) };
}

/** The entry in `raw`; anything else is a foreign value. */
function entryOf(raw: string): Entry {
  return decodeEntry(raw) ?? { raw, freshUntil: -Infinity, loadMs: 0, negative: false, payload: "", foreign: true };
}

function randomToken(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * The lock key of entry key `k`, in `k`'s slot when it can be (so the lock and the entry travel
 * in one pipeline): `k:lock` when `k` has a hash tag, else `{k}:lock`.
 */
export function lockKeyOf(k: string): { lock: string; sameSlot: boolean } {
  const slot = slotOf(k);
  for (const lock of [`${k}:lock`, `{${k}}:lock`]) if (slotOf(lock) === slot) return { lock, sameSlot: true };
  return { lock: `${k}:lock`, sameSlot: false };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Cache {
  /** The value of `key`, loaded by `loader` when missing or stale; null when the loader said "none" (null or undefined). */
  cached<T>(key: string, ttlSeconds: number, loader: () => T | null | undefined | Promise<T | null | undefined>, options?: CacheOptions): Promise<T | null>;
  /** Stores `value` as fresh for `ttlSeconds` (after the caller wrote it to its source); null stores a "none". */
  writeThrough<T>(key: string, value: T | null | undefined, ttlSeconds: number, options?: Pick<CacheOptions, "staleSeconds" | "codec" | "now">): Promise<void>;
  /** Removes `key`'s entry; a load that read the old entry will not write back. */
  invalidate(key: string): Promise<void>;
}

type Loader<T> = () => T | null | undefined | Promise<T | null | undefined>;
type Options = CreateCacheOptions;

export function createCache(defaults: CreateCacheOptions): Cache {
  const store = defaults.store;
  const prefix = defaults.prefix ?? "cache:";
  /** This isolate's loads in flight, by key: concurrent callers share one. */
  const inFlight = new Map<string, Promise<unknown>>();

  const opts = (o?: CacheOptions): Options => ({ ...defaults, ...o });

  async function read(k: string): Promise<Entry | null> {
    const raw = await command(store, ["GET", k]);
    return typeof raw === "string" ? entryOf(raw) : null;
  }

  function answer<T>(e: Entry, codec: Codec): T | null {
    return e.negative ? null : (codec.decode(e.payload) as T);
  }

  /**
   * Runs the loader and writes its result back if the entry is still `seen` (null: still
   * missing); with `release`, the lock goes in the same pipeline when it can.
   */
  async function load<T>(k: string, ttl: number, loader: Loader<T>, seen: Entry | null, o: Options, release?: { lock: string; token: string; sameSlot: boolean }): Promise<T | null> {
    const now = o.now ?? Date.now;
    const codec = o.codec ?? jsonCodec;
    let value: T | null | undefined;
    const start = now();
    try {
      value = await loader();
    } catch (e) {
      if (release) await command(store, ["DELIFEQ", release.lock, release.token]);
      throw e;
    }
    const t = now();
    const negative = value === null || value === undefined;
    const life = negative ? (o.negativeTtlSeconds ?? Math.min(ttl, 30)) : ttl;
    const stale = o.staleSeconds ?? 0;
    const entry = encodeEntry(t + life * 1000, t - start, negative, negative ? "" : codec.encode(value));
    const px = Math.max(1, Math.round((life + stale) * 1000));
    const write = seen ? ["SET", k, entry, "IFEQ", seen.raw, "PX", px] : ["SET", k, entry, "NX", "PX", px];
    if (release?.sameSlot) await store.pipeline([write, ["DELIFEQ", release.lock, release.token]]);
    else {
      try {
        await command(store, write);
      } finally {
        if (release) await command(store, ["DELIFEQ", release.lock, release.token]);
      }
    }
    return negative ? null : (value as T);
  }

  async function resolve<T>(k: string, ttl: number, loader: Loader<T>, o: Options): Promise<T | null> {
    const now = o.now ?? Date.now;
    const codec = o.codec ?? jsonCodec;
    const beta = o.beta ?? 0;
    const random = o.random ?? Math.random;
    const e = await read(k);
    const t = now();
    if (e && t < e.freshUntil) {
      const early = beta > 0 && t - e.loadMs * beta * Math.log(Math.max(random(), Number.MIN_VALUE)) >= e.freshUntil;
      if (!early) return answer<T>(e, codec);
    }
    const { lock, sameSlot } = lockKeyOf(k);
    const token = randomToken();
    const acquire = ["SET", lock, token, "NX", "PX", o.lockMs ?? 10_000];
    let won: boolean;
    let seen = e;
    if (sameSlot) {
      // The entry read again after the lock: a load that finished in between is seen here.
      const [got, raw] = await store.pipeline([acquire, ["GET", k]]);
      won = got !== null;
      seen = typeof raw === "string" ? entryOf(raw) : null;
    } else {
      won = (await command(store, acquire)) !== null;
      if (won) seen = await read(k);
    }
    if (won) {
      if (seen && seen.raw !== e?.raw && now() < seen.freshUntil) {
        await command(store, ["DELIFEQ", lock, token]);
        return answer<T>(seen, codec);
      }
      const release = { lock, token, sameSlot };
      if (seen && !seen.foreign && o.waitUntil) {
        o.waitUntil(load(k, ttl, loader, seen, o, release).catch(() => undefined));
        return answer<T>(seen, codec);
      }
      return load(k, ttl, loader, seen, o, release);
    }
    const stale = [seen, e].find((x) => x && !x.foreign);
    if (stale) return answer<T>(stale, codec);
    // Nothing to answer: wait for the holder's load, a bounded number of polls.
    const waitMs = o.waitMs ?? 2000;
    let waited = 0;
    let last = seen;
    for (let step = 25; waited < waitMs; step = Math.min(step * 2, 200)) {
      const d = Math.min(step, waitMs - waited);
      await sleep(d);
      waited += d;
      const got = await read(k);
      if (got && !got.foreign) return answer<T>(got, codec);
      last = got;
    }
    return load(k, ttl, loader, last, o);
  }

  return {
    cached(key, ttlSeconds, loader, options) {
      const k = prefix + key;
      const running = inFlight.get(k);
      if (running) return running as Promise<never>;
      const p = resolve(k, ttlSeconds, loader, opts(options)).finally(() => inFlight.delete(k));
      inFlight.set(k, p);
      return p;
    },
    async writeThrough(key, value, ttlSeconds, options) {
      const o = opts(options);
      const t = (o.now ?? Date.now)();
      const negative = value === null || value === undefined;
      const entry = encodeEntry(t + ttlSeconds * 1000, 0, negative, negative ? "" : (o.codec ?? jsonCodec).encode(value));
      await command(store, ["SET", prefix + key, entry, "PX", Math.max(1, Math.round((ttlSeconds + (o.staleSeconds ?? 0)) * 1000))]);
    },
    async invalidate(key) {
      await command(store, ["DEL", prefix + key]);
    },
  };
}
