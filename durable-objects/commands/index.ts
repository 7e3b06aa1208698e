/**
 * The full command table, assembled from one file per Redis command group.
 * To add a command: one entry in its group's array, one handler, one conformance case.
 */
import { CommandTable } from "../table";
import { serverCommands } from "./server";
import { stringCommands } from "./strings";

export const COMMANDS = new CommandTable().add(...stringCommands, ...serverCommands);
