import { defineCases } from "../harness";

export const hashCases = defineCases("hashes", []);
