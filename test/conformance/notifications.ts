/**
 * Keyspace notifications, one list for every target: each case runs its commands on an empty
 * database with `notify-keyspace-events KEA` (`n` added where a case says so) and expects its
 * events in order, each as `"<event> <key>"`. With K and E every event is two messages, the
 * keyspace one (`__keyspace@0__:<key>` → event) then the keyevent one (`__keyevent@0__:<event>` →
 * key), as Redis's notifyKeyspaceEvent sends them.
 *
 * test/node/notifications.redis.test.ts checks the list against a real redis-server 7.0 over a
 * PSUBSCRIBE connection; test/workers/notifications.test.ts checks what a shard publishes.
 * Nothing here depends on the clock: times are far in the past or future.
 */

export interface NotificationCase {
  name: string;
  /** notify-keyspace-events for the case (default `KEA`). */
  flags?: string;
  commands: (string | number)[][];
  /** `"<event> <key>"`, in publish order. */
  events: string[];
}

const FUTURE = 4102444800; // 2100-01-01, seconds
const PAST = 1; // 1970, seconds

export const NOTIFICATION_CASES: NotificationCase[] = [
  // Strings
  { name: "SET, SET over an existing key, SETNX refused", commands: [["SET", "s", "1"], ["SET", "s", "2"], ["SETNX", "s", "3"]], events: ["set s", "set s"] },
  { name: "SET with EX, SETEX, PSETEX", commands: [["SET", "s", "1", "EX", 100], ["SETEX", "t", 100, "v"], ["PSETEX", "u", 100000, "v"]], events: ["set s", "expire s", "set t", "expire t", "set u", "expire u"] },
  { name: "SET KEEPTTL, GETSET", commands: [["SET", "s", "1", "EX", 100], ["SET", "s", "2", "KEEPTTL"], ["GETSET", "s", "3"]], events: ["set s", "expire s", "set s", "set s"] },
  { name: "MSET, MSETNX", commands: [["MSET", "a", "1", "b", "2"], ["MSETNX", "c", "1", "d", "2"], ["MSETNX", "a", "1", "e", "2"]], events: ["set a", "set b", "set c", "set d"] },
  { name: "INCR, INCRBY, DECR, DECRBY, INCRBYFLOAT", commands: [["INCR", "n"], ["INCRBY", "n", 5], ["DECR", "n"], ["DECRBY", "n", 2], ["INCRBYFLOAT", "f", "1.5"]], events: ["incrby n", "incrby n", "incrby n", "incrby n", "incrbyfloat f"] },
  { name: "APPEND, SETRANGE (an empty patch is no write)", commands: [["APPEND", "s", "ab"], ["SETRANGE", "s", 1, "xy"], ["SETRANGE", "s", 0, ""]], events: ["append s", "setrange s"] },
  { name: "GETDEL, GETEX EX, GETEX PERSIST, GETEX PXAT in the past", commands: [["SET", "s", "1"], ["GETEX", "s", "EX", 100], ["GETEX", "s", "PERSIST"], ["GETEX", "s", "PERSIST"], ["GETEX", "s", "PXAT", 1], ["SET", "t", "1"], ["GETDEL", "t"], ["GETDEL", "t"]], events: ["set s", "expire s", "persist s", "del s", "set t", "del t"] },
  { name: "SETBIT, BITFIELD, BITOP", commands: [["SETBIT", "b", 7, 1], ["BITFIELD", "b", "SET", "u8", 0, 255], ["BITFIELD", "b", "GET", "u8", 0], ["BITOP", "NOT", "c", "b"], ["BITOP", "AND", "c", "missing"]], events: ["setbit b", "setbit b", "set c", "del c"] },
  { name: "PFADD, PFMERGE", commands: [["PFADD", "h", "a", "b"], ["PFADD", "h", "a"], ["PFMERGE", "m", "h"]], events: ["pfadd h", "pfadd m"] },
  // Generic
  { name: "DEL, UNLINK (missing keys raise nothing)", commands: [["SET", "a", "1"], ["SET", "b", "1"], ["DEL", "a", "missing"], ["UNLINK", "b"]], events: ["set a", "set b", "del a", "del b"] },
  { name: "EXPIRE, PEXPIRE, EXPIREAT in the future, PERSIST", commands: [["SET", "a", "1"], ["EXPIRE", "a", 100], ["PEXPIRE", "a", 100000], ["EXPIREAT", "a", FUTURE], ["EXPIRE", "a", 100, "NX"], ["PERSIST", "a"], ["PERSIST", "a"]], events: ["set a", "expire a", "expire a", "expire a", "persist a"] },
  { name: "EXPIRE in the past deletes: del", commands: [["SET", "a", "1"], ["EXPIREAT", "a", PAST]], events: ["set a", "del a"] },
  { name: "RENAME, RENAMENX", commands: [["SET", "a", "1"], ["SET", "c", "1"], ["RENAME", "a", "b"], ["RENAMENX", "b", "c"], ["RENAMENX", "b", "d"]], events: ["set a", "set c", "rename_from a", "rename_to b", "rename_from b", "rename_to d"] },
  { name: "COPY, COPY REPLACE", commands: [["SET", "a", "1"], ["COPY", "a", "b"], ["COPY", "a", "b"], ["COPY", "a", "b", "REPLACE"]], events: ["set a", "copy_to b", "copy_to b"] },
  { name: "new (n): created keys only", flags: "KEAn", commands: [["SET", "a", "1"], ["SET", "a", "2"], ["LPUSH", "l", "x"], ["RPUSH", "l", "y"], ["RENAME", "a", "b"], ["COPY", "b", "c"], ["HSET", "h", "f", "v"], ["SADD", "s", "m"], ["ZADD", "z", 1, "m"]], events: ["new a", "set a", "set a", "new l", "lpush l", "rpush l", "new b", "rename_from a", "rename_to b", "new c", "copy_to c", "new h", "hset h", "new s", "sadd s", "new z", "zadd z"] },
  { name: "n alone: only new", flags: "KEn", commands: [["SET", "a", "1"], ["DEL", "a"], ["INCR", "a"]], events: ["new a", "new a"] },
  { name: "a class not enabled raises nothing", flags: "KEl", commands: [["SET", "a", "1"], ["LPUSH", "l", "x"], ["DEL", "l"]], events: ["lpush l"] },
  // Lists
  { name: "LPUSH, RPUSH, LPUSHX, RPUSHX", commands: [["LPUSH", "l", "a", "b"], ["RPUSH", "l", "c"], ["LPUSHX", "l", "d"], ["RPUSHX", "l", "e"], ["LPUSHX", "missing", "x"]], events: ["lpush l", "rpush l", "lpush l", "rpush l"] },
  { name: "LPOP, RPOP until empty: del", commands: [["RPUSH", "l", "a", "b", "c"], ["LPOP", "l"], ["RPOP", "l", 1], ["LPOP", "l"], ["LPOP", "l"]], events: ["rpush l", "lpop l", "rpop l", "lpop l", "del l"] },
  { name: "LINSERT, LSET, LREM, LTRIM", commands: [["RPUSH", "l", "a", "b", "a"], ["LINSERT", "l", "BEFORE", "b", "x"], ["LINSERT", "l", "BEFORE", "nope", "x"], ["LSET", "l", 0, "z"], ["LREM", "l", 0, "a"], ["LREM", "l", 0, "nope"], ["LTRIM", "l", 0, 0], ["LTRIM", "l", 5, 10]], events: ["rpush l", "linsert l", "lset l", "lrem l", "ltrim l", "ltrim l", "del l"] },
  { name: "LMOVE, RPOPLPUSH", commands: [["RPUSH", "a", "1", "2"], ["LMOVE", "a", "b", "LEFT", "RIGHT"], ["RPOPLPUSH", "a", "b"], ["LMOVE", "b", "b", "LEFT", "LEFT"]], events: ["rpush a", "rpush b", "lpop a", "lpush b", "rpop a", "del a", "lpush b", "lpop b"] },
  { name: "LMPOP", commands: [["RPUSH", "b", "1", "2"], ["LMPOP", 2, "a", "b", "LEFT", "COUNT", 5]], events: ["rpush b", "lpop b", "del b"] },
  { name: "SORT STORE", commands: [["RPUSH", "l", "2", "1"], ["SORT", "l", "STORE", "d"], ["SORT", "missing", "STORE", "d"]], events: ["rpush l", "sortstore d", "del d"] },
  // Sets
  { name: "SADD, SREM until empty", commands: [["SADD", "s", "a", "b"], ["SADD", "s", "a"], ["SREM", "s", "a", "x"], ["SREM", "s", "x"], ["SREM", "s", "b"]], events: ["sadd s", "srem s", "srem s", "del s"] },
  { name: "SPOP, SPOP with a count", commands: [["SADD", "s", "a", "b", "c"], ["SPOP", "s"], ["SPOP", "s", 0], ["SPOP", "s", 5]], events: ["sadd s", "spop s", "spop s", "del s"] },
  { name: "SMOVE", commands: [["SADD", "a", "x"], ["SMOVE", "a", "b", "x"], ["SMOVE", "b", "a", "nope"]], events: ["sadd a", "srem a", "del a", "sadd b"] },
  { name: "SINTERSTORE, SUNIONSTORE, SDIFFSTORE; empty result deletes", commands: [["SADD", "a", "1", "2"], ["SADD", "b", "2"], ["SINTERSTORE", "d", "a", "b"], ["SUNIONSTORE", "d", "a", "b"], ["SDIFFSTORE", "d", "b", "a"], ["SDIFFSTORE", "d", "b", "a"]], events: ["sadd a", "sadd b", "sinterstore d", "sunionstore d", "del d"] },
  // Sorted sets
  { name: "ZADD, ZADD INCR, ZINCRBY, no change", commands: [["ZADD", "z", 1, "a"], ["ZADD", "z", 1, "a"], ["ZADD", "z", "INCR", 2, "a"], ["ZINCRBY", "z", 1, "b"], ["ZADD", "z", "NX", 5, "a"]], events: ["zadd z", "zincr z", "zincr z"] },
  { name: "ZREM until empty", commands: [["ZADD", "z", 1, "a", 2, "b"], ["ZREM", "z", "a", "x"], ["ZREM", "z", "x"], ["ZREM", "z", "b"]], events: ["zadd z", "zrem z", "zrem z", "del z"] },
  { name: "ZREMRANGEBYSCORE, ZREMRANGEBYRANK, ZREMRANGEBYLEX", commands: [["ZADD", "z", 1, "a", 2, "b", 3, "c", 0, "d"], ["ZREMRANGEBYSCORE", "z", 1, 1], ["ZREMRANGEBYSCORE", "z", 50, 60], ["ZREMRANGEBYRANK", "z", 0, 0], ["ZREMRANGEBYLEX", "z", "-", "+"]], events: ["zadd z", "zremrangebyscore z", "zremrangebyrank z", "zremrangebylex z", "del z"] },
  { name: "ZPOPMIN, ZPOPMAX, ZMPOP", commands: [["ZADD", "z", 1, "a", 2, "b", 3, "c"], ["ZPOPMIN", "z"], ["ZPOPMAX", "z"], ["ZMPOP", 1, "z", "MIN"]], events: ["zadd z", "zpopmin z", "zpopmax z", "zpopmin z", "del z"] },
  { name: "ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZRANGESTORE", commands: [["ZADD", "a", 1, "x"], ["ZADD", "b", 2, "y"], ["ZUNIONSTORE", "d", 2, "a", "b"], ["ZRANGESTORE", "e", "d", 0, 0], ["ZDIFFSTORE", "d", 2, "a", "b"], ["ZINTERSTORE", "d", 2, "a", "b"]], events: ["zadd a", "zadd b", "zunionstore d", "zrangestore e", "zdiffstore d", "del d"] },
  { name: "GEOADD, GEOSEARCHSTORE", commands: [["GEOADD", "g", 13.361389, 38.115556, "Palermo"], ["GEOSEARCHSTORE", "d", "g", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km"], ["GEOSEARCHSTORE", "d", "g", "FROMLONLAT", 15, 37, "BYRADIUS", 1, "km"]], events: ["zadd g", "geosearchstore d", "del d"] },
  // Hashes
  { name: "HSET, HMSET, HSETNX, HINCRBY, HINCRBYFLOAT", commands: [["HSET", "h", "a", "1"], ["HMSET", "h", "b", "2"], ["HSETNX", "h", "a", "9"], ["HSETNX", "h", "c", "3"], ["HINCRBY", "h", "a", 1], ["HINCRBYFLOAT", "h", "a", "0.5"]], events: ["hset h", "hset h", "hset h", "hincrby h", "hincrbyfloat h"] },
  { name: "HDEL until empty", commands: [["HSET", "h", "a", "1", "b", "2"], ["HDEL", "h", "a", "x"], ["HDEL", "h", "x"], ["HDEL", "h", "b"]], events: ["hset h", "hdel h", "hdel h", "del h"] },
  // Serialization
  { name: "RESTORE and PFADD create keys (n)", flags: "KEAn", commands: [["SET", "a", "1"], ["RESTORE", "b", 0, "DUMP:a"], ["RESTORE", "b", 0, "DUMP:a", "REPLACE"], ["PFADD", "h", "x"], ["SADD", "s", "1"], ["SINTERSTORE", "d", "s"], ["SINTERSTORE", "d", "s"]], events: ["new a", "set a", "new b", "restore b", "new b", "restore b", "new h", "pfadd h", "new s", "sadd s", "new d", "sinterstore d", "sinterstore d"] },
  { name: "RESTORE, RESTORE REPLACE", commands: [["SET", "a", "1"], ["RESTORE", "b", 0, "DUMP:a"], ["RESTORE", "b", 0, "DUMP:a", "REPLACE"]], events: ["set a", "restore b", "restore b"] },
  // Streams: claims
  { name: "XCLAIM, XAUTOCLAIM: xgroup-createconsumer once, when they claim for a new consumer; a dropped deleted entry raises nothing", commands: [["XADD", "s", "1-1", "f", "v"], ["XADD", "s", "2-1", "f", "v"], ["XGROUP", "CREATE", "s", "g", "0"], ["XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"], ["XCLAIM", "s", "g", "b", "0", "9-9"], ["XCLAIM", "s", "g", "b", "0", "1-1", "2-1"], ["XCLAIM", "s", "g", "b", "0", "1-1"], ["XDEL", "s", "2-1"], ["XAUTOCLAIM", "s", "g", "c", "0", "2-1"], ["XAUTOCLAIM", "s", "g", "c", "0", "0"], ["XAUTOCLAIM", "s", "g", "c", "0", "0"]], events: ["xadd s", "xadd s", "xgroup-create s", "xgroup-createconsumer s", "xgroup-createconsumer s", "xdel s", "xgroup-createconsumer s"] },
];
