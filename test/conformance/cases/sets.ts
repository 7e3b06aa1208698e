import { defineCases } from "../harness";

export const setCases = defineCases("sets", []);
