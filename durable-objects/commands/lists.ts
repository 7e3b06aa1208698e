/**
 * Lists commands (not implemented yet).
 */
import type { CommandSpec } from "../table";

export const listCommands: CommandSpec[] = [];
