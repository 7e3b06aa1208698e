/**
 * Pub/Sub commands over a request/reply connection: PUBLISH and SPUBLISH with no subscriber,
 * PUBSUB's subcommands, arities and errors. What subscribers receive is tested over WebSockets
 * (test/node/pubsub-ws.test.ts, test/workers/pubsub.test.ts): SUBSCRIBE turns a Redis
 * connection into a subscriber, which a request/reply target cannot be.
 */
import { expect } from "vitest";
import { defineCases, error } from "../harness";

const arity = (cmd: string) => error(`ERR wrong number of arguments for '${cmd}' command`);

export const pubsubCases = defineCases("pubsub", [
  {
    name: "PUBLISH and SPUBLISH without subscribers reach nobody",
    async run({ r, key, spread }) {
      expect(await r("PUBLISH", spread("ch"), "hello")).toEqual(0);
      expect(await r("PUBLISH", key("ch"), "")).toEqual(0);
      expect(await r("SPUBLISH", key("sch"), "hello")).toEqual(0);
      expect(await r("SPUBLISH", spread("sch"), "x".repeat(1000))).toEqual(0);
    },
  },
  {
    name: "PUBLISH and SPUBLISH arity",
    async run({ r, key }) {
      expect(await r("PUBLISH", key("ch"))).toEqual(arity("publish"));
      expect(await r("PUBLISH", key("ch"), "a", "b")).toEqual(arity("publish"));
      expect(await r("PUBLISH")).toEqual(arity("publish"));
      expect(await r("SPUBLISH", key("ch"))).toEqual(arity("spublish"));
      expect(await r("SPUBLISH", key("ch"), "a", "b")).toEqual(arity("spublish"));
    },
  },
  {
    name: "PUBSUB CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS, SHARDNUMSUB with no subscriber",
    async run({ r, key, spread }) {
      const [a, b] = [spread("a"), spread("b")];
      expect(await r("PUBSUB", "CHANNELS", `${key("")}*`)).toEqual([]);
      expect(await r("PUBSUB", "SHARDCHANNELS", `${key("")}*`)).toEqual([]);
      expect(await r("PUBSUB", "NUMSUB")).toEqual([]);
      expect(await r("PUBSUB", "NUMSUB", a, b, a)).toEqual([a, 0, b, 0, a, 0]);
      expect(await r("PUBSUB", "SHARDNUMSUB")).toEqual([]);
      expect(await r("PUBSUB", "SHARDNUMSUB", a, b)).toEqual([a, 0, b, 0]);
      expect(typeof (await r("PUBSUB", "NUMPAT"))).toBe("number");
      expect(await r("pubsub", "numsub", a)).toEqual([a, 0]);
    },
  },
  {
    name: "PUBSUB errors: unknown subcommand, arity",
    async run({ r }) {
      expect(await r("PUBSUB")).toEqual(arity("pubsub"));
      expect(await r("PUBSUB", "FOO")).toEqual(error("ERR unknown subcommand 'FOO'. Try PUBSUB HELP."));
      expect(await r("PUBSUB", "CHANNELS", "a", "b")).toEqual(error("ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP."));
      expect(await r("PUBSUB", "channels", "a", "b")).toEqual(error("ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP."));
      expect(await r("PUBSUB", "SHARDCHANNELS", "a", "b")).toEqual(
        error("ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. Try PUBSUB HELP."),
      );
      expect(await r("PUBSUB", "NUMPAT", "x")).toEqual(arity("pubsub|numpat"));
    },
  },
  {
    name: "PUBSUB HELP lists every subcommand, as Redis 7",
    async run({ r }) {
      expect(await r("PUBSUB", "HELP")).toEqual([
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
      ]);
      expect(await r("pubsub", "help")).toHaveLength(14);
      expect(await r("PUBSUB", "HELP", "x")).toEqual(arity("pubsub|help"));
      expect(await r("PUBSUB", "foo")).toEqual(error("ERR unknown subcommand 'foo'. Try PUBSUB HELP."));
      expect(await r("PUBSUB", "NUMPAT", "a", "b")).toEqual(arity("pubsub|numpat"));
    },
  },
  {
    name: "SUBSCRIBE and its family: arity",
    async run({ r }) {
      for (const cmd of ["subscribe", "psubscribe", "ssubscribe"]) expect(await r(cmd.toUpperCase())).toEqual(arity(cmd));
    },
  },
  {
    name: "COMMAND INFO of PUBLISH, SPUBLISH, SUBSCRIBE",
    async run({ r }) {
      const info = (await r("COMMAND", "INFO", "publish", "spublish", "subscribe")) as unknown[][];
      expect(info.map((e) => e.slice(0, 6))).toEqual([
        ["publish", 3, ["pubsub", "loading", "stale", "fast"], 0, 0, 0],
        ["spublish", 3, ["pubsub", "loading", "stale", "fast"], 1, 1, 1],
        ["subscribe", -2, ["pubsub", "noscript", "loading", "stale"], 0, 0, 0],
      ]);
    },
  },
]);
