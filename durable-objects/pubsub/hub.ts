/**
 * A shard's Pub/Sub (docs/pubsub.md): the hub of the channels of its slots and a gateway for
 * sockets. The Shard class only delegates to it (its fetch, webSocket* handlers and the
 * `pubsubRegister` / `pubsubDeliver` RPCs).
 *
 * As a home: PUBLISH and SPUBLISH (and keyspace notifications) publish through `publisher`,
 * which counts the receivers from the interest table at once and queues the message. The queue
 * is flushed after the synchronous batch that published (a microtask), so every message of a
 * batch leaves in publish order, and the runtime's output gate holds what leaves (socket frames,
 * RPCs) until the batch's writes are durable. A command rolled back drops the messages it
 * queued (`mark` / `dropSince`, called by the shard around each all-or-nothing command).
 *
 * Deliveries to another gateway go through one chain per gateway: one `pubsubDeliver` RPC at a
 * time, carrying every message queued meanwhile, so a gateway receives a home's messages in
 * order. Its answer names the interest rows it no longer has (a gateway that restarted), which
 * the home then drops: the table heals itself.
 *
 * As a gateway: registrations with homes go through one chain per home as well, each carrying
 * the gateway's current local counts (absolute, so updates coalesce and a late one is harmless).
 *
 * MONITOR: a gateway with monitor sockets registers kind `m` at every shard, as a pattern is.
 * A batch asks `monitoring(now)` once: with no monitor row it gets nothing and its commands pay
 * nothing more; otherwise each command's line is queued, and the flush sends the batch's lines
 * in one delivery per monitor gateway, through the same chains as messages (so in order).
 */
import { bytesText } from "../args";
import { channelShard, registeredEverywhere as everywhere } from "./channels";
import type { Publisher, Subscriptions } from "./publisher";
import { Gateway, type Delivery } from "./gateway";
import { InterestTable, type InterestKind } from "./interest";
import { monitorLine, type MonitorFeed } from "./monitor";

/** The RPCs one shard calls on another for Pub/Sub (durable-objects/shard.ts). */
export interface PubSubPeer {
  pubsubRegister(gateway: number, updates: [InterestKind, string, number][]): Promise<void>;
  pubsubDeliver(home: number, messages: Delivery[]): Promise<[InterestKind, string, number][]>;
}

export interface PubSubHostOptions {
  sql: SqlStorage;
  state: DurableObjectState;
  env: unknown;
  /** This shard's index and the number of shards. */
  shard: number;
  shards: number;
  peer(shard: number): PubSubPeer;
  bufferLimit: number;
}

/** The default of `client-output-buffer-limit pubsub`'s hard limit, as Redis. */
export const DEFAULT_PUBSUB_BUFFER_LIMIT = 32 * 1024 * 1024;

/** Payload bytes one deliver RPC carries at most (one message larger than this goes alone). */
const DELIVER_BATCH_BYTES = 4 * 1024 * 1024;

const EMPTY = new Uint8Array(0);

/** Bytes of payload a delivery carries (its message, or its MONITOR lines). */
function deliverySize(d: Delivery): number {
  let n = d.message.byteLength;
  for (const line of d.monitor ?? []) n += line.length;
  return n;
}

interface Queued {
  channel: string;
  message: Uint8Array;
  sharded: boolean;
  gateways: Map<number, { kind: InterestKind; name: string; version: number }[]>;
}

export class PubSub {
  private readonly interest: InterestTable;
  /** PUBSUB's view of the interest table (a keyevent channel counted at its home only). */
  readonly subscriptions: Subscriptions;
  readonly gateway: Gateway;
  readonly publisher: Publisher & { mark(): number; dropSince(mark: number): void };
  private queued: Queued[] = [];
  private monitorLines: string[] = [];
  private flushScheduled = false;
  private readonly deliveries = new Map<number, { queue: Delivery[]; running: boolean }>();
  private readonly registrations = new Map<number, { pending: Map<string, [InterestKind, string]>; waiters: (() => void)[]; running: boolean }>();

  constructor(private readonly o: PubSubHostOptions) {
    this.interest = new InterestTable(o.sql);
    const table = this.interest;
    const home = (name: string) => channelShard(name, o.shards) === o.shard;
    this.subscriptions = {
      channels: (sharded, pattern) => table.channels(sharded, pattern).filter((n) => sharded || !everywhere("c", n) || home(n)),
      numsub: (channel, sharded) => (!sharded && everywhere("c", channel) && !home(channel) ? 0 : table.numsub(channel, sharded)),
      numpat: () => table.numpat(),
      clients: () => o.state.getWebSockets().length,
    };
    this.gateway = new Gateway({
      sql: o.sql,
      state: o.state,
      env: o.env,
      bufferLimit: o.bufferLimit,
      changed: (kind, name) => this.changed(kind, name),
    });
    const self = this;
    this.publisher = {
      publish(channel, message, sharded) {
        return self.publish(bytesText(channel), message, sharded);
      },
      interested(channel) {
        return self.interest.interested(bytesText(channel), false);
      },
      mark() {
        return self.queued.length;
      },
      dropSince(mark) {
        self.queued.length = Math.min(self.queued.length, mark);
      },
    };
  }

  /** Counts and queues one message (this shard is the channel's home). */
  private publish(channel: string, message: Uint8Array, sharded: boolean): number {
    // Counted where it runs: the Worker runs PUBLISH at the channel's home; a script elsewhere reaches only this shard's table (docs/pubsub.md).
    const receivers = this.interest.receivers(channel, sharded);
    if (receivers.count === 0) return 0;
    this.queued.push({ channel, message: message.slice(), sharded, gateways: receivers.gateways });
    this.scheduleFlush();
    return receivers.count;
  }

