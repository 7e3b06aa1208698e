/**
 * Every error text a client can see, in one place. Prefixes (`ERR`, `WRONGTYPE`, `CROSSSLOT`,
 * `NOPERM`, `EXECABORT`) are API: clients and tests match on them. Texts follow Redis 7.
 */
/** A client's argument inside an error text, as Redis prints it: at most `max` characters, CR and LF as spaces. */
function shown(s: string, max = 128): string {
  return s.slice(0, max).replace(/[\r\n]/g, " ");
}

/** Redis's "args beginning with": each argument quoted, until the list reaches 128 characters (the last one cut to fit). */
function argsBeginning(args: string[]): string {
  let out = "";
  for (let i = 0; i < args.length && out.length < 128; i++) out += `'${shown(args[i]!, 128 - out.length)}' `;
  return out;
}

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
  unknownCommand: (name: string, args: string[]) => `ERR unknown command '${shown(name)}', with args beginning with: ${argsBeginning(args)}`,
  unknownSubcommand: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${shown(sub)}'. Try ${cmd.toUpperCase()} HELP.`,
  unknownSubcommandOrArity: (sub: string, cmd: string) =>
    `ERR unknown subcommand or wrong number of arguments for '${shown(sub)}'. Try ${cmd.toUpperCase()} HELP.`,
  configSetUnknown: (name: string) => `ERR Unknown option or number of arguments for CONFIG SET - '${shown(name)}'`,
  configSetFailed: (name: string, problem: string) => `ERR CONFIG SET failed (possibly related to argument '${shown(name)}') - ${problem}`,
  noConfigFile: "ERR The server is running without a config file",
  getkeysInvalidCommand: "ERR Invalid command specified",
  getkeysInvalidArity: "ERR Invalid number of arguments specified for command",
  getkeysNoKeys: "ERR The command has no key arguments",
  getkeysInvalidArguments: "ERR Invalid arguments specified for command",
  crossSlot: "CROSSSLOT Keys in request don't hash to the same slot",
  internal: (cmd: string, message: string) => `ERR internal error in '${cmd}': ${message}`,
  txLocked: "TRYAGAIN A key is locked by a cross-shard transaction in progress; try again",
  txBusy: "TRYAGAIN Cross-shard transaction kept meeting locked keys; try again",
  txReplyLost: "ERR cross-shard transaction committed, but this reply was lost",
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  lfuNotSelected:
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
  lfuSelected:
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
  txOutcomeUnknown: "ERR cross-shard transaction outcome unknown (it will commit or abort on its own)",
  notGathered: (cmd: string) =>
    `ERR '${cmd}' cannot run over keys gathered from several shards (its state lives beside the key); keep the keys on one shard with a hash tag`,
  notOnReplica: (cmd: string) => `ERR '${cmd}' is not served by a read replica (only read-only, non-blocking commands outside scripts and transactions are)`,
  txKeyTooLarge: (elements: number, bytes: number, total: number) =>
    `ERR a key of this cross-shard command holds more than ${elements} elements or ${bytes} bytes (or its keys more than ${total} bytes together) and is not moved between shards; keep the command's keys on one shard with a hash tag`,
  /** SUBSCRIBE and its family outside a WebSocket (docs/pubsub.md). */
  socketOnly: (cmd: string) =>
    `ERR '${cmd}' is only available on a WebSocket (GET /ws) or as Server-Sent Events (/subscribe, /psubscribe)`,
  /** MONITOR outside a WebSocket (docs/pubsub.md "MONITOR"). */
  monitorSocketOnly: "ERR 'monitor' is only available on a WebSocket (GET /ws) or as Server-Sent Events (/monitor)",
  /** A socket's ordinary command where the Worker's command runner is not installed (durable-objects/pubsub/socket-commands.ts). */
  socketCommandsUnavailable: "ERR commands other than SUBSCRIBE and its family are not available on this socket",
  noPerm: (cmd: string) => `NOPERM this token is read-only and cannot run the '${cmd}' command`,
  execAbortPrefix: "EXECABORT Transaction discarded because of previous errors:",
  keyTooLarge: (max: number) => `ERR key exceeds maximum allowed size (${max} bytes)`,
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
  decrementOverflow: "ERR decrement would overflow",
  hllCorrupt: "INVALIDOBJ Corrupted HLL object detected",
  hllWrongType: "WRONGTYPE Key is not a valid HyperLogLog string value.",
  hllNoKey: "ERR The specified key does not exist",
  hllNotSparse: "ERR HLL encoding is not sparse",
  pfdebugUnknown: (sub: string) => `ERR Unknown PFDEBUG subcommand '${sub}'`,
  bitOffset: "ERR bit offset is not an integer or out of range",
  bitValue: "ERR bit is not an integer or out of range",
  bitposBit: "ERR The bit argument must be 1 or 0.",
  bitopNotOneSource: "ERR BITOP NOT must be called with a single source key.",
  bitopTwoSources: (op: string) => `ERR BITOP ${op} must be called with at least two source keys.`,
  bitfieldType: "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
  bitfieldOverflow: "ERR Invalid OVERFLOW type specified",
  bitfieldReadOnly: "ERR BITFIELD_RO only supports the GET subcommand",
  lcsNotStrings: "ERR The specified keys must contain string values",
  lcsLenAndIdx: "ERR If you want both the length and indexes, please just use IDX.",
  lcsTooLarge: (cells: number) =>
    `ERR Insufficient memory, transient memory for LCS exceeds the limit of ${cells} table cells`,
  zsetNaN: "ERR resulting score is not a number (NaN)",
  zsetMinMaxNotFloat: "ERR min or max is not a float",
  zsetMinMaxNotLex: "ERR min or max not valid string range item",
  zaddXxNx: "ERR XX and NX options at the same time are not compatible",
  zaddGtLtNx: "ERR GT, LT, and/or NX options at the same time are not compatible",
  zaddIncrPair: "ERR INCR option supports a single increment-element pair",
  zrangeLimitNeedsBy: "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
  zrangeWithscoresBylex: "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
  atLeastOneInputKey: (cmd: string) => `ERR at least 1 input key is needed for '${cmd}' command`,
  weightNotFloat: "ERR weight value is not a float",
  limitNegative: "ERR LIMIT can't be negative",
  numkeysPositive: "ERR numkeys should be greater than 0",
  timeoutNotFloat: "ERR timeout is not a float or out of range",
  timeoutNegative: "ERR timeout is negative",
  clientGone: "ERR the blocked client went away",
  countPositive: "ERR count should be greater than 0",
  slowlogCount: "ERR count should be greater than or equal to -1",
  outOfRangePositive: "ERR value is out of range, must be positive",
  randCountOutOfRange: "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
  indexOutOfRange: "ERR index out of range",
  lposRankZero:
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  lposCountNegative: "ERR COUNT can't be negative",
  lposMaxlenNegative: "ERR MAXLEN can't be negative",
  numkeysTooMany: "ERR Number of keys can't be greater than number of args",
  randomCountTooLarge: (max: number) => `ERR count is too large: at most ${max} elements can be returned with repetitions`,
  hashNotInteger: "ERR hash value is not an integer",
  hashNotFloat: "ERR hash value is not a float",
  incrNaNOrInfinity: "ERR value is NaN or Infinity",
  valueOutOfRange: "ERR value is out of range",
  fieldsMissing: "ERR Mandatory argument FIELDS is missing or not at the right position",
  numFieldsNotPositive: "ERR Parameter `numFields` should be greater than 0",
  numberOfFieldsNotPositive: "ERR Number of fields must be a positive integer",
  numFieldsMismatch: "ERR The `numfields` parameter must match the number of arguments",
  invalidNumberOfFields: "ERR invalid number of fields",
  expireNegative: "ERR invalid expire time, must be >= 0",
  missingExpireTime: "ERR missing expire time",
  fnxFxxConflict: "ERR Only one of FXX or FNX arguments can be specified",
  hsetexExpiryConflict: "ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified",
  unknownArgument: (arg: string) => `ERR unknown argument: ${arg}`,
  rateLimitState: "ERR the key holds a string that is not this rate limiter's state (was it used with another algorithm?)",
  zeroRate: "ERR zero rates are not supported",
  rateLimitParam: (name: string) => `ERR ${name} must be a positive integer`,
  rateLimitNonNegative: (name: string) => `ERR ${name} must be a non-negative integer`,
  rateLimitCost: "ERR cost must be a non-negative integer",
  geoInvalidLonLat: (lonLat: string) => `ERR invalid longitude,latitude pair ${lonLat}`,
  geoUnit: "ERR unsupported unit provided. please use M, KM, FT, MI",
  geoNeedRadius: "ERR need numeric radius",
  geoNeedWidth: "ERR need numeric width",
  geoNeedHeight: "ERR need numeric height",
  geoRadiusNegative: "ERR radius cannot be negative",
  geoBoxNegative: "ERR height or width cannot be negative",
  geoCountPositive: "ERR COUNT must be > 0",
  geoMemberNotFound: "ERR could not decode requested zset member",
  geoStoreWith: (what: string) => `ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
  geoFromOne: (cmd: string) => `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${cmd}`,
  geoByOne: (cmd: string) => `ERR exactly one of BYRADIUS and BYBOX can be specified for ${cmd}`,
  geoAnyNeedsCount: "ERR the ANY argument requires COUNT argument",
  digestUnsupported: "ERR IFDEQ and IFDNE (digest comparisons) are not supported: use IFEQ or IFNE",
  sortScoreNotDouble: "ERR One or more scores can't be converted into double",
  sortPatternCrossSlot: (option: "BY" | "GET") =>
    `ERR ${option} option of SORT denied in Cluster mode when keys formed by the pattern may be in different slots.`,
  sortPatternGathered: (option: "BY" | "GET") =>
    `ERR ${option} option of SORT denied over keys gathered from several shards: the keys its pattern forms are not gathered; keep the STORE destination on the sorted key's shard with its hash tag`,
  sortTooLarge: (bytes: number) =>
    `ERR SORT would hold more than ${bytes} bytes in memory (elements, BY values and results): sort a smaller collection, or read a list or sorted set in order with BY nosort and LIMIT`,
  replyTooLarge: (cmd: string, bytes: number, left: number) =>
    `ERR reply of '${cmd}' (about ${bytes} bytes) exceeds the ${left} bytes left of this request's reply budget: read it in a request of its own or in parts (GETRANGE, LRANGE, HSCAN, …)`,
  writeReplyTooLarge: (cmd: string, bytes: number, left: number) =>
    `ERR reply of '${cmd}' (about ${bytes} bytes) exceeds the ${left} bytes left of this request's reply budget; the command was not applied`,
  shardUnavailable: (shard: number, message: string) => `ERR shard ${shard} unavailable: ${message}`,
  shardOutcomeUnknown: (shard: number, message: string) =>
    `ERR shard ${shard} did not answer (${message}); this write may or may not have been applied`,
} as const;

