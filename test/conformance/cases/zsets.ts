import { defineCases } from "../harness";

export const zsetCases = defineCases("zsets", []);
