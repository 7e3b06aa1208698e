/** Hash slots and slot → shard routing; the functions live beside the shard, which checks slots too. */
export { SLOTS, crc16, shardForSlot, shardOf, slotOf } from "../durable-objects/slots";
