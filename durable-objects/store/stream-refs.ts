/**
 * The references consumer groups hold to a stream's entries, as Redis 8.2's KEEPREF / DELREF /
 * ACKED see them (XDELEX, XACKDEL, and XADD's and XTRIM's trimming; docs/streams.md). Nothing
 * here knows argv.
 *
 * An entry is referenced (Redis's streamEntryIsReferenced) while some group still needs it:
 * - it lies above the least last-delivered ID of the stream's groups (a group has not read it
 *   yet), or
 * - it is in some group's pending entries list (read, not acknowledged).
 * A stream with no groups references nothing.
 *
 * The pending rows are keyed (key_id, grp, id): looking one ID up in every group is one
 * primary-key search per group, O(g log n) for g groups, with the group names listed once per
 * statement (`grp IN (SELECT name FROM stream_group …)`).
 */
import { compareIds, idBytes, idFromBytes, type StreamId } from "./streams";

/** How a deletion treats the references groups hold (Redis 8.2's KEEPREF | DELREF | ACKED). */
export type RefPolicy = "keepref" | "delref" | "acked";

const IN_GROUPS = "grp IN (SELECT name FROM stream_group WHERE key_id = ?)";

/** The references to one stream's entries; the groups' least last-delivered ID is read once. */
export class StreamRefs {
  private least: StreamId | null | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly keyId: number,
  ) {}

  /** The least last-delivered ID of the stream's groups, or null when it has none. */
  private leastDelivered(): StreamId | null {
    if (this.least === undefined) {
      const r = this.sql.exec<{ m: ArrayBuffer | null }>("SELECT min(last_id) AS m FROM stream_group WHERE key_id = ?", this.keyId).one();
      this.least = r.m ? idFromBytes(r.m) : null;
    }
    return this.least;
  }

  /** Whether a group still needs `id`: not yet read by every group, or pending in one. */
  referenced(id: StreamId): boolean {
    const least = this.leastDelivered();
    if (least === null) return false;
    if (compareIds(id, least) > 0) return true;
    return this.sql.exec(`SELECT 1 FROM stream_pending WHERE key_id = ? AND ${IN_GROUPS} AND id = ? LIMIT 1`, this.keyId, this.keyId, idBytes(id)).toArray().length > 0;
  }

  /** Drops `id` from every group's pending entries list (Redis's streamCleanupEntryCGroupRefs); answers whether it was in any. */
  drop(id: StreamId): boolean {
    return this.sql.exec(`DELETE FROM stream_pending WHERE key_id = ? AND ${IN_GROUPS} AND id = ? RETURNING 1`, this.keyId, this.keyId, idBytes(id)).toArray().length > 0;
  }

  /** True when no entry at or above `from` can be unreferenced (all lie above the least last-delivered ID). */
  allReferencedFrom(from: StreamId): boolean {
    const least = this.leastDelivered();
    return least !== null && compareIds(least, from) < 0;
  }

  /**
   * Up to `count` IDs of entries from `from` to `to` inclusive (and below `below` when given)
   * that no group needs, in ID order: one range seek, then one pending lookup per group for
   * each entry at or below the least last-delivered ID.
   */
  unreferenced(from: StreamId, to: StreamId, below: StreamId | null, count: number): StreamId[] {
    const least = this.leastDelivered();
    let top = to;
    if (least !== null && compareIds(least, top) < 0) top = least;
    if (count <= 0 || compareIds(from, top) > 0) return [];
    return this.sql
      .exec<{ id: ArrayBuffer }>(
        `SELECT e.id FROM stream_entry e WHERE e.key_id = ? AND e.id >= ? AND e.id <= ? AND e.id < ?
           AND NOT EXISTS (SELECT 1 FROM stream_pending p WHERE p.key_id = ? AND p.${IN_GROUPS} AND p.id = e.id)
         ORDER BY e.id LIMIT ?`,
        this.keyId,
        idBytes(from),
        idBytes(top),
        below ? idBytes(below) : MAX_BOUND,
        this.keyId,
        this.keyId,
        count,
      )
      .toArray()
      .map((r) => idFromBytes(r.id));
  }
}

/** 17 bytes: above every 16-byte ID, so `id < MAX_BOUND` holds for all of them. */
const MAX_BOUND = new Uint8Array(17).fill(0xff);