/** Errors of the HTTP layer (worker/): the request itself is refused before any command runs. */
export const RequestErrors = {
  unauthorized: "Unauthorized",
  noTokenConfigured: "Unauthorized: no token is configured on this server",
  methodNotAllowed: (allowed: string) => `ERR method not allowed (allowed: ${allowed})`,
  webSocketExpected: "ERR /ws expects a WebSocket upgrade (Upgrade: websocket)",
  /** An SSE subscription whose gateway shard did not accept the WebSocket (worker/pubsub/sse.ts). */
  gatewayUnreachable: (detail: string) => `ERR the Pub/Sub gateway could not be reached: ${detail}`,
  notJson: "ERR the request body is not valid JSON",
  commandNotArray: "ERR a command must be a JSON array of strings, numbers or booleans",
  emptyCommand: "ERR empty command",
  badArgument: (position: number, kind: string) =>
    `ERR argument ${position} of the command is ${kind}: arguments must be strings, numbers, booleans or {"base64":"…"}`,
  /** An object argument that is not exactly `{"base64": "<string>"}` (worker/request.ts). */
  badObjectArgument: (position: number) =>
    `ERR argument ${position} of the command is an object other than {"base64":"…"}: a binary argument is an object with the one field "base64"`,
  /** A `{"base64": …}` argument whose text is not standard, padded base64. */
  badBase64: (position: number) =>
    `ERR argument ${position} of the command is not valid base64: {"base64":"…"} takes standard base64 (A-Z a-z 0-9 + /, padded with =)`,
  commandListNotArray: "ERR the request body must be a non-empty JSON array of commands",
  badPercentEncoding: "ERR malformed percent-encoding in the request path",
  bodyTooLarge: (limit: number) => `ERR request body exceeds the limit of ${limit} bytes`,
  tooManyCommands: (count: number, limit: number) => `ERR request has ${count} commands, the limit is ${limit}`,
  notUtf8:
    'ERR the request body is not valid UTF-8: send a binary argument as {"base64":"…"} or as the raw body of the path form (POST /set/<key> with the bytes as body)',
  nestedTooDeep: 'ERR the request body is nested too deeply: arguments must be strings, numbers, booleans or {"base64":"…"}',
} as const;

