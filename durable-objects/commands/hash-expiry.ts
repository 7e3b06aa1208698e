/**
 * Per-field expiry of hashes, as Redis 7.4 (HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT, HTTL,
 * HPTTL, HEXPIRETIME, HPEXPIRETIME, HPERSIST) and Redis 8.0 (HGETDEL, HGETEX, HSETEX) define
 * it: the same argument checks in the same order, the same error texts and per-field codes.
 * An expired field is gone for every command (store/hashes.ts deletes due fields when a command
 * opens the hash, and the shard's alarm sweeps them); a hash whose last field goes is deleted.
 */
import { Notify } from "../pubsub/notify";
import { bytes, parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, type Reply } from "../reply";
import { openHash, updateHash } from "../store/hashes";
import type { CommandSpec } from "../table";

const ONE_KEY = { first: 1, last: 1, step: 1 };

/** Largest field expiry time Redis accepts, in ms (its HFE_MAX_ABS_TIME_MSEC, 2^46 - 1). */
const MAX_FIELD_EXPIRE_MS = 0xffffffffffffn >> 2n;

/** Per-field codes of HEXPIRE & co. (Redis's replies). */
const NO_FIELD = -2;
const NO_TTL = -1;
const CONDITION_NOT_MET = 0;
const SET = 1;
const DELETED = 2;

/**
 * An expiry amount as Redis's hash commands read it: an integer >= 0 (0 and past times are
 * allowed and delete the field), in seconds or ms, plus `base` (now, or 0 for the *AT forms).
 */
function parseFieldExpiry(a: Arg, seconds: boolean, base: number, cmd: string): number {
  const v = parseI64(text(a));
  if (v === null) throw new CommandError(Errors.notInteger);
  if (v < 0n) throw new CommandError(Errors.expireNegative);
  let ms = v;
  if (seconds) {
    if (v > MAX_FIELD_EXPIRE_MS / 1000n) throw new CommandError(Errors.invalidExpire(cmd));
    ms = v * 1000n;
  }
  if (ms > MAX_FIELD_EXPIRE_MS - BigInt(base)) throw new CommandError(Errors.invalidExpire(cmd));
  return Number(ms) + base;
}

/** `FIELDS numfields field ...` at argv[pos], running to the end of argv. */
function fieldsAt(argv: Arg[], pos: number, numFieldsError: string, cmd: string): Uint8Array[] {
  if (pos + 1 >= argv.length) throw new CommandError(Errors.wrongArity(cmd));
  if (text(argv[pos]!).toUpperCase() !== "FIELDS") throw new CommandError(Errors.fieldsMissing);
  const n = parseI64(text(argv[pos + 1]!));
  if (n === null || n < 1n) throw new CommandError(numFieldsError);
  if (n !== BigInt(argv.length - pos - 2)) throw new CommandError(Errors.numFieldsMismatch);
  return argv.slice(pos + 2).map(bytes);
}

type Condition = "NX" | "XX" | "GT" | "LT" | null;

// HEXPIRE key seconds [NX|XX|GT|LT] FIELDS numfields field [field ...]
// HPEXPIRE key milliseconds …, HEXPIREAT key unix-time-seconds …, HPEXPIREAT key unix-time-milliseconds …
function hexpireGeneric(cmd: string, seconds: boolean, relative: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const ks = ctx.keyspace;
    const h = openHash(ks, text(argv[1]!));
    const at = parseFieldExpiry(argv[2]!, seconds, relative ? ctx.now : 0, cmd);
    const opt = text(argv[3]!).toUpperCase();
    const cond: Condition = opt === "NX" || opt === "XX" || opt === "GT" || opt === "LT" ? opt : null;
    const fields = fieldsAt(argv, cond ? 4 : 3, Errors.numFieldsNotPositive, cmd);
    if (!h) return fields.map(() => NO_FIELD);
    const codes = fields.map((field) => {
      const row = h.find(field);
      if (!row) return NO_FIELD;
      const prev = row.expireAt;
      if (prev === null) {
        if (cond === "XX" || cond === "GT") return CONDITION_NOT_MET;
      } else if (cond === "NX" || (cond === "GT" && prev >= at) || (cond === "LT" && prev <= at)) {
        return CONDITION_NOT_MET;
      }
      if (at <= ks.now) {
        h.delete(field);
        return DELETED;
      }
      h.setExpiry(row, at);
      return SET;
    });
    // As Redis 7.4's hashTypeSetExDone: hdel when a past time deleted fields, else hexpire; del when it emptied the hash.
    if (codes.includes(DELETED)) ks.notify(Notify.Hash, "hdel", text(argv[1]!));
    else if (codes.includes(SET)) ks.notify(Notify.Hash, "hexpire", text(argv[1]!));
    h.save();
    return codes;
  };
}

