import { defineCases } from "../harness";

export const listCases = defineCases("lists", []);