  /** A batch's feed for MONITOR lines, or undefined when no gateway has a monitor (the one check per batch). */
  monitoring(now: number): MonitorFeed | undefined {
    if (!this.interest.monitors()) return undefined;
    const client = `shard-${this.o.shard}`;
    return {
      depth: 0,
      feed: (argv, script) => {
        // The batch's clock: the runtime's advances only on I/O, so every command of a batch runs at one time.
        this.monitorLines.push(monitorLine(now, script ? "lua" : client, argv));
        this.scheduleFlush();
      },
    };
  }

  /** The gateways this shard believes have monitors (tests). */
  monitorGateways(): number[] {
    return [...(this.interest.monitors()?.keys() ?? [])].sort((a, b) => a - b);
  }

  private scheduleFlush(): void {
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const queued = this.queued;
    this.queued = [];
    const lines = this.monitorLines;
    this.monitorLines = [];
    if (lines.length > 0) {
      for (const [gateway, row] of this.interest.monitors() ?? []) {
        const delivery: Delivery = { channel: "", message: EMPTY, sharded: false, rows: [["m", "", row.version]], monitor: lines };
        if (gateway === this.o.shard) this.applyStale(gateway, this.gateway.deliver([delivery]));
        else this.enqueue(gateway, delivery);
      }
    }
    for (const q of queued) {
      for (const [gateway, rows] of q.gateways) {
        const delivery: Delivery = { channel: q.channel, message: q.message, sharded: q.sharded, rows: rows.map((r) => [r.kind, r.name, r.version]) };
        if (gateway === this.o.shard) this.applyStale(gateway, this.gateway.deliver([delivery]));
        else this.enqueue(gateway, delivery);
      }
    }
  }

  private enqueue(gateway: number, delivery: Delivery): void {
    let chain = this.deliveries.get(gateway);
    if (!chain) this.deliveries.set(gateway, (chain = { queue: [], running: false }));
    chain.queue.push(delivery);
    if (!chain.running) void this.runDeliveries(gateway, chain);
  }

  private async runDeliveries(gateway: number, chain: { queue: Delivery[]; running: boolean }): Promise<void> {
    chain.running = true;
    try {
      while (chain.queue.length > 0) {
        let bytes = 0;
        let n = 0;
        while (n < chain.queue.length && (n === 0 || bytes + deliverySize(chain.queue[n]!) <= DELIVER_BATCH_BYTES)) bytes += deliverySize(chain.queue[n++]!);
        const batch = chain.queue.splice(0, n);
        try {
          this.applyStale(gateway, await this.o.peer(gateway).pubsubDeliver(this.o.shard, batch));
        } catch (e) {
          // At most once: the messages are lost for that gateway's subscribers.
          console.error(`edgekv: delivery to shard-${gateway} failed`, e);
        }
      }
    } finally {
      chain.running = false;
    }
  }

  private applyStale(gateway: number, stale: [InterestKind, string, number][]): void {
    for (const [kind, name, version] of stale) this.interest.dropStale(kind, name, gateway, version);
  }

  /** RPC: a gateway's current local counts (0: it has none left). */
  register(gateway: number, updates: [InterestKind, string, number][]): void {
    for (const [kind, name, count] of updates) this.interest.set(kind, name, gateway, count);
  }

  /** RPC: messages from a home for this gateway's sockets. */
  deliver(messages: Delivery[]): [InterestKind, string, number][] {
    return this.gateway.deliver(messages);
  }

  /** The gateway's local count of `name` changed: its homes (every shard for a pattern) learn it. */
  private changed(kind: InterestKind, name: string): Promise<void> {
    const homes = everywhere(kind, name) ? Array.from({ length: this.o.shards }, (_, i) => i) : [channelShard(name, this.o.shards)];
    return Promise.all(homes.map((home) => this.registerAt(home, kind, name))).then(() => {});
  }

  private registerAt(home: number, kind: InterestKind, name: string): Promise<void> {
    if (home === this.o.shard) {
      this.interest.set(kind, name, home, this.gateway.localCount(kind, name));
      return Promise.resolve();
    }
    let chain = this.registrations.get(home);
    if (!chain) this.registrations.set(home, (chain = { pending: new Map(), waiters: [], running: false }));
    chain.pending.set(`${kind}\0${name}`, [kind, name]);
    const done = new Promise<void>((resolve) => chain.waiters.push(resolve));
    if (!chain.running) void this.runRegistrations(home, chain);
    return done;
  }

  private async runRegistrations(home: number, chain: { pending: Map<string, [InterestKind, string]>; waiters: (() => void)[]; running: boolean }): Promise<void> {
    chain.running = true;
    try {
      while (chain.pending.size > 0) {
        const items = [...chain.pending.values()];
        const waiters = chain.waiters;
        chain.pending = new Map();
        chain.waiters = [];
        const updates = items.map(([kind, name]) => [kind, name, this.gateway.localCount(kind, name)] as [InterestKind, string, number]);
        try {
          await this.o.peer(home).pubsubRegister(this.o.shard, updates);
        } catch (e) {
          console.error(`edgekv: registration with shard-${home} failed`, e);
        }
        for (const w of waiters) w();
      }
    } finally {
      chain.running = false;
    }
  }
}
