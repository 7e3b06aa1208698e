/**
 * MONITOR lines against what redis-server 7.0 printed. Each expected string is a line a real
 * `redis-server` sent to a `MONITOR` connection for the command in the comment (its `+` and
 * CRLF removed), with the client field and the time replaced by this shard's.
 */
import { expect, it } from "vitest";
import { utf8 } from "../args";
import { monitorLine, quoted } from "./monitor";

const T = 1733100000123;
const at = (client: string, rest: string) => `1733100000.123000 [0 ${client}] ${rest}`;
const raw = (...bytes: number[]) => new Uint8Array(bytes);

it("formats a plain command", () => {
  // SET k v → +1796192417.353407 [0 127.0.0.1:45412] "SET" "k" "v"
  expect(monitorLine(T, "shard-0", ["SET", "k", "v"])).toBe(at("shard-0", `"SET" "k" "v"`));
  // INCRBY n -5 → "INCRBY" "n" "-5"
  expect(monitorLine(T, "shard-0", ["INCRBY", "n", "-5"])).toBe(at("shard-0", `"INCRBY" "n" "-5"`));
  // SET "" "x y" → "SET" "" "x y"
  expect(monitorLine(T, "shard-0", ["SET", "", "x y"])).toBe(at("shard-0", `"SET" "" "x y"`));
  // SET 12345678901234567890 -0 → "SET" "12345678901234567890" "-0"
  expect(monitorLine(T, "shard-0", ["SET", "12345678901234567890", "-0"])).toBe(at("shard-0", `"SET" "12345678901234567890" "-0"`));
});

it("escapes bytes as sdscatrepr does", () => {
  // SET bin <a \x00 b \x01 \xff " q \ z \n \r \t \x07 \x08 space é>
  //   → "SET" "bin" "a\x00b\x01\xff\"q\\z\n\r\t\a\b \xc3\xa9"
  const value = new Uint8Array([...utf8Bytes("a"), 0, ...utf8Bytes("b"), 1, 0xff, ...utf8Bytes('"q\\z\n\r\t'), 7, 8, ...utf8Bytes(" é")]);
  expect(monitorLine(T, "shard-2", ["SET", "bin", value])).toBe(at("shard-2", String.raw`"SET" "bin" "a\x00b\x01\xff\"q\\z\n\r\t\a\b \xc3\xa9"`));
  // FUNCTION LOAD REPLACE "#!lua name=lib\nredis.register_function(...)" → the line break as \n, quotes kept
  expect(quoted(utf8Bytes("#!lua name=lib\nredis.call('GET',keys[1])"))).toBe(String.raw`"#!lua name=lib\nredis.call('GET',keys[1])"`);
  expect(quoted(raw(0x7f, 0x1f, 0x20, 0x7e))).toBe(String.raw`"\x7f\x1f ~"`);
  expect(utf8(raw(0x41))).toBe("A");
});

it("writes a script's commands with the lua client", () => {
  // EVAL "redis.call('SET','x','1') return redis.call('GET','x')" 0 →
  //   [0 127.0.0.1:45412] "EVAL" "redis.call('SET','x','1') return redis.call('GET','x')" "0"
  //   [0 lua] "SET" "x" "1"
  //   [0 lua] "GET" "x"
  expect(monitorLine(T, "shard-1", ["EVAL", "redis.call('SET','x','1') return redis.call('GET','x')", "0"])).toBe(
    at("shard-1", `"EVAL" "redis.call('SET','x','1') return redis.call('GET','x')" "0"`),
  );
  expect(monitorLine(T, "lua", ["SET", "x", "1"])).toBe(`1733100000.123000 [0 lua] "SET" "x" "1"`);
});

it("writes the time with six digits of microseconds", () => {
  expect(monitorLine(1733100000000, "lua", ["PING"])).toBe(`1733100000.000000 [0 lua] "PING"`);
  expect(monitorLine(1733100000001.5, "lua", ["PING"])).toBe(`1733100000.001500 [0 lua] "PING"`);
  expect(monitorLine(1733100000999, "lua", ["PING"])).toBe(`1733100000.999000 [0 lua] "PING"`);
});

function utf8Bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
