/**
 * Where a request's shard batches run when read replicas are configured (docs/global.md §3):
 * a batch goes to the replica of the request's nearest configured region only when every one
 * of its commands may be answered by a copy (`replicaReadable`, from its table entry alone) and
 * the request asks for a session's guarantees (it carries a sync token, or
 * `upstash-max-staleness`); everything else runs on the primary shard, which then reports its
 * log position. The response's token is the request's merged with every position observed.
 *
 * A replica read that cannot be served (`{ ok: false }`: behind after `REPLICA_WAIT_MS`,
 * rebuilding, too stale) or whose RPC fails is sent to the primary: it is a read, so running
 * it twice is harmless. A write is never sent to a replica, so never retried here.
 *
 * With nothing configured (`globalConfig` null) none of this exists: the request path is the
 * plain one (worker/index.ts).
 */
import type { Arg } from "../../durable-objects/args";
import { COMMANDS } from "../../durable-objects/commands";
import type { Reply } from "../../durable-objects/reply";
import type { Replica } from "../../durable-objects/replication/replica";
import { changesState, lookupCommand, type CommandSpec } from "../../durable-objects/table";
import { isGathered, isStreamed, pack, ungather, unpackReplies, type Gathered, type Streamed } from "../../durable-objects/transport";
import type { ShardExec } from "../execute";
import type { ExecLimits } from "../shard-transport";
import { afar, roundTripMs, simulatedDistance, type Distance } from "./distance";
import { nearestRegion, parseRegions, requestRegion, type Region } from "./region";
import type { ParticipantRpc } from "../cross-shard";
import { formatToken, isUnknown, mergeTokens, observe, observeUnknown, parseToken, UNKNOWN, type SyncToken } from "./token";

export const SYNC_TOKEN_HEADER = "upstash-sync-token";
export const MAX_STALENESS_HEADER = "upstash-max-staleness";
export const DEFAULT_REPLICA_WAIT_MS = 50;
const MAX_WAIT_MS = 10_000;
/** The largest max-staleness read (a day, ms); larger values are taken as this. */
const MAX_STALENESS_MS = 86_400_000;

/** The vars this reads (worker/env.ts). */
export interface GlobalEnv {
  /** Absent where no Replica class is served (`npm run serve`): then there are no replicas. */
  REPLICA?: DurableObjectNamespace<Replica>;
  REPLICA_REGIONS?: string;
  REGION_HEADER?: string;
  REPLICA_WAIT_MS?: string;
  SIMULATED_RTT?: string;
  /** Tests only: replica reads ask for no position (the checker in test/global/ must then fail). */
  REPLICA_BREAK_TOKENS?: string;
}

export interface GlobalConfig {
  /** The regions with replicas (empty: none, or no REPLICA binding). */
  regions: Region[];
  regionHeader: string | undefined;
  waitMs: number;
  distance: Distance | null;
  breakTokens: boolean;
}

const configs = new WeakMap<object, GlobalConfig | null>();

/** The global settings of `env`, parsed once per env object; null when neither replicas nor a simulated distance are configured. */
export function globalConfig(env: GlobalEnv): GlobalConfig | null {
  let cfg = configs.get(env);
  if (cfg === undefined) {
    const regions = env.REPLICA ? parseRegions(env.REPLICA_REGIONS) : [];
    const distance = simulatedDistance(env.SIMULATED_RTT);
    const wait = Number(env.REPLICA_WAIT_MS);
    cfg =
      regions.length === 0 && !distance
        ? null
        : {
            regions,
            regionHeader: env.REGION_HEADER?.trim() || undefined,
            waitMs: env.REPLICA_WAIT_MS !== undefined && Number.isInteger(wait) && wait >= 0 ? Math.min(wait, MAX_WAIT_MS) : DEFAULT_REPLICA_WAIT_MS,
            distance,
            breakTokens: env.REPLICA_BREAK_TOKENS === "1",
          };
    configs.set(env, cfg);
  }
  return cfg;
}

/** What a replica is asked for: the position it must have applied (in `epoch`, when the token names one), how stale it may be, how long to wait. */
export interface Want {
  epoch?: string;
  position: number;
  maxStalenessMs?: number;
  waitMs: number;
}

export type ReplicaReadResult = { ok: true; replies: Reply[] | Streamed<Reply[]> | Gathered<Reply[]>; epoch: string; position: number } | { ok: false };

/** A replica's RPC surface for reads (durable-objects/replication/replica.ts). */
export interface ReplicaRpc {
  read(batch: Arg[][], limits: ExecLimits, want: Want): Promise<ReplicaReadResult>;
}

/** A primary's position (durable-objects/shard.ts `position`); `pending`: it holds prepared cross-shard transactions. */
export interface PositionRpc {
  position(): Promise<{ epoch: string; position: number; pending?: boolean }>;
}

