import { expect } from "vitest";
import { defineCases, error, type Value } from "../harness";

const SHA_RETURN_1 = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db";

/** Error replies of scripts end with ` script: <sha>, on @user_script:<line>.`: compare the part before. */
function errText(v: unknown): string {
  expect(v).toHaveProperty("error");
  return (v as { error: string }).error.replace(/ script: .*$/s, "");
}

export const scriptingCases = defineCases("scripting", [
  {
    name: "EVAL returns numbers, strings, tables and booleans converted as Redis",
    async run({ r }) {
      expect(await r("EVAL", "return 1", 0)).toEqual(1);
      expect(await r("EVAL", "return 3.99", 0)).toEqual(3);
      expect(await r("EVAL", "return -3.99", 0)).toEqual(-3);
      expect(await r("EVAL", "return '3.99'", 0)).toEqual("3.99");
      expect(await r("EVAL", "return true", 0)).toEqual(1);
      expect(await r("EVAL", "return false", 0)).toEqual(null);
      expect(await r("EVAL", "return nil", 0)).toEqual(null);
      expect(await r("EVAL", "return {1, 2, 3.7, 'x', nil, 4}", 0)).toEqual([1, 2, 3, "x"]);
      expect(await r("EVAL", "return {1, {2, {3}}, 'a', true, false, 5}", 0)).toEqual([1, [2, [3]], "a", 1, null, 5]);
      expect(await r("EVAL", "return {ok = 'FINE'}", 0)).toEqual("FINE");
      expect(await r("EVAL", "return {err = 'bad'}", 0)).toEqual(error("bad"));
      expect(await r("EVAL", "return {err = 5}", 0)).toEqual([]);
      expect(await r("EVAL", "return math.huge", 0)).toEqual(-9223372036854775808n);
      expect(await r("EVAL", "return 1e100", 0)).toEqual(-9223372036854775808n);
    },
  },
  {
    name: "Lua 5.1 number formatting",
    async run({ r }) {
      expect(await r("EVAL", "return tostring(10/2) .. ' ' .. ('x' .. 10/2) .. ' ' .. tostring(1e15) .. ' ' .. tostring(0.1)", 0)).toEqual("5 x5 1e+15 0.1");
      expect(await r("EVAL", "return tostring(123456789012345) .. ' ' .. tostring(1/3) .. ' ' .. tostring(2^63) .. ' ' .. tostring(-0)", 0)).toEqual(
        "1.2345678901234e+14 0.33333333333333 9.2233720368548e+18 -0",
      );
      expect(await r("EVAL", "return string.format('%d %5.2f %x %g %.0f %.1f', 3.5, 3.14159, 255, 1e20, 2.5, 1.25)", 0)).toEqual("3  3.14 ff 1e+20 2 1.2");
      expect(await r("EVAL", "return {7 % 3, -7 % 3, 7 % -3, '10' + 5, ' 12 ' * 2, 10 .. 20}", 0)).toEqual([1, 2, -2, 15, 24, "1020"]);
    },
  },
  {
    name: "KEYS and ARGV, redis.call both ways",
    async run({ r, key }) {
      expect(await r("EVAL", "return {#KEYS, #ARGV, KEYS[1], ARGV[2]}", 2, key("a"), key("b"), "x", "y")).toEqual([2, 2, key("a"), "y"]);
      expect(await r("EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", 1, key(), "v")).toEqual("OK");
      expect(await r("EVAL", "local r = redis.call('SET', KEYS[1], 'x') return type(r) .. r.ok", 1, key())).toEqual("tableOK");
      expect(await r("EVAL", "return redis.call('GET', KEYS[1])", 1, key())).toEqual("x");
      expect(await r("EVAL", "return redis.call('GET', KEYS[1]) == false", 1, key("missing"))).toEqual(1);
      expect(await r("EVAL", "redis.call('SET', KEYS[1], 3.14) return redis.call('GET', KEYS[1])", 1, key())).toEqual("3.1400000000000001");
      expect(await r("EVAL", "redis.call('SET', KEYS[1], 10/2) return redis.call('GET', KEYS[1])", 1, key())).toEqual("5");
      expect(await r("EVAL", "redis.call('SET', KEYS[1], '7') return redis.call('INCRBY', KEYS[1], 3)", 1, key())).toEqual(10);
    },
  },
  {
    name: "redis.call errors raise, redis.pcall returns them",
    async run({ r, key }) {
      expect(errText(await r("EVAL", "return redis.call('nosuch')", 0))).toEqual("ERR Unknown Redis command called from script");
      expect(await r("EVAL", "return redis.pcall('nosuch')", 0)).toEqual(error("ERR Unknown Redis command called from script"));
      expect(errText(await r("EVAL", "return redis.call('get')", 0))).toEqual("ERR Wrong number of args calling Redis command from script");
      expect(errText(await r("EVAL", "return redis.call()", 0))).toEqual("ERR Please specify at least one argument for this redis lib call");
      expect(errText(await r("EVAL", "return redis.call('set', KEYS[1], {})", 1, key()))).toEqual("ERR Lua redis lib command arguments must be strings or integers");
      await r("SET", key(), "x");
      expect(errText(await r("EVAL", "return redis.call('incr', KEYS[1])", 1, key()))).toEqual("ERR value is not an integer or out of range");
      expect(await r("EVAL", "return redis.pcall('incr', KEYS[1])", 1, key())).toEqual(error("ERR value is not an integer or out of range"));
      expect(await r("EVAL", "local ok, e = pcall(redis.call, 'incr', KEYS[1]) return {tostring(ok), e}", 1, key())).toEqual([
        "false",
        "ERR value is not an integer or out of range",
      ]);
      expect(errText(await r("EVAL", "return redis.call('eval', 'return 1', 0)", 0))).toEqual("ERR This Redis command is not allowed from script");
    },
  },
  {
    name: "error(), error tables, error_reply and status_reply",
    async run({ r, target }) {
      expect(await r("EVAL", 'error("boom")', 0)).toEqual(error(`ERR user_script:1: boom script: 872b3fcb081448525c6141cdfa3df8374d30d162, on @user_script:1.`));
      expect(errText(await r("EVAL", "error('x', 0)", 0))).toEqual("ERR x");
      expect(errText(await r("EVAL", "error({err = 'MY bad'})", 0))).toEqual("MY bad");
      expect(errText(await r("EVAL", "return error({err = 'MY bad'})", 0))).toEqual("MY bad");
      expect(await r("EVAL", "return redis.error_reply('MY bad')", 0)).toEqual(error("MY bad"));
      expect(await r("EVAL", "return redis.error_reply('bad')", 0)).toEqual(error("ERR bad"));
      expect(await r("EVAL", "return redis.error_reply('-X y')", 0)).toEqual(error("X y"));
      expect(await r("EVAL", "return redis.status_reply('PONG')", 0)).toEqual("PONG");
      // The Upstash JSON envelope cannot carry an error inside an array: it arrives as text.
      if (target.name !== "http") expect(await r("EVAL", "return {1, 2, {err = 'in'}}", 0)).toEqual([1, 2, error("in")]);
      expect(errText(await r("EVAL", "local t = nil; return t.x", 0))).toEqual("ERR user_script:1: attempt to index local 't' (a nil value)");
      expect(errText(await r("EVAL", "local t = {}\nreturn t.x.y", 0))).toEqual("ERR user_script:2: attempt to index field 'x' (a nil value)");
      expect(errText(await r("EVAL", "return 1 + nil", 0))).toEqual("ERR user_script:1: attempt to perform arithmetic on a nil value");
      expect(errText(await r("EVAL", "return nil < 1", 0))).toEqual("ERR user_script:1: attempt to compare nil with number");
      expect(errText(await r("EVAL", "local t = {} return t:foo()", 0))).toEqual("ERR user_script:1: attempt to call method 'foo' (a nil value)");
    },
  },
  {
    name: "pcall and error values inside scripts",
    async run({ r }) {
      expect(await r("EVAL", "local ok, e = pcall(function() error('x') end) return {tostring(ok), e}", 0)).toEqual(["false", "user_script:1: x"]);
      expect(await r("EVAL", "local ok, e = pcall(function() error({a = 1}) end) return {tostring(ok), type(e), e.a}", 0)).toEqual(["false", "table", 1]);
      expect(await r("EVAL", "local ok, e = pcall(error, 'msg') return e", 0)).toEqual("msg");
    },
  },
  {
    name: "globals are protected",
    async run({ r }) {
      expect(errText(await r("EVAL", "return x", 0))).toEqual("ERR user_script:1: Script attempted to access nonexistent global variable 'x'");
      expect(errText(await r("EVAL", "x = 1", 0))).toEqual("ERR user_script:1: Attempt to modify a readonly table");
      expect(errText(await r("EVAL", "string.x = 1", 0))).toEqual("ERR user_script:1: Attempt to modify a readonly table");
      expect(errText(await r("EVAL", "function f() end", 0))).toEqual("ERR user_script:1: Attempt to modify a readonly table");
      expect(await r("EVAL", "local x = 1 return x", 0)).toEqual(1);
    },
  },
  {
    name: "cjson round-trips",
    async run({ r }) {
      expect(await r("EVAL", "return cjson.encode({})", 0)).toEqual("{}");
      expect(await r("EVAL", "return cjson.encode({1, 2, {a = 1.5}, 'x\"/'})", 0)).toEqual('[1,2,{"a":1.5},"x\\"\\/"]');
      expect(await r("EVAL", "return cjson.encode(cjson.decode('[1,null,{\"a\":[]}]'))", 0)).toEqual('[1,null,{"a":{}}]');
      expect(await r("EVAL", "return cjson.encode({[1] = 1, [3] = 3})", 0)).toEqual("[1,null,3]");
      expect(await r("EVAL", "return cjson.encode({a = 1, [2] = 3})", 0)).toEqual('{"a":1,"2":3}');
      expect(await r("EVAL", "return {cjson.encode(1/3), cjson.encode(1e20), cjson.encode(12345678901234567)}", 0)).toEqual([
        "0.33333333333333",
        "1e+20",
        "1.2345678901235e+16",
      ]);
      expect(await r("EVAL", "local v = cjson.decode(ARGV[1]) return {v.a[2], tostring(v.b == cjson.null), v.c, type(v.d)}", 0, '{"a":[1,"two"],"b":null,"c":"\\u00e9","d":1.5}')).toEqual([
        "two",
        "true",
        "é",
        "number",
      ]);
      expect(errText(await r("EVAL", "return cjson.decode('[1,2')", 0))).toEqual("ERR user_script:1: Expected comma or array end but found T_END at character 5");
      expect(errText(await r("EVAL", "return cjson.encode({[1] = 1, [20] = 2})", 0))).toEqual("ERR user_script:1: Cannot serialise table: excessively sparse array");
    },
  },
  {
    name: "string patterns",
    async run({ r }) {
      expect(await r("EVAL", "return {string.find('hello world', 'o w')}", 0)).toEqual([5, 7]);
      expect(await r("EVAL", "return {string.match('key:123:rest', '(%a+):(%d+)')}", 0)).toEqual(["key", "123"]);
      expect(await r("EVAL", "return string.match('  trim  ', '^%s*(.-)%s*$')", 0)).toEqual("trim");
      expect(await r("EVAL", "return {string.gsub('hello world', '(%w+)', '<%1>')}", 0)).toEqual(["<hello> <world>", 2]);
      expect(await r("EVAL", "return (string.gsub('$name is $age', '%$(%w+)', {name = 'bob', age = 42}))", 0)).toEqual("bob is 42");
      expect(await r("EVAL", "local o = {} for k, v in string.gmatch('a=1, b=2', '(%w+)=(%w+)') do o[#o+1] = k .. v end return o", 0)).toEqual(["a1", "b2"]);
      expect(await r("EVAL", "return {string.match('f(a(b)c)d', '%b()'), string.match('THE (quick) fox', '%f[%a]%a+', 5)}", 0)).toEqual(["(a(b)c)", "quick"]);
      expect(await r("EVAL", "return {string.byte('ABC', 1, 3)}", 0)).toEqual([65, 66, 67]);
      expect(await r("EVAL", "return #ARGV[1]", 0, "é\u0000x")).toEqual(4);
    },
  },
  {
    name: "table, math and bit libraries",
    async run({ r }) {
      expect(await r("EVAL", "local t = {5, 2, 8, 1} table.sort(t, function(a, b) return a > b end) return t", 0)).toEqual([8, 5, 2, 1]);
      expect(await r("EVAL", "local t = {1, 2, 3} table.insert(t, 1, 0) table.remove(t) return table.concat(t, ',')", 0)).toEqual("0,1,2");
      expect(await r("EVAL", "return {unpack({1, 2, 3})}", 0)).toEqual([1, 2, 3]);
      expect(await r("EVAL", "return {math.floor(3.7), math.max(1, 5, 3), math.fmod(-7, 3)}", 0)).toEqual([3, 5, -1]);
      expect(await r("EVAL", "return {bit.band(0xff, 0x0f), bit.bor(1, 2, 4), bit.lshift(1, 31), bit.tohex(255), bit.bxor(5, 3)}", 0)).toEqual([15, 7, -2147483648, "000000ff", 6]);
      expect(await r("EVAL", "local fs = {} for i = 1, 3 do fs[i] = function() return i end end return {fs[1](), fs[3]()}", 0)).toEqual([1, 3]);
    },
  },
  {
    name: "EVALSHA, SCRIPT LOAD / EXISTS / FLUSH and NOSCRIPT",
    async run({ r }) {
      expect(await r("SCRIPT", "LOAD", "return 1")).toEqual(SHA_RETURN_1);
      expect(await r("EVALSHA", SHA_RETURN_1, 0)).toEqual(1);
      expect(await r("EVALSHA", SHA_RETURN_1.toUpperCase(), 0)).toEqual(1);
      expect(await r("SCRIPT", "EXISTS", SHA_RETURN_1, "abc")).toEqual([1, 0]);
      expect(await r("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", 0)).toEqual(error("NOSCRIPT No matching script. Please use EVAL."));
      expect(await r("EVAL", "return 'cached'", 0)).toEqual("cached");
      expect(await r("EVALSHA", "55a0d4b9a1a6e7b4fa6c8e1b8f6a93d27a8daf0d", 0)).toEqual(error("NOSCRIPT No matching script. Please use EVAL."));
    },
  },
  {
    name: "numkeys validation and compile errors",
    async run({ r }) {
      expect(await r("EVAL", "return 1", -1)).toEqual(error("ERR Number of keys can't be negative"));
      expect(await r("EVAL", "return 1", 2, "a")).toEqual(error("ERR Number of keys can't be greater than number of args"));
      expect(await r("EVAL", "return 1", "x")).toEqual(error("ERR value is not an integer or out of range"));
      expect(await r("EVAL", "x = = 1", 0)).toEqual(error("ERR Error compiling script (new function): user_script:1: unexpected symbol near '='"));
    },
  },
  {
    name: "compile errors name the token as Lua 5.1 does",
    async run({ r }) {
      const compiling = (m: string) => error(`ERR Error compiling script (new function): user_script:${m}`);
      const cases: [string, string][] = [
        ["0", "1: unexpected symbol near '0'"],
        ["'a' 1", "1: unexpected symbol near ''a''"],
        ["then", "1: unexpected symbol near 'then'"],
        ["true", "1: unexpected symbol near 'true'"],
        ["...", "1: unexpected symbol near '...'"],
        ["end", "1: '<eof>' expected near 'end'"],
        ["return 1 1", "1: '<eof>' expected near '1'"],
        ["return 1\n0", "2: '<eof>' expected near '0'"],
        ["return )", "1: unexpected symbol near ')'"],
        ["do return 1 1 end", "1: 'end' expected near '1'"],
        ["local 1", "1: '<name>' expected near '1'"],
        ["for 1", "1: '<name>' expected near '1'"],
        ["f(", "1: unexpected symbol near '<eof>'"],
        ["f(1", "1: ')' expected near '<eof>'"],
        ['x = "abc', "1: unfinished string near '<eof>'"],
        ['x = "abc\ny', "1: unfinished string near '\"abc'"],
      ];
      for (const [script, message] of cases) expect(await r("EVAL", script, 0)).toEqual(compiling(message));
    },
  },
  {
    name: "shebang flags and read-only scripts",
    async run({ r, key }) {
      expect(await r("EVAL", "#!lua\nreturn 1", 0)).toEqual(1);
      expect(await r("EVAL", "#!lua flags=bogus\nreturn 1", 0)).toEqual(error("ERR Unexpected flag in script shebang: bogus"));
      expect(await r("EVAL", "#!luax\nreturn 1", 0)).toEqual(error("ERR Unexpected engine in script shebang: #!luax"));
      expect(await r("EVAL", '#!lua flags=no-writes\nreturn redis.call("set", KEYS[1], 1)', 1, key())).toEqual(
        error("ERR Write commands are not allowed from read-only scripts. script: 217644c0ceeb3b3edfc474712524babadb49552e, on @user_script:2."),
      );
      expect(errText(await r("EVAL_RO", "return redis.call('set', KEYS[1], 1)", 1, key()))).toEqual("ERR Write commands are not allowed from read-only scripts.");
      await r("SET", key(), "v");
      expect(await r("EVAL_RO", "return redis.call('get', KEYS[1])", 1, key())).toEqual("v");
    },
  },
  {
    name: "FUNCTION LOAD, FCALL, FCALL_RO, LIST, DELETE",
    async run({ r, key }) {
      const lib = `lib${Math.random().toString(36).slice(2, 8)}`;
      const fn = `f_${lib}`;
      const code = `#!lua name=${lib}\nredis.register_function('${fn}', function(keys, args) return {keys[1], args[1], #keys} end)\nredis.register_function{function_name='${fn}_ro', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}}`;
      expect(await r("FUNCTION", "LOAD", code)).toEqual(lib);
      expect(await r("FUNCTION", "LOAD", code)).toEqual(error(`ERR Library '${lib}' already exists`));
      expect(await r("FUNCTION", "LOAD", "REPLACE", code)).toEqual(lib);
      expect(await r("FCALL", fn, 1, key(), "arg")).toEqual([key(), "arg", 1]);
      await r("SET", key(), "v");
      expect(await r("FCALL_RO", `${fn}_ro`, 1, key())).toEqual("v");
      expect(await r("FCALL_RO", fn, 1, key())).toEqual(error("ERR Can not execute a script with write flag using *_ro command."));
      expect(await r("FCALL", "nosuchfn", 0)).toEqual(error("ERR Function not found"));
      const list = (await r("FUNCTION", "LIST", "LIBRARYNAME", lib)) as Value[][];
      // Redis lists a library's functions in hash-table order: compare them sorted by name.
      (list[0]![5] as string[][]).sort((a, b) => (a[1]! < b[1]! ? -1 : 1));
      expect(list).toEqual([
        ["library_name", lib, "engine", "LUA", "functions", [["name", fn, "description", null, "flags", []], ["name", `${fn}_ro`, "description", null, "flags", ["no-writes"]]]],
      ]);
      expect(await r("FUNCTION", "LOAD", "return 1")).toEqual(error("ERR Missing library metadata"));
      expect(await r("FUNCTION", "LOAD", "#!lua\nreturn 1")).toEqual(error("ERR Library name was not given"));
      expect(await r("FUNCTION", "LOAD", `#!lua name=${lib}x\nreturn 1`)).toEqual(error("ERR No functions registered"));
      expect(await r("FUNCTION", "LOAD", `#!lua name=${lib}x\nx = = 1`)).toEqual(error("ERR Error compiling function: user_function:2: unexpected symbol near '='"));
      expect(await r("FUNCTION", "LOAD", `#!lua name=${lib}x\nlocal x = nil\nx.y = 1`)).toEqual(
        error("ERR Error registering functions: ERR user_function:3: attempt to index local 'x' (a nil value)"),
      );
      expect(await r("FUNCTION", "LOAD", `#!lua name=${lib}x foo=bar\nreturn 1`)).toEqual(error("ERR Invalid metadata value given: foo=bar"));
      expect(await r("FUNCTION", "LOAD", `#!lua name=${lib}x\nredis.register_function('a${lib}', function() end)\nredis.register_function('a${lib}', function() end)`)).toEqual(
        error("ERR Error registering functions: ERR Function already exists in the library"),
      );
      expect(await r("FCALL", "nosuchfn", "x")).toEqual(error("ERR Function not found"));
      expect(await r("FCALL", fn, "x")).toEqual(error("ERR Bad number of keys provided"));
      expect(await r("FCALL", fn, -1)).toEqual(error("ERR Number of keys can't be negative"));
      expect(await r("FCALL", fn, 3, "a")).toEqual(error("ERR Number of keys can't be greater than number of args"));
      expect(await r("FUNCTION", "DELETE", lib)).toEqual("OK");
      expect(await r("FUNCTION", "DELETE", lib)).toEqual(error("ERR Library not found"));
      expect(await r("FCALL", fn, 0)).toEqual(error("ERR Function not found"));
    },
  },
]);

