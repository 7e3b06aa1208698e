/**
 * The Worker's side of a cross-shard transaction: two-phase commit with a durable coordinator
 * (docs/cross-shard-transactions.md has the protocol, the diagram and the failure cases).
 *
 * 1. prepare on every participant shard: each locks its keys, keeps its writes durably and
 *    answers its reads. A shard never waits: a key locked by another transaction answers
 *    "busy". The first attempt prepares all shards in parallel; if one is busy, everything is
 *    aborted (nothing was applied) and the next attempts prepare one shard after the other in
 *    ascending shard order, waiting (bounded) on a busy shard while holding the locks of the
 *    lower shards. Waits therefore only ever go from a lower shard to a higher one: no cycle,
 *    no deadlock. A failure at prepare aborts everywhere. A transaction with writes that
 *    depend on an earlier part's reads prepares its parts one by one in its own order and never
 *    waits: busy aborts, backs off and retries (bounded).
 * 2. `shouldCommit(reads)`: the command's own condition (MSETNX: no key exists). No: abort.
 * 3. decide: the Coordinator records COMMITTED. This is the commit point. It answers ABORTED
 *    instead when a participant whose lease ran out asked first (presumed abort).
 * 4. commit on every participant in parallel; each applies its writes once and unlocks.
 *    Then the coordinator forgets the decision.
 *
 * The Worker may die anywhere: before step 3 every participant eventually asks the
 * coordinator, which answers ABORTED; after it they are told COMMITTED. Aborts are never
 * recorded (a missing decision means abort), so the fast path writes the coordinator once.
 */
import type { Arg } from "../durable-objects/args";
import type { Decision } from "../durable-objects/coordinator";
import type { PrepareRequest, PrepareResult, TxEvent } from "../durable-objects/participant";
import type { Reply } from "../durable-objects/reply";
import type { DumpResult, ScratchRequest, ScratchResult } from "../durable-objects/scratch";
import { isolateCounters } from "./metrics/isolate";

/** How the Worker reaches participants and coordinators (RPC in production, fakes in tests). */
export interface TxBackend {
  prepare(shard: number, req: PrepareRequest): Promise<PrepareResult>;
  commit(shard: number, txid: string): Promise<Reply[]>;
  abort(shard: number, txid: string): Promise<void>;
  /** Adds writes to a prepared part; false when it is no longer prepared. */
  stage(shard: number, txid: string, writes: Arg[][], events?: TxEvent[]): Promise<boolean>;
  /** Runs a command on `shard` over keys gathered from several shards; changes nothing there. */
  scratch(shard: number, req: ScratchRequest): Promise<ScratchResult>;
  /** Records COMMITTED unless a decision exists; answers the decision in force. */
  decide(coordinator: string, txid: string): Promise<Decision>;
  /** The decision in force (ABORTED recorded when none). */
  outcome(coordinator: string, txid: string): Promise<Decision>;
  forget(coordinator: string, txid: string): Promise<void>;
}

/** One participant's share: keys to lock, reads run at prepare, writes run at commit. */
export interface TxPart {
  shard: number;
  keys: string[];
  reads: Arg[][];
  writes: Arg[][];
  /**
   * Writes that depend on what earlier parts read (LMOVE pushes the element its source holds):
   * given the read replies of the parts before this one, replaces `writes`.
   */
  writesFrom?: (earlier: Reply[][]) => Arg[][];
  /** Keys whose whole contents prepare answers (gather, run, scatter). */
  dumps?: string[];
  /** Locks the whole shard at prepare, not just `keys` (a keyspace-wide command among the writes). */
  lockAll?: true;
  /**
   * The keyspace events the part's writes raise at commit in place of their own (a RENAME across
   * shards is `rename_from` on the source's shard, not the `del` of the write that applies it).
   */
  events?: TxEvent[];
}

/**
 * Gather, run, scatter: called once every part is prepared (locks held, dumps gathered) and
 * before the decision. Answers the writes to add to each part (staged durably before the
 * decision), or null to release everything without writing (nothing to write, or an error the
 * caller keeps for its reply). `txid` names the transaction (a restore sets each shard's under it).
 */
export type Between = (reads: Reply[][], dumps: DumpResult[][], txid: string) => Promise<{ writes: Arg[][][]; events?: TxEvent[][] } | null>;

export type TxResult =
  /** Applied everywhere (`replies[i]` null: the commit reply from part i was lost; it applies on its own). */
  | { status: "committed"; reads: Reply[][]; replies: (Reply[] | null)[] }
  /** `shouldCommit` said no: nothing applied. */
  | { status: "aborted"; reads: Reply[][] }
  /** Kept meeting locked keys: nothing applied. */
  | { status: "busy" }
  /** A participant could not be reached at prepare: nothing applied. */
  | { status: "failed"; error: string }
  /** The decision could not be learned: the transaction commits or aborts on its own. */
  | { status: "unknown" };

