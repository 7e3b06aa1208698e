/** Every conformance group; each target runs all of them. */
import type { CaseGroup } from "../harness";
import { hashCases } from "./hashes";
import { keyspaceCases } from "./keyspace";
import { keyspaceWalkCases } from "./keyspace-walk";
import { listCases } from "./lists";
import { serverCases } from "./server";
import { setCases } from "./sets";
import { stringCases } from "./strings";
import { zsetCases } from "./zsets";

export const ALL_GROUPS: CaseGroup[] = [stringCases, keyspaceCases, keyspaceWalkCases, hashCases, listCases, setCases, zsetCases, serverCases];
