import { expect } from "vitest";
import { defineCases, error } from "../harness";

export const stringCases = defineCases("strings", [
  {
    name: "SET and GET",
    async run({ r, key }) {
      expect(await r("SET", key(), "bar")).toEqual("OK");
      expect(await r("GET", key())).toEqual("bar");
      expect(await r("GET", key("missing"))).toEqual(null);
    },
  },
  {
    name: "SET NX / XX",
    async run({ r, key }) {
      expect(await r("SET", key(), "1", "XX")).toEqual(null);
      expect(await r("SET", key(), "1", "NX")).toEqual("OK");
      expect(await r("SET", key(), "2", "NX")).toEqual(null);
      expect(await r("SET", key(), "3", "XX")).toEqual("OK");
      expect(await r("GET", key())).toEqual("3");
      expect(await r("SET", key(), "4", "NX", "XX")).toEqual(error("ERR syntax error"));
    },
  },
  {
    name: "SET with an invalid expire time",
    async run({ r, key }) {
      expect(await r("SET", key(), "v", "EX", 0)).toEqual(error("ERR invalid expire time in 'set' command"));
      expect(await r("SET", key(), "v", "PX", -5)).toEqual(error("ERR invalid expire time in 'set' command"));
      expect(await r("SET", key(), "v", "EX", "abc")).toEqual(error("ERR value is not an integer or out of range"));
      expect(await r("GET", key())).toEqual(null);
    },
  },
  {
    name: "wrong arity and unknown command",
    async run({ r }) {
      expect(await r("GET")).toEqual(error("ERR wrong number of arguments for 'get' command"));
      expect(await r("NOSUCHCMD", "a", "b")).toEqual(error("ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' "));
    },
  },
]);
