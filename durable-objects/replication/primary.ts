/**
 * A shard's side of read replication (docs/global.md §1, §2): its change log, the push of new
 * log rows to each region's replica, the replicas' acknowledgements, and trimming.
 *
 * Push: after a step that logged rows (`stepEnded`), each replica is sent what it has not been
 * sent, up to a step boundary and PUSH_ROWS rows. At most one push is in flight per replica; rows
 * logged meanwhile go with the next one, so pushes coalesce under load. The runtime's output gate
 * holds an outgoing call until the step's writes are durable, so a replica never receives what
 * the primary could still lose. A failed push is retried from the alarm (RETRY_MS later); the
 * replica also pulls by itself when a push starts past its position.
 *
 * Trimming: each replica's answer (and `acknowledge`) records its applied position; rows older
 * than the retention window go once every replica that acknowledged within that window has them
 * (a rebuilding replica acknowledges its start position, which holds the log from there). A
 * replica that stops acknowledging holds nothing after the window; it rebuilds.
 */
import { afar, roundTripMs, simulatedDistance } from "./distance";
import { ChangeLog, type ChangesAnswer, type EncodedRow, type LogRow, type SnapshotPage } from "./log";
import { parseRegions, replicaName, type Region } from "./regions";

/** Rows per push (a step larger than this goes whole). */
export const PUSH_ROWS = 2_000;
/** A failed push is tried again this much later (from the alarm). */
const RETRY_MS = 1_000;
export const DEFAULT_RETENTION_MS = 10 * 60_000;

/** What a push carries (Replica.apply). */
export interface Push {
  epoch: string;
  /** The position the rows follow: the replica must have applied it. */
  from: number;
  /** The position after the rows (a step boundary). */
  upTo: number;
  rows: LogRow[];
  /** `upTo` is inside a step (its images come in several pushes): the copy is not read until a later one ends it. */
  partial?: true;
  /** The primary's position when it was sent: with `upTo` equal to it, the replica is then caught up. */
  position: number;
  /** The primary's clock when it was sent: the replica was caught up with the primary then, once applied. */
  sentAt: number;
}

export interface Applied {
  epoch: string;
  position: number;
}

/** The replica's RPC as the primary calls it. */
export interface ReplicaPeer {
  apply(push: Push): Promise<Applied>;
  /** The primary's history under `epoch` is about to be rewound: serve nothing of it again (point-in-time restore). */
  fence(epoch: string): Promise<void>;
}

/** The vars this reads. */
export interface ReplicationVars {
  REPLICA_REGIONS?: string;
  REPLICA_LOG_RETENTION_MS?: string;
  SIMULATED_RTT?: string;
}

interface PeerState {
  region: Region;
  /** Position sent through (in flight or answered). */
  sent: number;
  inFlight: boolean;
  /** Last acknowledged position and when (ms), for trimming. */
  acked: number;
  ackedAt: number;
  /** When a failed push is to be tried again. */
  retryAt: number | null;
}

export class PrimaryReplication {
  private readonly peers: PeerState[];
  /** The log's position when this object started (or its log started over): pushes begin there. */
  private started: number;

  private constructor(
    private currentLog: ChangeLog,
    private readonly sql: SqlStorage,
    regions: Region[],
    private readonly peer: (region: Region) => ReplicaPeer,
    /** Arms the shard's alarm by `at`. */
    private readonly armAlarm: (at: number) => void,
  ) {
    this.started = currentLog.position;
    this.peers = regions.map((region) => ({ region, sent: currentLog.position, inFlight: false, acked: 0, ackedAt: 0, retryAt: null }));
  }

  get log(): ChangeLog {
    return this.currentLog;
  }

  /**
   * Starts the log over with a new epoch, in the caller's step: every replica rebuilds at its
   * next push or pull. After a point-in-time restore the restored log's positions were already
   * used, with other content, under the old epoch (docs/point-in-time.md "Read replicas").
   */
  newEpoch(): void {
    this.currentLog = ChangeLog.restart(this.sql, this.currentLog.retentionMs);
    this.started = this.currentLog.position;
    for (const p of this.peers) {
      p.sent = this.currentLog.position;
      p.acked = 0;
      p.ackedAt = 0;
    }
  }

  /** Tells every replica that this log's history is about to be rewound; false when one could not be told. */
  async fence(): Promise<boolean> {
    const epoch = this.currentLog.epoch;
    const told = await Promise.allSettled(this.peers.map((p) => this.peer(p.region).fence(epoch)));
    return told.every((r) => r.status === "fulfilled");
  }