export interface TxOptions {
  /** How long participants wait for the decision before asking the coordinator. */
  leaseMs?: number;
  /** Attempts when keys are locked by other transactions. */
  attempts?: number;
  /** Test hook: called at "prepared" (before the decision) and "decided" (before the commits); a throw is the Worker dying there. */
  crashAt?: (point: "prepared" | "decided") => void;
}

export const TX_LEASE_MS = 5_000;
/** One parallel attempt, then ordered ones. */
const TX_ATTEMPTS = 3;
/** How long an ordered attempt waits for one busy shard before it gives up (well under the lease). */
const ORDERED_WAIT_MS = 1_500;
const WAIT_STEP_MS = [1, 2, 4, 8, 16, 32];
/** Attempts, and the base of their randomized backoff, for transactions with dependent writes. */
const DEPENDENT_ATTEMPTS = 8;
const DEPENDENT_BACKOFF_MS = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The coordinator of a transaction: one per lowest participant shard, so coordinators spread with the keys. */
export function coordinatorFor(parts: TxPart[]): string {
  return `coordinator-${Math.min(...parts.map((p) => p.shard))}`;
}

export async function runCrossShard(
  parts: TxPart[],
  shouldCommit: (reads: Reply[][]) => boolean,
  backend: TxBackend,
  options: TxOptions = {},
  between?: Between,
): Promise<TxResult> {
  const dependent = parts.some((p) => p.writesFrom);
  const attempts = options.attempts ?? (dependent ? DEPENDENT_ATTEMPTS : TX_ATTEMPTS);
  for (let attempt = 0; ; attempt++) {
    const mode = dependent ? "sequential" : attempt === 0 ? "parallel" : "ordered";
    const result = await attemptOnce(parts, shouldCommit, backend, options, mode, between);
    if (attempt > 0) isolateCounters.incr("edgekv_cross_shard_retries_total");
    if (result.status !== "busy" || attempt + 1 >= attempts) {
      isolateCounters.incr("edgekv_cross_shard_transactions_total", { outcome: result.status });
      return result;
    }
    if (dependent) await sleep(Math.random() * DEPENDENT_BACKOFF_MS * 2 ** attempt);
  }
}

type Request = (p: TxPart, earlier: Reply[][]) => Promise<PrepareResult>;

type Prepared = { ok: true; reads: Reply[][]; dumps: DumpResult[][] } | { ok: false; busy: boolean; error?: string };

/** Phase one, all shards at once; any busy shard fails the attempt. */
async function prepareParallel(parts: TxPart[], request: Request): Promise<Prepared> {
  const prepared = await Promise.allSettled(parts.map((p) => request(p, [])));
  const reads: Reply[][] = [];
  const dumps: DumpResult[][] = [];
  let busy = false;
  for (const r of prepared) {
    if (r.status === "rejected") return { ok: false, busy: false, error: r.reason instanceof Error ? r.reason.message : String(r.reason) };
    if (!r.value.ok) busy = true;
    else {
      reads.push(r.value.reads);
      dumps.push(r.value.dumps ?? []);
    }
  }
  return busy ? { ok: false, busy: true } : { ok: true, reads, dumps };
}

/**
 * Phase one one shard at a time: in ascending shard order, waiting (bounded) on a busy shard;
 * or, with `wait` false, in the parts' own order, giving up at the first busy shard.
 */
async function prepareInTurn(parts: TxPart[], request: Request, wait: boolean): Promise<Prepared> {
  const order = parts.map((_, i) => i);
  if (wait) order.sort((x, y) => parts[x]!.shard - parts[y]!.shard);
  const reads: Reply[][] = new Array(parts.length);
  const dumps: DumpResult[][] = new Array(parts.length);
  for (const i of order) {
    let waited = 0;
    for (let step = 0; ; step++) {
      let r: PrepareResult;
      try {
        r = await request(parts[i]!, reads.slice(0, i));
      } catch (e) {
        return { ok: false, busy: false, error: e instanceof Error ? e.message : String(e) };
      }
      if (r.ok) {
        reads[i] = r.reads;
        dumps[i] = r.dumps ?? [];
        break;
      }
      if (!wait || r.reason === "aborted" || waited >= ORDERED_WAIT_MS) return { ok: false, busy: true };
      const pause = WAIT_STEP_MS[Math.min(step, WAIT_STEP_MS.length - 1)]! * (0.5 + Math.random());
      waited += pause;
      await sleep(pause);
    }
  }
  return { ok: true, reads, dumps };
}

