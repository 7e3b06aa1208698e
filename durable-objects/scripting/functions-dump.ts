/**
 * FUNCTION DUMP's payload, in Redis's own serialization so that a dump moves between this
 * server and redis-server both ways (functions.c functionDumpCommand, rdb.c rdbSaveFunctions):
 * for each library the RDB opcode FUNCTION2 (245) and its whole code (first line included) as
 * an RDB string, then the 2-byte RDB version and the CRC-64 footer, as DUMP of a key has.
 * Reading also takes Redis 7.0-rc's older opcode FUNCTION (246: name, engine, an optional
 * description, then the code without its first line), as rdbFunctionLoad does.
 *
 * redis-server writes libraries in its hash table's order (seeded per process); this server
 * writes them in name order, the order FUNCTION LIST shows. Strings are LZF-compressed as Redis
 * compresses them, so the same libraries in the same order give the same bytes.
 */
import { ScriptErrors } from "../errors";
import { RdbError, RdbReader, RdbWriter, verifyPayload } from "../rdb/encoding";
import { CommandError } from "../reply";

export const RDB_OPCODE_FUNCTION2 = 245;
export const RDB_OPCODE_FUNCTION = 246;

/** The payload of FUNCTION DUMP for libraries with these codes (in this order). */
export function dumpLibraries(codes: Uint8Array[]): Uint8Array {
  const w = new RdbWriter();
  for (const code of codes) w.byte(RDB_OPCODE_FUNCTION2).string(code);
  return w.payload();
}

const encoder = new TextEncoder();

/**
 * The library codes in a FUNCTION RESTORE payload, in payload order; throws CommandError with
 * Redis's texts for a bad footer, an entry that is not a function, or an unreadable string.
 */
export function readLibraryDump(payload: Uint8Array): Uint8Array[] {
  if (verifyPayload(payload) === null) throw new CommandError(ScriptErrors.badDumpPayload);
  const r = new RdbReader(payload, payload.length - 10);
  const codes: Uint8Array[] = [];
  while (r.remaining() > 0) {
    const type = r.byte();
    if (type !== RDB_OPCODE_FUNCTION2 && type !== RDB_OPCODE_FUNCTION) throw new CommandError(ScriptErrors.notAFunction);
    try {
      codes.push(type === RDB_OPCODE_FUNCTION2 ? r.string() : legacyLibrary(r));
    } catch (e) {
      if (e instanceof RdbError) throw new CommandError(ScriptErrors.badLibraryPayload);
      throw e;
    }
  }
  return codes;
}

/** Opcode 246 (Redis 7.0-rc1/rc2): its fields become the `#!<engine> name=<name>` form of today. */
function legacyLibrary(r: RdbReader): Uint8Array {
  const name = r.string();
  const engine = r.string();
  if (r.length() !== 0) r.string(); // the description, which later versions dropped
  const code = r.string();
  const head = encoder.encode("#!");
  const out = new Uint8Array(head.length + engine.length + 6 + name.length + 1 + code.length);
  let at = 0;
  for (const part of [head, engine, encoder.encode(" name="), name, encoder.encode("\n"), code]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