// HTTL key FIELDS numfields field [field ...] (and HPTTL, HEXPIRETIME, HPEXPIRETIME)
function httlGeneric(cmd: string, seconds: boolean, relative: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const h = openHash(ctx.keyspace, text(argv[1]!));
    const fields = fieldsAt(argv, 2, Errors.numberOfFieldsNotPositive, cmd);
    const base = relative ? ctx.now : 0;
    return fields.map((field) => {
      const row = h?.find(field);
      if (!row) return NO_FIELD;
      if (row.expireAt === null) return NO_TTL;
      const ms = row.expireAt - base;
      return seconds ? Math.floor((ms + 999) / 1000) : ms;
    });
  };
}

// HPERSIST key FIELDS numfields field [field ...]
function hpersist(ctx: ExecContext, argv: Arg[]): Reply {
  const h = openHash(ctx.keyspace, text(argv[1]!));
  const fields = fieldsAt(argv, 2, Errors.numberOfFieldsNotPositive, "hpersist");
  if (!h) return fields.map(() => NO_FIELD);
  const codes = fields.map((field) => {
    const row = h.find(field);
    if (!row) return NO_FIELD;
    if (row.expireAt === null) return NO_TTL;
    h.setExpiry(row, null);
    return SET;
  });
  if (codes.includes(SET)) ctx.keyspace.notify(Notify.Hash, "hpersist", text(argv[1]!));
  return codes;
}

// HGETDEL key FIELDS numfields field [field ...]
function hgetdel(ctx: ExecContext, argv: Arg[]): Reply {
  const h = openHash(ctx.keyspace, text(argv[1]!));
  const fields = fieldsAt(argv, 2, Errors.numberOfFieldsNotPositive, "hgetdel");
  if (!h) return fields.map(() => null);
  const values = fields.map((field) => {
    const value = h.get(field);
    if (value !== null) h.delete(field);
    return value;
  });
  if (values.some((v) => v !== null)) ctx.keyspace.notify(Notify.Hash, "hdel", text(argv[1]!));
  h.save();
  return values;
}

// HGETEX key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST] FIELDS numfields field [field ...]
function hgetex(ctx: ExecContext, argv: Arg[]): Reply {
  const ks = ctx.keyspace;
  const h = openHash(ks, text(argv[1]!));
  const opt = text(argv[2]!).toUpperCase();
  let change: { persist: true } | { at: number } | null = null;
  let pos = 2;
  if (opt === "EX" || opt === "PX" || opt === "EXAT" || opt === "PXAT") {
    change = { at: parseFieldExpiry(argv[3]!, opt === "EX" || opt === "EXAT", opt === "EX" || opt === "PX" ? ctx.now : 0, "hgetex") };
    pos = 4;
  } else if (opt === "PERSIST") {
    change = { persist: true };
    pos = 3;
  }
  const fields = fieldsAt(argv, pos, Errors.numberOfFieldsNotPositive, "hgetex");
  if (!h) return fields.map(() => null);
  let event: string | null = null;
  const values = fields.map((field) => {
    const row = h.find(field);
    if (!row) return null;
    if (change && "persist" in change) {
      if (row.expireAt !== null) {
        h.setExpiry(row, null);
        event = "hpersist";
      }
    } else if (change) {
      if (change.at <= ks.now) {
        h.delete(field);
        event = "hdel";
      } else {
        h.setExpiry(row, change.at);
        event ??= "hexpire";
      }
    }
    return row.value;
  });
  if (event) ks.notify(Notify.Hash, event, text(argv[1]!));
  h.save();
  return values;
}

interface HsetexOptions {
  condition: "FNX" | "FXX" | null;
  expireAt: number | null;
  keepTtl: boolean;
  pairs: [Uint8Array, Uint8Array][];
}

/** HSETEX's arguments, parsed in Redis's order (before the key is looked at). */
function parseHsetex(ctx: ExecContext, argv: Arg[]): HsetexOptions {
  const o: HsetexOptions = { condition: null, expireAt: null, keepTtl: false, pairs: [] };
  let expirySeen = false;
  for (let i = 2; i < argv.length; i++) {
    const arg = text(argv[i]!);
    const opt = arg.toUpperCase();
    if (opt === "FIELDS") {
      if (i >= argv.length - 3) throw new CommandError(Errors.wrongArity("hsetex"));
      const n = parseI64(text(argv[i + 1]!));
      if (n === null || n < 1n || n > 2147483647n) throw new CommandError(Errors.invalidNumberOfFields);
      const remaining = argv.length - i - 2;
      if (remaining % 2 !== 0 || n !== BigInt(remaining / 2)) throw new CommandError(Errors.wrongArity("hsetex"));
      for (let j = i + 2; j < argv.length; j += 2) o.pairs.push([bytes(argv[j]!), bytes(argv[j + 1]!)]);
      return o;
    } else if (opt === "EX" || opt === "PX" || opt === "EXAT" || opt === "PXAT") {
      if (expirySeen) throw new CommandError(Errors.hsetexExpiryConflict);
      if (i >= argv.length - 1) throw new CommandError(Errors.missingExpireTime);
      expirySeen = true;
      i++;
      const seconds = opt === "EX" || opt === "EXAT";
      o.expireAt = parseFieldExpiry(argv[i]!, seconds, opt === "EX" || opt === "PX" ? ctx.now : 0, "hsetex");
    } else if (opt === "KEEPTTL") {
      if (expirySeen) throw new CommandError(Errors.hsetexExpiryConflict);
      expirySeen = true;
      o.keepTtl = true;
    } else if (opt === "FNX" || opt === "FXX") {
      if (o.condition) throw new CommandError(Errors.fnxFxxConflict);
      o.condition = opt;
    } else {
      throw new CommandError(Errors.unknownArgument(arg));
    }
  }
  throw new CommandError(Errors.syntax);
}