async function attemptOnce(
  parts: TxPart[],
  shouldCommit: (reads: Reply[][]) => boolean,
  backend: TxBackend,
  options: TxOptions,
  mode: "parallel" | "ordered" | "sequential",
  between?: Between,
): Promise<TxResult> {
  const txid = crypto.randomUUID();
  const coordinator = coordinatorFor(parts);
  const leaseMs = options.leaseMs ?? TX_LEASE_MS;
  const request: Request = (p, earlier) => {
    const writes = p.writesFrom ? p.writesFrom(earlier) : p.writes;
    return backend.prepare(p.shard, { txid, coordinator, keys: p.keys, reads: p.reads, writes, leaseMs, ...(p.dumps ? { dumps: p.dumps } : {}), ...(p.lockAll ? { lockAll: true } : {}), ...(p.events ? { events: p.events } : {}) });
  };
  const prepared = mode === "parallel" ? await prepareParallel(parts, request) : await prepareInTurn(parts, request, mode === "ordered");
  const abortAll = () => Promise.allSettled(parts.map((p) => backend.abort(p.shard, txid)));
  if (!prepared.ok) {
    await abortAll();
    return prepared.busy ? { status: "busy" } : { status: "failed", error: prepared.error ?? "prepare failed" };
  }
  const reads = prepared.reads;
  if (!shouldCommit(reads)) {
    await abortAll();
    return { status: "aborted", reads };
  }
  if (between) {
    const staged = await stageBetween(parts, txid, prepared.dumps, reads, backend, between);
    if (staged !== "staged") {
      await abortAll();
      return staged === "nothing" ? { status: "aborted", reads } : staged === "busy" ? { status: "busy" } : { status: "failed", error: staged.error };
    }
  }
  options.crashAt?.("prepared");
  let decision: Decision;
  try {
    decision = await backend.decide(coordinator, txid);
  } catch {
    try {
      decision = await backend.outcome(coordinator, txid);
    } catch {
      return { status: "unknown" };
    }
  }
  if (decision === "aborted") {
    // A participant's lease ran out and it asked first: nothing was applied anywhere.
    await abortAll();
    return { status: "busy" };
  }
  options.crashAt?.("decided");
  const committed = await Promise.all(
    parts.map(async (p) => {
      for (let i = 0; i < 2; i++) {
        try {
          return await backend.commit(p.shard, txid);
        } catch {
          // A lost commit is repeated once; the participant applies it at most once.
        }
      }
      return null;
    }),
  );
  if (committed.every((r) => r !== null)) await backend.forget(coordinator, txid).catch(() => {});
  return { status: "committed", reads, replies: committed };
}

/**
 * Runs `between` and stages the writes it answers on each part; every part must still be
 * prepared (a part whose lease ran out and that learned ABORTED refuses: the attempt is retried).
 */
async function stageBetween(
  parts: TxPart[],
  txid: string,
  dumps: DumpResult[][],
  reads: Reply[][],
  backend: TxBackend,
  between: Between,
): Promise<"staged" | "nothing" | "busy" | { error: string }> {
  let computed: Awaited<ReturnType<Between>>;
  try {
    computed = await between(reads, dumps, txid);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  if (computed === null) return "nothing";
  const { writes, events } = computed;
  const staged = await Promise.allSettled(
    parts.map((p, i) => {
      // With events (even none), the part raises those in place of its writes' own.
      const raised = events?.[i];
      if (writes[i]!.length === 0 && !raised?.length) return Promise.resolve(true);
      return raised ? backend.stage(p.shard, txid, writes[i]!, raised) : backend.stage(p.shard, txid, writes[i]!);
    }),
  );
  for (const r of staged) {
    if (r.status === "rejected") return { error: r.reason instanceof Error ? r.reason.message : String(r.reason) };
  }
  return staged.every((r) => r.status === "fulfilled" && r.value) ? "staged" : "busy";
}

/** The production backend: RPC to the shard and coordinator Durable Objects. */
export function rpcBackend(shard: (i: number) => ParticipantRpc, coordinator: (name: string) => CoordinatorRpc): TxBackend {
  return {
    prepare: (s, req) => shard(s).prepare(req),
    commit: (s, txid) => shard(s).commit(txid),
    abort: (s, txid) => shard(s).abort(txid),
    stage: (s, txid, writes, events) => (events ? shard(s).stage(txid, writes, events) : shard(s).stage(txid, writes)),
    scratch: (s, req) => shard(s).scratch(req),
    decide: (c, txid) => coordinator(c).commit(txid),
    outcome: (c, txid) => coordinator(c).outcome(txid),
    forget: (c, txid) => coordinator(c).forget(txid),
  };
}

/** The participant RPC surface of a shard, typed here (the generated stub type of a recursive Reply is too deep). */
export interface ParticipantRpc {
  prepare(req: PrepareRequest): Promise<PrepareResult>;
  commit(txid: string): Promise<Reply[]>;
  abort(txid: string): Promise<void>;
  stage(txid: string, writes: Arg[][], events?: TxEvent[]): Promise<boolean>;
  scratch(req: ScratchRequest): Promise<ScratchResult>;
}

export interface CoordinatorRpc {
  commit(txid: string): Promise<Decision>;
  outcome(txid: string): Promise<Decision>;
  forget(txid: string): Promise<void>;
}
