/** Every conformance group; each target runs all of them. */
import type { CaseGroup } from "../harness";
import { bitmapCases } from "./bitmaps";
import { configCases } from "./config";
import { crossShardCases } from "./cross-shard";
import { dumpCases } from "./dump";
import { functionCases } from "./functions";
import { geoCases } from "./geo";
import { hashCases } from "./hashes";
import { hyperLogLogCases } from "./hyperloglog";
import { jsonCases } from "./json";
import { jsonKeyspaceCases } from "./json-keyspace";
import { jsonUpstreamCases } from "./json-upstream";
import { keyspaceCases } from "./keyspace";
import { keyspaceTypeCases } from "./keyspace-types";
import { keyspaceWalkCases } from "./keyspace-walk";
import { listCases } from "./lists";
import { memoryCases } from "./memory";
import { observabilityCases } from "./observability";
import { objectCases } from "./object";
import { precedenceCases } from "./precedence";
import { scriptingCases, scriptingOwnCases } from "./scripting";
import { serverCases } from "./server";
import { setCases } from "./sets";
import { sortCases } from "./sort";
import { stringCases } from "./strings";
import { zsetCases } from "./zsets";

export const ALL_GROUPS: CaseGroup[] = [stringCases, keyspaceCases, keyspaceWalkCases, keyspaceTypeCases, hashCases, listCases, setCases, zsetCases, geoCases, serverCases, scriptingCases, scriptingOwnCases, functionCases, crossShardCases, precedenceCases, hyperLogLogCases, sortCases, memoryCases, dumpCases, bitmapCases, jsonCases, jsonKeyspaceCases, jsonUpstreamCases, configCases, observabilityCases, objectCases];