// HSETEX key [FNX|FXX] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL] FIELDS numfields field value [field value ...]
function hsetex(ctx: ExecContext, argv: Arg[]): Reply {
  const o = parseHsetex(ctx, argv);
  const ks = ctx.keyspace;
  return updateHash(ks, text(argv[1]!), (h) => {
    if (o.condition) {
      const want = o.condition === "FXX";
      for (const [field] of o.pairs) if ((h.get(field) !== null) !== want) return 0;
    }
    for (const [field, value] of o.pairs) {
      h.set(field, value, o.keepTtl || o.expireAt !== null);
      if (o.expireAt === null) continue;
      if (o.expireAt <= ks.now) h.delete(field);
      else h.setExpiry(h.find(field)!, o.expireAt);
    }
    const key = text(argv[1]!);
    ks.notify(Notify.Hash, "hset", key);
    if (o.expireAt !== null) ks.notify(Notify.Hash, o.expireAt <= ks.now ? "hdel" : "hexpire", key);
    return 1;
  });
}

export const hashExpiryCommands: CommandSpec[] = [
  { name: "hexpire", arity: -6, flags: ["write", "fast"], keys: ONE_KEY, run: hexpireGeneric("hexpire", true, true), summary: "HEXPIRE key seconds [NX|XX|GT|LT] FIELDS numfields field [field ...]" },
  { name: "hpexpire", arity: -6, flags: ["write", "fast"], keys: ONE_KEY, run: hexpireGeneric("hpexpire", false, true), summary: "HPEXPIRE key milliseconds [NX|XX|GT|LT] FIELDS numfields field [field ...]" },
  { name: "hexpireat", arity: -6, flags: ["write", "fast"], keys: ONE_KEY, run: hexpireGeneric("hexpireat", true, false), summary: "HEXPIREAT key unix-time-seconds [NX|XX|GT|LT] FIELDS numfields field [field ...]" },
  { name: "hpexpireat", arity: -6, flags: ["write", "fast"], keys: ONE_KEY, run: hexpireGeneric("hpexpireat", false, false), summary: "HPEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT] FIELDS numfields field [field ...]" },
  { name: "httl", arity: -5, flags: ["readonly", "fast"], keys: ONE_KEY, run: httlGeneric("httl", true, true), summary: "HTTL key FIELDS numfields field [field ...]" },
  { name: "hpttl", arity: -5, flags: ["readonly", "fast"], keys: ONE_KEY, run: httlGeneric("hpttl", false, true), summary: "HPTTL key FIELDS numfields field [field ...]" },
  { name: "hexpiretime", arity: -5, flags: ["readonly", "fast"], keys: ONE_KEY, run: httlGeneric("hexpiretime", true, false), summary: "HEXPIRETIME key FIELDS numfields field [field ...]" },
  { name: "hpexpiretime", arity: -5, flags: ["readonly", "fast"], keys: ONE_KEY, run: httlGeneric("hpexpiretime", false, false), summary: "HPEXPIRETIME key FIELDS numfields field [field ...]" },
  { name: "hpersist", arity: -5, flags: ["write", "fast"], keys: ONE_KEY, run: hpersist, summary: "HPERSIST key FIELDS numfields field [field ...]" },
  { name: "hgetdel", arity: -5, flags: ["write", "fast"], keys: ONE_KEY, run: hgetdel, summary: "HGETDEL key FIELDS numfields field [field ...]" },
  { name: "hgetex", arity: -5, flags: ["write", "fast"], keys: ONE_KEY, run: hgetex, summary: "HGETEX key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST] FIELDS numfields field [field ...]" },
  { name: "hsetex", arity: -6, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: hsetex, summary: "HSETEX key [FNX|FXX] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL] FIELDS numfields field value [field value ...]" },
];