/** Cases whose reference behaviour real Redis cannot show in a test (a 5 s BUSY wait) or that only a sharded store has. */
export const scriptingOwnCases = defineCases("scripting (edgekv only)", [
  {
    name: "a runaway loop is stopped by the instruction budget and its writes are rolled back",
    edgekv: "redis-server lets a script run past its busy timeout (5 s) and only then answers BUSY to others",
    async run({ r, key }) {
      const reply = await r("EVAL", "redis.call('SET', KEYS[1], 'written') while true do end", 1, key());
      expect((reply as { error: string }).error).toMatch(/^BUSY /);
      expect(await r("GET", key())).toEqual(null);
      expect(await r("EVAL", "return 1", 0)).toEqual(1);
    },
  },
  {
    name: "EVAL and FCALL whose keys span shards run once; a key outside KEYS stays out of reach",
    only: "sharded",
    async run({ r, spread }) {
      const keys = Array.from({ length: 8 }, (_, i) => spread(`k${i}`));
      expect(await r("EVAL", "return #KEYS", keys.length, ...keys)).toEqual(8);
      expect(await r("EVALSHA", "cb35aa5ca859d59b3e50fa6f9efbe7e14b5215dd", keys.length, ...keys)).toEqual(8);
      expect(await r("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", keys.length, ...keys)).toEqual(
        error("NOSCRIPT No matching script. Please use EVAL."),
      );
      expect(await r("FCALL", "anything", keys.length, ...keys)).toEqual(error("ERR Function not found"));
      const nonLocal = error("ERR Script attempted to access a non local key in a cluster node");
      const [a, b] = [keys[0]!, keys[1]!];
      const outside = `{${a}}:other`;
      const script = "return redis.pcall('SET', ARGV[1], 'x')";
      expect(await r("EVAL", script, 2, a, b, spread("elsewhere"))).toEqual(nonLocal);
      expect(await r("EVAL", script, 2, a, b, outside)).toEqual(nonLocal);
      expect(await r("EXISTS", spread("elsewhere"), outside)).toEqual(0);
    },
  },
  {
    name: "a script loaded once runs on every shard",
    async run({ r, spread }) {
      const sha = await r("SCRIPT", "LOAD", "return KEYS[1]");
      for (let i = 0; i < 8; i++) expect(await r("EVALSHA", sha as string, 1, spread(`s${i}`))).toEqual(spread(`s${i}`));
    },
  },
  {
    name: "a script may not touch a key outside its declared keys' slots",
    edgekv: "a standalone redis-server has one slot range, so any key is local",
    async run({ r, key, spread }) {
      expect(errText(await r("EVAL", "return redis.call('GET', ARGV[1])", 1, key(), spread("other")))).toEqual(
        "ERR Script attempted to access a non local key in a cluster node",
      );
      expect(await r("EVAL", "return redis.call('GET', KEYS[1])", 1, key())).toEqual(null);
    },
  },
]);
