import { defineCases } from "../harness";

export const keyspaceCases = defineCases("keyspace", []);