/** One request's part in the session (docs/global.md §3). */
export interface Session {
  cfg: GlobalConfig;
  /** The request's region (REGION_HEADER or request.cf); null: unknown. */
  region: Region | null;
  /** The replica region its reads may use; null: the primary only. */
  replica: Region | null;
  /** Whether replicas are configured: primaries report positions, the response carries the session's token. */
  replicas: boolean;
  /** The request's token (null: none, or not one). */
  token: SyncToken | null;
  maxStalenessMs: number | null;
  /** Positions this request observed. */
  observed: SyncToken;
  /** Shards reached by a cross-shard transaction, whose positions are asked for before the response. */
  touched: Set<number>;
  /** Primary batches under way, per shard: a response that starts before they end has that shard's position unknown (a held reply). */
  inFlight: Map<number, number>;
  /** `<shard>/<txid>` of each cross-shard transaction prepared on a shard and not known to be committed or aborted there. */
  unsettled: Set<string>;
}

/** The request's session, or null when nothing global is configured. */
export function openSession(request: Request, env: GlobalEnv, shards: number): Session | null {
  const cfg = globalConfig(env);
  if (!cfg) return null;
  const region = requestRegion(request, cfg.regionHeader);
  const replicas = cfg.regions.length > 0;
  const token = replicas ? parseToken(request.headers.get(SYNC_TOKEN_HEADER), shards) : null;
  const maxStalenessMs = replicas ? parseStaleness(request.headers.get(MAX_STALENESS_HEADER)) : null;
  const asks = token !== null || maxStalenessMs !== null;
  return {
    cfg,
    region,
    replica: asks ? nearestRegion(region, cfg.regions) : null,
    replicas,
    token,
    maxStalenessMs,
    observed: new Map(),
    touched: new Set(),
    inFlight: new Map(),
    unsettled: new Set(),
  };
}

/** `upstash-max-staleness`: milliseconds as a non-negative integer; anything else is not asked. */
export function parseStaleness(value: string | null): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (!/^[0-9]{1,12}$/.test(v)) return null;
  return Math.min(Number(v), MAX_STALENESS_MS);
}

/**
 * The response's token: the request's merged with what this request observed; a shard with a
 * primary batch still under way (the response started before it ended) is unknown.
 */
export function responseToken(session: Session): string {
  const token = mergeTokens(session.token, session.observed);
  for (const [shard, n] of session.inFlight) if (n > 0) token.set(shard, UNKNOWN);
  return formatToken(token);
}

const readable = new WeakMap<CommandSpec, boolean>();

/**
 * Whether a copy of the keyspace at a position may answer the command, from its entry: flagged
 * `readonly` and changing no server state; not `blocking` (a wait is for a write only the
 * primary sees); not `noscript` (EVAL_RO, FCALL_RO: the scripts and libraries are the
 * primary's); not `pinned` (its state beside the key is the primary's: the lock fencing
 * counters); not keyspace-wide (`all`: SCAN's cursor, RANDOMKEY, KEYS and DBSIZE merge over
 * every shard's primary, one consistent walk).
 */
export function replicaReadable(spec: CommandSpec): boolean {
  let ok = readable.get(spec);
  if (ok === undefined) {
    const kind = spec.cluster?.kind ?? "single";
    ok =
      spec.flags.includes("readonly") &&
      !changesState(spec) &&
      !spec.flags.includes("blocking") &&
      !spec.flags.includes("noscript") &&
      kind !== "pinned" &&
      kind !== "all";
    readable.set(spec, ok);
  }
  return ok;
}

/** Whether every command of a shard batch may be answered by a replica. */
export function batchReadable(batch: Arg[][]): boolean {
  if (batch.length === 0) return false;
  for (const argv of batch) {
    const found = lookupCommand(COMMANDS, argv);
    if (!found.ok || !replicaReadable(found.spec)) return false;
  }
  return true;
}

/** What the replica of `shard` is asked for, from the request's token and headers. */
export function wantOf(session: Session, shard: number): Want {
  const had = session.cfg.breakTokens ? undefined : session.token?.get(shard);
  const entry = isUnknown(had) ? undefined : had;
  const want: Want = { position: entry?.position ?? 0, waitMs: session.cfg.waitMs };
  if (entry) want.epoch = entry.epoch;
  if (session.maxStalenessMs !== null) want.maxStalenessMs = session.maxStalenessMs;
  return want;
}

/** `stub` as seen from the request's region, the object being in `region` (SIMULATED_RTT only). */
export function fromRequest<T extends object>(session: Session | null, stub: T, region?: Region): T {
  const d = session?.cfg.distance;
  if (!d) return stub;
  return afar(stub, roundTripMs(d, session!.region, region ?? d.primary));
}

/** The replica object of `shard` in `region` (binding REPLICA, named `replica-<region>-<shard>`, placed there). */
export function replicaStub(env: GlobalEnv, session: Session, region: Region, shard: number): ReplicaRpc {
  const stub = env.REPLICA!.getByName(`replica-${region}-${shard}`, { locationHint: region as DurableObjectLocationHint });
  return fromRequest(session, stub as unknown as ReplicaRpc, region);
}

