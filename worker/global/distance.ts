/** Simulated distance between regions (docs/global.md §5): durable-objects/replication/distance.ts. */
export { afar, roundTripMs, simulatedDistance, type Distance } from "../../durable-objects/replication/distance";