  /**
   * Starts or stops the shard's log from its vars: it runs iff REPLICA_REGIONS names a region.
   * Answers null when it is off (the triggers then do not exist).
   */
  static configure(
    sql: SqlStorage,
    vars: ReplicationVars,
    shard: number,
    namespace: DurableObjectNamespace | undefined,
    armAlarm: (at: number) => void,
  ): PrimaryReplication | null {
    const regions = parseRegions(vars.REPLICA_REGIONS);
    if (regions.length === 0 || !namespace) {
      ChangeLog.stop(sql);
      return null;
    }
    const retention = Number(vars.REPLICA_LOG_RETENTION_MS);
    const log = ChangeLog.start(sql, Number.isFinite(retention) && retention >= 0 ? retention : DEFAULT_RETENTION_MS);
    const distance = simulatedDistance(vars.SIMULATED_RTT);
    const peer = (region: Region) => {
      const stub = namespace.getByName(replicaName(region, shard), { locationHint: region as DurableObjectLocationHint }) as unknown as ReplicaPeer;
      // The primary is in the distance's primary region: a push to another region waits the far round trip.
      return distance ? afar(stub, roundTripMs(distance, distance.primary, region)) : stub;
    };
    return new PrimaryReplication(log, sql, regions, peer, armAlarm);
  }

  get epoch(): string {
    return this.log.epoch;
  }

  get position(): number {
    return this.log.position;
  }

  /** After a synchronous step that may have written: closes it in the log and pushes what it logged. */
  stepEnded(now: number): void {
    if (this.log.mark(now)) this.pushAll(now);
  }

  changes(epoch: string, after: number, limit: number): ChangesAnswer {
    return this.log.changes(epoch, after, limit);
  }

  snapshot(table: string, after: EncodedRow | null, limit: number): SnapshotPage {
    return this.log.snapshot(table, after, limit);
  }

  /** A replica's applied position (its answer to a push, or a rebuild's start position). */
  acknowledge(region: string, epoch: string, position: number, now = Date.now()): void {
    if (epoch !== this.log.epoch) return;
    const p = this.peers.find((x) => x.region === region);
    if (!p) return;
    p.acked = position;
    p.ackedAt = now;
  }

  /** The lowest position a replica that acknowledged within the retention window still needs. */
  hold(now: number): number {
    let hold = Number.MAX_SAFE_INTEGER;
    for (const p of this.peers) if (now - p.ackedAt <= this.log.retentionMs) hold = Math.min(hold, p.acked);
    return hold;
  }

  /** The alarm's deadline for replication: a retried push or trimming. */
  earliest(now: number): number | null {
    let at = this.log.earliestTrim(now, this.hold(now));
    for (const p of this.peers) if (p.retryAt !== null && (at === null || p.retryAt < at)) at = p.retryAt;
    return at;
  }

  /** From the alarm: deletes up to `limit` trimmable rows; answers how many. */
  trim(limit: number, now: number): number {
    return this.log.trim(now, limit, this.hold(now));
  }

  /** From the alarm: pushes whose retry is due. */
  retry(now: number): void {
    for (const p of this.peers) if (p.retryAt !== null && p.retryAt <= now) this.push(p, now);
  }

  /** Each replica's state (tests, INFO). */
  peersState(): { region: Region; sent: number; acked: number; inFlight: boolean }[] {
    return this.peers.map(({ region, sent, acked, inFlight }) => ({ region, sent, acked, inFlight }));
  }

  private pushAll(now: number): void {
    for (const p of this.peers) if (!p.inFlight && p.sent < this.log.position) this.push(p, now);
  }

  private push(p: PeerState, now: number): void {
    if (p.inFlight) return;
    p.retryAt = null;
    const log = this.log;
    const answer = log.changes(log.epoch, p.sent, PUSH_ROWS, now);
    // Behind what the log still holds: an empty push at the position makes the replica pull, and rebuild.
    const push: Push =
      "rebuild" in answer
        ? { epoch: log.epoch, from: log.position, upTo: log.position, rows: [], position: log.position, sentAt: now }
        : { epoch: log.epoch, from: p.sent, upTo: answer.upTo, rows: answer.rows, ...(answer.partial ? { partial: true as const } : {}), position: answer.position, sentAt: now };
    p.inFlight = true;
    p.sent = push.upTo;
    let stub: ReplicaPeer;
    try {
      stub = this.peer(p.region);
    } catch {
      this.failed(p, now);
      return;
    }
    stub.apply(push).then(
      (applied) => {
        p.inFlight = false;
        const at = Date.now();
        this.acknowledge(p.region, applied.epoch, applied.position, at);
        if (p.sent < this.log.position) this.push(p, at);
      },
      () => this.failed(p, Date.now()),
    );
  }

  private failed(p: PeerState, now: number): void {
    p.inFlight = false;
    // Sent again from what it acknowledged, or from where this object started (the replica skips what it has).
    p.sent = Math.min(p.sent, p.ackedAt > 0 ? p.acked : this.started);
    p.retryAt = now + RETRY_MS;
    this.armAlarm(p.retryAt);
  }
}
