import { describe, expect, it } from "vitest";
import { COMMANDS } from "./commands";
import { specKeyIndices } from "./key-specs";
import { keyIndices, MAX_KEY_BYTES, validate } from "./table";

const error = (argv: string[], opts = {}) => {
  const v = validate(COMMANDS, argv, opts);
  return v.ok ? null : v.error;
};

describe("validate: the one check of a command, from its entry", () => {
  it("resolves subcommands to their own entries, with Redis's errors", () => {
    const v = validate(COMMANDS, ["SCRIPT", "flush"]);
    expect(v.ok && v.spec.name).toBe("script|flush");
    expect(error(["script"])).toBe("ERR wrong number of arguments for 'script' command");
    expect(error(["SCRIPT", "NOPE"])).toBe("ERR unknown subcommand 'NOPE'. Try SCRIPT HELP.");
    expect(error(["script", "load"])).toBe("ERR wrong number of arguments for 'script|load' command");
    expect(error(["script", "exists"])).toBe("ERR wrong number of arguments for 'script|exists' command");
    expect(error(["function", "delete"])).toBe("ERR wrong number of arguments for 'function|delete' command");
    expect(error(["command", "count", "x"])).toBe("ERR wrong number of arguments for 'command|count' command");
    expect(error(["script|flush"])).toMatch(/^ERR unknown command 'script\|flush'/);
    expect(error(["command"])).toBeNull();
  });

  it("the read-only token is refused whatever changes state: keyspace, scripts, functions", () => {
    const ro = { readOnly: true };
    for (const argv of [["SET", "k", "v"], ["SCRIPT", "FLUSH"], ["SCRIPT", "LOAD", "return 1"], ["FUNCTION", "FLUSH"], ["FUNCTION", "DELETE", "x"], ["FUNCTION", "LOAD", "x"], ["EVAL", "return 1", "0"]]) {
      expect(error(argv, ro)).toMatch(/^NOPERM .*'[a-z|]+'/);
    }
    for (const argv of [["GET", "k"], ["FUNCTION", "LIST"], ["SCRIPT", "EXISTS", "x"], ["EVAL_RO", "return 1", "0"], ["COMMAND", "INFO", "get"]]) {
      expect(error(argv, ro)).toBeNull();
    }
  });

  it("from a script: Redis's script texts, noscript and read-only scripts", () => {
    const s = { inScript: true };
    expect(error(["NOPE"], s)).toBe("ERR Unknown Redis command called from script");
    expect(error(["script", "nope"], s)).toBe("ERR Unknown Redis command called from script");
    expect(error(["get"], s)).toBe("ERR Wrong number of args calling Redis command from script");
    expect(error(["script", "flush"], s)).toBe("ERR This Redis command is not allowed from script");
    expect(error(["function", "list"], s)).toBe("ERR This Redis command is not allowed from script");
    expect(error(["set", "k", "v"], { inScript: true, readOnly: true })).toBe("ERR Write commands are not allowed from read-only scripts.");
    expect(error(["command", "count"], s)).toBeNull();
  });

  it("a command keeping state beside its key is refused over gathered keys", () => {
    expect(error(["LOCK.STATUS", "k"], { gathered: true })).toMatch(/^ERR 'lock.status' cannot run over keys gathered/);
    expect(error(["GET", "k"], { gathered: true })).toBeNull();
  });

  it(`answers the keys its key spec finds, each at most ${MAX_KEY_BYTES} bytes`, () => {
    const v = validate(COMMANDS, ["MSET", "a", "1", "b", "2"]);
    expect(v.ok && v.keys).toEqual(["a", "b"]);
    const atMost = "k".repeat(MAX_KEY_BYTES);
    const tooBig = "k".repeat(MAX_KEY_BYTES + 1);
    expect(error(["SET", atMost, "v"])).toBeNull();
    const message = `ERR key exceeds maximum allowed size (${MAX_KEY_BYTES} bytes)`;
    expect(error(["SET", tooBig, "v"])).toBe(message);
    expect(error(["MSET", "a", "1", tooBig, "2"])).toBe(message);
    expect(error(["EVAL", "return 1", "1", tooBig])).toBe(message);
    expect(error(["GET", "é".repeat(MAX_KEY_BYTES / 2 + 1)])).toBe(message);
    expect(error(["GET", new TextEncoder().encode(tooBig) as unknown as string])).toBe(message);
    expect(error(["SET", "k", tooBig])).toBeNull();
  });
});

describe("key specs", () => {
  it("where an entry declares key specs and a key finder, they find the same keys", () => {
    const declared = COMMANDS.entries().filter((s) => s.keySpecs && s.keys);
    expect(declared.length).toBeGreaterThan(20);
    for (const spec of declared) {
      const base = Math.abs(spec.arity);
      for (let n = base + 2; n <= base + 5; n++) {
        const argv = [spec.name, ...Array.from({ length: n - 1 }, (_, i) => `k${i + 1}`)];
        for (const ks of spec.keySpecs!) if (ks.find.type === "keynum") argv[ks.index + ks.find.keynumidx] = "2";
        const bySpecs = [...new Set(spec.keySpecs!.flatMap((ks) => specKeyIndices(ks, argv) ?? []))].sort((a, b) => a - b);
        expect([spec.name, bySpecs]).toEqual([spec.name, [...new Set(keyIndices(spec, argv))].sort((a, b) => a - b)]);
      }
    }
  });

  it("XREAD's and XREADGROUP's STREAMS keyword specs find the keys they are routed by, in well-formed commands", () => {
    const argvs = [
      ["XREAD", "STREAMS", "a", "0"],
      ["XREAD", "COUNT", "2", "BLOCK", "0", "streams", "a", "b", "c", "0", "0", "$"],
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", ">"],
      ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "NOACK", "STREAMS", "a", "b", ">", "0"],
    ];
    for (const argv of argvs) {
      const spec = COMMANDS.get(argv[0]!)!;
      const bySpec = specKeyIndices(spec.keySpecs![0]!, argv);
      expect(bySpec).toEqual(keyIndices(spec, argv));
      expect(bySpec!.length).toBeGreaterThan(0);
    }
  });
});