/** Errors of scripting (EVAL, SCRIPT, FUNCTION, FCALL and redis.* inside scripts), as Redis 7.0. */
export const ScriptErrors = {
  noScript: "NOSCRIPT No matching script. Please use EVAL.",
  negativeKeys: "ERR Number of keys can't be negative",
  tooManyKeys: "ERR Number of keys can't be greater than number of args",
  compile: (detail: string) => `ERR Error compiling script (new function): ${detail}`,
  badEngine: (line: string) => `ERR Unexpected engine in script shebang: ${line}`,
  invalidShebang: "ERR Invalid script shebang",
  invalidShebangEngine: "ERR Invalid engine in script shebang",
  badFlag: (flag: string) => `ERR Unexpected flag in script shebang: ${flag}`,
  badShebangOption: (opt: string) => `ERR Unknown lua shebang option: ${opt}`,
  noArgs: "ERR Please specify at least one argument for this redis lib call",
  badArgType: "ERR Lua redis lib command arguments must be strings or integers",
  unknownCommand: "ERR Unknown Redis command called from script",
  wrongArity: "ERR Wrong number of args calling Redis command from script",
  notAllowed: "ERR This Redis command is not allowed from script",
  writeInReadOnly: "ERR Write commands are not allowed from read-only scripts.",
  nonLocalKey: "ERR Script attempted to access a non local key in a cluster node",
  budget: (steps: number) =>
    `BUSY Script exceeded its budget of ${steps} instructions and was stopped; nothing it wrote was kept`,
  notBusy: "NOTBUSY No scripts in execution right now.",
  setrespVersion: "ERR RESP version must be 2 or 3.",
  noSuchFunction: "ERR Function not found",
  libraryNotFound: "ERR Library not found",
  libraryExists: (name: string) => `ERR Library '${name}' already exists`,
  functionExists: (name: string) => `ERR Function ${name} already exists`,
  noFunctions: "ERR No functions registered",
  missingMetadata: "ERR Missing library metadata",
  libraryNameMissing: "ERR Library name was not given",
  writeFunctionInRo: "ERR Can not execute a script with write flag using *_ro command.",
  compileFunction: (detail: string) => `ERR Error compiling function: ${detail}`,
  registering: (error: string) => `ERR Error registering functions: ${error}`,
  badMetadata: (opt: string) => `ERR Invalid metadata value given: ${opt}`,
  badNumKeys: "ERR Bad number of keys provided",
  invalidLibraryMetadata: "ERR Invalid library metadata",
  unknownLoadOption: (opt: string) => `ERR Unknown option given: ${opt}`,
  unknownListArgument: (arg: string) => `ERR Unknown argument ${arg}`,
  libraryPatternMissing: "ERR library name argument was not given",
  libraryNameTwice: "ERR Invalid metadata value, name argument was given multiple times",
  badLibraryName: "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long",
  engineNotFound: (engine: string) => `ERR Engine '${engine}' not found`,
  badRestorePolicy: "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
  badDumpPayload: "ERR DUMP payload version or checksum are wrong",
  notAFunction: "ERR given type is not a function",
  badLibraryPayload: "ERR Failed loading library payload",
  restoredLibraryExists: (name: string) => `ERR Library ${name} already exists`,
  flushMode: (cmd: string) => `ERR ${cmd} FLUSH only support${cmd === "FUNCTION" ? "s" : ""} SYNC|ASYNC option`,
} as const;

