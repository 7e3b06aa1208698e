/**
 * A history checker for the session guarantees of read replicas (docs/global.md §3).
 *
 * A history is every operation of every client with its invocation and response times (one
 * clock). Registers are what a command reads or writes: a string key, a hash field, a counter.
 * Each value written to a value register is unique (it encodes the client and its counter), so
 * a read names the write it saw. Real time orders writes: `a` happened before `b` when `a`'s
 * response came before `b`'s invocation (the primary is linearizable, so `b` overwrote `a`).
 * Counters only grow (INCR), so their order is their value.
 *
 * Checked for every read of client `c` (a session: each request carries the last response's
 * token), register `r`, seeing write `w` (or nothing):
 * - read your writes: `w` is not older than `c`'s last acknowledged write of `r`;
 * - monotonic reads: `w` is not older than any write `c` saw of `r` before (or wrote);
 * - max-staleness `m` (when the read asked): no write of `r` that overwrote `w` was acknowledged
 *   more than `m` (plus `slackMs`) before the read began.
 * "Older": happened before (or, for nothing seen, any write at all). Concurrent writes are
 * never a violation either way.
 */

export interface WriteOp {
  kind: "write";
  client: number;
  /** The registers written, each to `value` (MSET writes several at once). */
  regs: string[];
  value: string;
  inv: number;
  res: number;
  /** Acknowledged (an error or a lost reply: the write may or may not have happened). */
  ok: boolean;
}

export interface IncrOp {
  kind: "incr";
  client: number;
  reg: string;
  /** The counter after this increment (null: not acknowledged). */
  result: number | null;
  inv: number;
  res: number;
}

export interface ReadOp {
  kind: "read";
  client: number;
  regs: string[];
  /** What each register held: a written value, a counter as text, or null. Absent: the read failed. */
  values?: (string | null)[];
  inv: number;
  res: number;
  maxStalenessMs?: number;
}

export type Op = WriteOp | IncrOp | ReadOp;

export interface CheckOptions {
  /** Counter registers (their values are integers that only grow). */
  isCounter: (reg: string) => boolean;
  /** Tolerance for the staleness bound, ms (clock granularity). */
  slackMs?: number;
}

export function checkHistory(history: Op[], o: CheckOptions): string[] {
  const slack = o.slackMs ?? 0;
  const violations: string[] = [];
  const writeOf = new Map<string, WriteOp>();
  const writesOf = new Map<string, WriteOp[]>();
  const incrsOf = new Map<string, IncrOp[]>();
  for (const op of history) {
    if (op.kind === "write") {
      writeOf.set(op.value, op);
      for (const r of op.regs) (writesOf.get(r) ?? writesOf.set(r, []).get(r)!).push(op);
    } else if (op.kind === "incr" && op.result !== null) {
      (incrsOf.get(op.reg) ?? incrsOf.set(op.reg, []).get(op.reg)!).push(op);
    }
  }
  const before = (a: { res: number }, b: { inv: number }) => a.res < b.inv;
  const byClient = new Map<number, Op[]>();
  for (const op of history) (byClient.get(op.client) ?? byClient.set(op.client, []).get(op.client)!).push(op);

  for (const [client, ops] of byClient) {
    ops.sort((a, b) => a.inv - b.inv);
    // What the session has seen or written of each register: writes (value registers), the highest count (counters).
    const floorWrites = new Map<string, { w: WriteOp; how: string }[]>();
    const floorCount = new Map<string, { n: number; how: string }>();
    const lastOwn = new Map<string, WriteOp>();
    for (const op of ops) {
      if (op.kind === "write") {
        if (!op.ok) continue;
        for (const r of op.regs) {
          lastOwn.set(r, op);
          (floorWrites.get(r) ?? floorWrites.set(r, []).get(r)!).push({ w: op, how: "wrote" });
        }
        continue;
      }
      if (op.kind === "incr") {
        if (op.result === null) continue;
        const f = floorCount.get(op.reg);
        if (!f || op.result > f.n) floorCount.set(op.reg, { n: op.result, how: `own INCR → ${op.result}` });
        continue;
      }
      if (!op.values) continue;
      op.regs.forEach((r, i) => {
        const v = op.values![i]!;
        const at = `client ${client} read ${r} at ${op.inv.toFixed(1)}`;
        if (o.isCounter(r)) {
          const n = v === null ? 0 : Number(v);
          const f = floorCount.get(r);
          if (f && n < f.n) violations.push(`${at}: saw ${n}, older than ${f.how} (${violationKind(f.how)})`);
          if (op.maxStalenessMs !== undefined) {
            const due = (incrsOf.get(r) ?? []).filter((w) => w.res < op.inv - op.maxStalenessMs! - slack);
            const need = Math.max(0, ...due.map((w) => w.result!));
            if (n < need) violations.push(`${at}: saw ${n}, staler than ${op.maxStalenessMs} ms (≥ ${need} was acknowledged before) (max-staleness)`);
          }
          if (!f || n > f.n) floorCount.set(r, { n, how: `an earlier read of ${n}` });
          return;
        }
        const w: WriteOp | null = v === null ? null : (writeOf.get(v) ?? null);
        if (v !== null && !w) {
          violations.push(`${at}: saw ${JSON.stringify(v)}, which nobody wrote`);
          return;
        }
        for (const f of floorWrites.get(r) ?? []) {
          if (w === null || (w !== f.w && before(w, f.w))) {
            const kind = f.how === "wrote" ? "read your writes" : "monotonic reads";
            if (f.how === "wrote" && lastOwn.get(r) !== f.w) continue; // only the last own write is asked for
            violations.push(`${at}: saw ${v === null ? "nothing" : v}, older than ${f.w.value} it ${f.how === "wrote" ? "wrote" : "saw"} before (${kind})`);
            break;
          }
        }
        if (op.maxStalenessMs !== undefined) {
          const overwritten = (writesOf.get(r) ?? []).find(
            (x) => x.ok && x !== w && (w === null || before(w, x)) && x.res < op.inv - op.maxStalenessMs! - slack,
          );
          if (overwritten) violations.push(`${at}: saw ${v === null ? "nothing" : v}, overwritten by ${overwritten.value} more than ${op.maxStalenessMs} ms before (max-staleness)`);
        }
        if (w) (floorWrites.get(r) ?? floorWrites.set(r, []).get(r)!).push({ w, how: "saw" });
      });
    }
  }
  return violations;
}

function violationKind(how: string): string {
  return how.startsWith("own") ? "read your writes" : "monotonic reads";
}
