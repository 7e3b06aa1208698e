/**
 * String commands: argv → typed arguments → store/strings.ts → reply.
 */
import { ArgCursor, bytes, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { OK, type Reply } from "../reply";
import { getString, setString, type SetStringOptions } from "../store/strings";
import type { CommandSpec } from "../table";
import { absoluteExpiry, eatExpireUnit } from "./expire-options";

const ONE_KEY = { first: 1, last: 1, step: 1 };

// GET key
function get(ctx: ExecContext, argv: Arg[]): Reply {
  return getString(ctx.keyspace, text(argv[1]!));
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL]
function set(ctx: ExecContext, argv: Arg[]): Reply {
  const opts: SetStringOptions = {};
  const p = new ArgCursor(argv, 3);
  let expirySeen = false;
  while (p.more()) {
    const unit = eatExpireUnit(p);
    if (unit) {
      if (expirySeen) p.syntaxError();
      expirySeen = true;
      opts.expireAt = absoluteExpiry(unit, p.takeI64(), ctx.now, "set");
    } else if (p.eat("KEEPTTL")) {
      if (expirySeen) p.syntaxError();
      expirySeen = true;
      opts.keepTtl = true;
    } else if (p.eat("NX")) {
      if (opts.mode) p.syntaxError();
      opts.mode = "nx";
    } else if (p.eat("XX")) {
      if (opts.mode) p.syntaxError();
      opts.mode = "xx";
    } else if (p.eat("GET")) {
      opts.get = true;
    } else {
      p.syntaxError();
    }
  }
  return setGeneric(ctx, argv[1]!, argv[2]!, opts);
}

/** The family's one function: SET, SETNX, SETEX, PSETEX and GETSET differ only in options and reply. */
function setGeneric(ctx: ExecContext, key: Arg, value: Arg, opts: SetStringOptions): Reply {
  const r = setString(ctx.keyspace, text(key), bytes(value), opts);
  if (opts.get) return r.old;
  return r.written ? OK : null;
}

// SETNX key value
function setnx(ctx: ExecContext, argv: Arg[]): Reply {
  return setGeneric(ctx, argv[1]!, argv[2]!, { mode: "nx" }) === OK ? 1 : 0;
}

// SETEX key seconds value / PSETEX key milliseconds value
function setexGeneric(unit: "EX" | "PX", cmd: string) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const p = new ArgCursor(argv, 2);
    const expireAt = absoluteExpiry(unit, p.takeI64(), ctx.now, cmd);
    return setGeneric(ctx, argv[1]!, argv[3]!, { expireAt });
  };
}

// GETSET key value
function getset(ctx: ExecContext, argv: Arg[]): Reply {
  return setGeneric(ctx, argv[1]!, argv[2]!, { get: true });
}

export const stringCommands: CommandSpec[] = [
  { name: "get", arity: 2, flags: ["readonly", "fast"], keys: ONE_KEY, run: get },
  { name: "set", arity: -3, flags: ["write", "denyoom"], keys: ONE_KEY, run: set },
  { name: "setnx", arity: 3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: setnx },
  { name: "setex", arity: 4, flags: ["write", "denyoom"], keys: ONE_KEY, run: setexGeneric("EX", "setex") },
  { name: "psetex", arity: 4, flags: ["write", "denyoom"], keys: ONE_KEY, run: setexGeneric("PX", "psetex") },
  { name: "getset", arity: 3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: getset },
];
