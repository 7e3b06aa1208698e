/**
 * Every error text a client can see, in one place. Prefixes (`ERR`, `WRONGTYPE`, `CROSSSLOT`,
 * `NOPERM`, `EXECABORT`) are API: clients and tests match on them. Texts follow Redis 7.
 */
export const Errors = {
  wrongType: "WRONGTYPE Operation against a key holding the wrong kind of value",
  notInteger: "ERR value is not an integer or out of range",
  notFloat: "ERR value is not a valid float",
  overflow: "ERR increment or decrement would overflow",
  incrFloatNaN: "ERR increment would produce NaN or Infinity",
  syntax: "ERR syntax error",
  noSuchKey: "ERR no such key",
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  wrongArity: (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`,
  unknownCommand: (name: string, args: string[]) =>
    `ERR unknown command '${name}', with args beginning with: ${args.map((a) => `'${a}' `).join("")}`,
  unknownSubcommand: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${sub}'. Try ${cmd.toUpperCase()} HELP.`,
  crossSlot: "CROSSSLOT Keys in request don't hash to the same slot",
  noPerm: (cmd: string) => `NOPERM this token is read-only and cannot run the '${cmd}' command`,
  execAbortPrefix: "EXECABORT Transaction discarded because of previous errors:",
  valueTooLarge: (max: number) => `ERR string exceeds maximum allowed size (${max} bytes)`,
  offsetOutOfRange: "ERR offset is out of range",
  invalidCursor: "ERR invalid cursor",
  notAllowedInTransaction: (cmd: string) => `ERR '${cmd}' is not allowed in a transaction`,
  mustBePositive: (what: string) => `ERR ${what} must be positive`,
  expireNxConflict: "ERR NX and XX, GT or LT options at the same time are not compatible",
  expireGtLtConflict: "ERR GT and LT options at the same time are not compatible",
  unsupportedOption: (opt: string) => `ERR Unsupported option ${opt}`,
  sameObject: "ERR source and destination objects are the same",
  dbIndexOutOfRange: "ERR DB index is out of range",
  copyToOtherDb: "ERR Copying to another database is not allowed in cluster mode",
  selectOtherDb: "ERR SELECT is not allowed in cluster mode",
} as const;