/**
 * The request's shard access with replicas: `primary` (which reports positions into the
 * session) for what must run there, the replica for the batches it may answer, the primary
 * again when the replica cannot.
 */
export function routedExec(session: Session, primary: ShardExec, replicaOf: (region: Region, shard: number) => ReplicaRpc): ShardExec {
  return async (shard, batch, replyLimit, mayBlock) => {
    if (session.replica && !mayBlock && !primaryAsked(session, shard) && batchReadable(batch)) {
      const replies = await readReplica(session, replicaOf(session.replica, shard), shard, batch, replyLimit);
      if (replies) return replies;
    }
    return primary(shard, batch, replyLimit, mayBlock);
  };
}

/** Whether the session's position on `shard` is unknown: only its primary can answer it (token.ts). */
export function primaryAsked(session: Session, shard: number): boolean {
  return !session.cfg.breakTokens && isUnknown(session.token?.get(shard));
}

/** A batch read on a replica: its replies, with its position observed; null when the primary must answer it. */
async function readReplica(session: Session, stub: ReplicaRpc, shard: number, batch: Arg[][], replyLimit: number | undefined): Promise<Reply[] | null> {
  // A batch too large for one RPC message reads from the primary (replicas take no byte streams).
  if (isStreamed(pack(batch))) return null;
  let result: ReplicaReadResult;
  try {
    result = await stub.read(batch, { replyBytes: replyLimit, gather: true }, wantOf(session, shard));
  } catch {
    return null;
  }
  if (!result || !result.ok) return null;
  // Pending: a replica's position never stands in for an unknown one (only a primary's answer does).
  observe(session.observed, shard, result.epoch, result.position, true);
  const { replies } = result;
  if (Array.isArray(replies)) return replies;
  return isGathered(replies) ? ungather(replies) : unpackReplies(replies);
}

/** Records the position a primary reported for `shard` (execOnShard's `observe`). */
export function observer(session: Session): (shard: number, epoch: string, position: number, pending?: boolean) => void {
  return (shard, epoch, position, pending) => observe(session.observed, shard, epoch, position, pending === true);
}

/**
 * The primary's batches, counted while under way (`inFlight`, for a response that starts before
 * they end), and a batch whose answer did not arrive (its RPC failed: it may have run) makes the
 * shard's position unknown.
 */
export function trackedPrimary(session: Session, primary: ShardExec): ShardExec {
  return async (shard, batch, replyLimit, mayBlock) => {
    session.inFlight.set(shard, (session.inFlight.get(shard) ?? 0) + 1);
    try {
      return await primary(shard, batch, replyLimit, mayBlock);
    } catch (e) {
      observeUnknown(session.observed, shard);
      throw e;
    } finally {
      session.inFlight.set(shard, session.inFlight.get(shard)! - 1);
    }
  };
}

/**
 * A cross-shard transaction's participant `shard`, recording in the session which transactions are
 * prepared there and not known to be committed or aborted (a commit whose reply was lost).
 */
export function trackedParticipant(session: Session, shard: number, stub: ParticipantRpc): ParticipantRpc {
  return {
    prepare: (req) => {
      session.unsettled.add(`${shard}/${req.txid}`);
      return stub.prepare(req);
    },
    commit: async (txid) => {
      const replies = await stub.commit(txid);
      session.unsettled.delete(`${shard}/${txid}`);
      return replies;
    },
    abort: async (txid) => {
      await stub.abort(txid);
      session.unsettled.delete(`${shard}/${txid}`);
    },
    stage: (txid, writes, events) => (events ? stub.stage(txid, writes, events) : stub.stage(txid, writes)),
    scratch: (req) => stub.scratch(req),
  };
}

/**
 * Asks each shard a cross-shard transaction reached for its position (after the transaction, so
 * at least its writes'), for the response's token. A shard that does not answer is unknown, and
 * so is one where a transaction of this request is not known to have committed (or aborted) while
 * the shard still holds prepared transactions: the commit may apply there later, past the position.
 */
export async function observeTouched(session: Session, positionOf: (shard: number) => PositionRpc): Promise<void> {
  if (!session.replicas || session.touched.size === 0) return;
  const shards = [...session.touched];
  session.touched.clear();
  const unsettled = new Set([...session.unsettled].map((k) => Number(k.slice(0, k.indexOf("/")))));
  await Promise.all(
    shards.map(async (shard) => {
      let answer: { epoch: string; position: number; pending?: boolean };
      try {
        answer = await positionOf(shard).position();
      } catch {
        observeUnknown(session.observed, shard);
        return;
      }
      if (answer.pending && unsettled.has(shard)) observeUnknown(session.observed, shard);
      else observe(session.observed, shard, answer.epoch, answer.position, answer.pending === true);
    }),
  );
}