/** Errors of the stream commands, as Redis 7.0 (t_stream.c). */
export const StreamErrors = {
  invalidId: "ERR Invalid stream ID specified as stream command argument",
  /** XDELEX's and XACKDEL's `IDS numids` (Redis 8.2). */
  numidsNotPositive: "ERR Number of IDs must be a positive integer",
  numidsMismatch: "ERR The `numids` parameter must match the number of arguments",
  xaddZero: "ERR The ID specified in XADD must be greater than 0-0",
  xaddNotGreater: "ERR The ID specified in XADD is equal or smaller than the target stream top item",
  exhausted: "ERR The stream has exhausted the last possible ID, unable to add more items",
  /** Redis's text for an entry above its listpack limit; here an entry is one row, at most store/streams.ts MAX_ENTRY_BYTES. */
  tooLarge: "ERR Elements are too large to be stored",
  maxlenAndMinid: "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
  negativeMaxlen: "ERR The MAXLEN argument must be >= 0.",
  negativeLimit: "ERR The LIMIT argument must be >= 0.",
  limitWithoutStrategy: "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
  xtrimWithoutStrategy: "ERR syntax error, XTRIM must be called with a trimming strategy",
  limitWithoutApprox: "ERR syntax error, LIMIT cannot be used without the special ~ option",
  invalidStart: "ERR invalid start ID for the interval",
  invalidEnd: "ERR invalid end ID for the interval",
  unbalancedXread: "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
  groupOnlyXreadgroup: "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
  noackOnlyXreadgroup: "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
  greaterOnlyXreadgroup: "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
  blockInScript: (cmd: string) => `ERR ${cmd} command is not allowed with BLOCK option from scripts`,
  entriesAddedNegative: "ERR entries_added must be positive",
  xsetidBelowMaxDeleted: "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
  xsetidBelowTop: "ERR The ID specified in XSETID is smaller than the target stream top item",
  xsetidEntriesAdded: "ERR The entries_added specified in XSETID is smaller than the target stream length",
  timeoutNotFloat: "ERR timeout is not an integer or out of range",
  timeoutNegative: "ERR timeout is negative",
  xgroupKeyRequired:
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
  busyGroup: "BUSYGROUP Consumer Group name already exists",
  entriesReadNegative: "ERR value for ENTRIESREAD must be positive or -1",
  noGroup: (group: string, key: string) => `NOGROUP No such consumer group '${group}' for key name '${key}'`,
  noGroupXreadgroup: (key: string, group: string) => `NOGROUP No such key '${key}' or consumer group '${group}' in XREADGROUP with GROUP option`,
  noGroupXpending: (key: string, group: string) => `NOGROUP No such key '${key}' or consumer group '${group}'`,
  missingGroup: "ERR Missing GROUP option for XREADGROUP",
  dollarInXreadgroup:
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
  /** XREADGROUP given XREAD's `+` (Redis 7.4). */
  plusInXreadgroup:
    "ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just return an empty result set.",
  noGroupBlocked: "NOGROUP the consumer group this client was blocked on no longer exists",
  keyGoneBlocked: "UNBLOCKED the stream key no longer exists",
  invalidMinIdle: (cmd: "XCLAIM" | "XAUTOCLAIM") => `ERR Invalid min-idle-time argument for ${cmd}`,
  xclaimInvalidOption: (opt: "IDLE" | "TIME" | "RETRYCOUNT") => `ERR Invalid ${opt} option argument for XCLAIM`,
  xclaimUnrecognized: (opt: string) => `ERR Unrecognized XCLAIM option '${shown(opt, Infinity)}'`,
  xautoclaimCount: "ERR COUNT must be > 0",
} as const;

