/**
 * The full command table, assembled from one file per Redis command group.
 * To add a command: one entry in its group's array, one handler, one conformance case.
 */
import { CommandTable } from "../table";
import { dumpCommands } from "./dump";
import { bitmapCommands } from "./bitmaps";
import { geoCommands } from "./geo";
import { hashCommands } from "./hashes";
import { hyperLogLogCommands } from "./hyperloglog";
import { jsonCommands } from "./json";
import { keyspaceCommands } from "./keyspace";
import { listCommands } from "./lists";
import { lockCommands } from "./locks";
import { memoryCommands } from "./memory";
import { objectCommands } from "./object";
import { rateLimitCommands } from "./ratelimit";
import { scriptingCommands } from "./scripting";
import { serverCommands } from "./server";
import { setCommands } from "./sets";
import { sortCommands } from "./sort";
import { stringCommands } from "./strings";
import { zsetCommands } from "./zsets";

export const COMMANDS = new CommandTable().add(
  ...stringCommands,
  ...keyspaceCommands,
  ...hashCommands,
  ...listCommands,
  ...setCommands,
  ...zsetCommands,
  ...geoCommands,
  ...serverCommands,
  ...rateLimitCommands,
  ...lockCommands,
  ...scriptingCommands,
  ...hyperLogLogCommands,
  ...sortCommands,
  ...memoryCommands,
  ...objectCommands,
  ...dumpCommands,
  ...bitmapCommands,
  ...jsonCommands,
);
