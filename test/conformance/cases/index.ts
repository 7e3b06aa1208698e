/** Every conformance group; each target runs all of them. */
import type { CaseGroup } from "../harness";
import { hashCases } from "./hashes";
import { keyspaceCases } from "./keyspace";
import { listCases } from "./lists";
import { setCases } from "./sets";
import { stringCases } from "./strings";
import { zsetCases } from "./zsets";

export const ALL_GROUPS: CaseGroup[] = [stringCases, keyspaceCases, hashCases, listCases, setCases, zsetCases];