/** Errors of DUMP and RESTORE, as Redis 7.0 (cluster.c restoreCommand). */
export const DumpErrors = {
  badPayload: "ERR DUMP payload version or checksum are wrong",
  badData: "ERR Bad data format",
  busyKey: "BUSYKEY Target key name already exists.",
  negativeTtl: "ERR Invalid TTL value, must be >= 0",
  negativeIdle: "ERR Invalid IDLETIME value, must be >= 0",
  badFreq: "ERR Invalid FREQ value, must be >= 0 and <= 255",
  tooLarge: (max: number) => `ERR DUMP payload exceeds maximum allowed size (${max} bytes)`,
};

/** RedisJSON's error texts (JSON.* commands), as its module answers them. */
export const JsonErrors = {
  newAtRoot: "ERR new objects must be created at the root",
  wrongRedisType: "Existing key has wrong Redis type",
  pathMissing: (path: string) => `ERR Path '${path}' does not exist`,
  pathMissingOr: (path: string, or: string) => `ERR Path '${path}' does not exist or ${or}`,
  pathMissingNoName: "ERR Path does not exist",
  expected: (want: string, found: string) => `WRONGTYPE wrong type of path value - expected ${want} but found ${found}`,
  noKey: "ERR could not perform this operation on a key that doesn't exist",
  wrongStaticPath: "Err wrong static path",
  mustEndWithKey: "Err path must end with object key to set",
  indexOutOfRange: "ERR array index out of range",
  indexOutOfBounds: "ERR index out of bounds",
  notANumber: "result is not a number",
  badNumber: "bad input number",
  numericOverflow: "ERR numeric overflow",
  debugUnknown: "ERR unknown subcommand - try `JSON.DEBUG HELP`",
  tooLarge: (max: number) => `ERR JSON document exceeds maximum allowed size (${max} bytes)`,
  tooDeep: (max: number) => `ERR JSON document nesting exceeds ${max} levels`,
  formatResp2: "ERR FORMAT argument is not supported on RESP2",
  mgetTooLarge: (max: number) => `ERR JSON.MGET would read more than ${max} bytes of documents; ask for fewer keys at once`,
} as const;
