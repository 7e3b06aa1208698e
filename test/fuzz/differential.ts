/**
 * The differential fuzzer: the same seeded steps (generator.ts) against a real redis-server and
 * against edgekv over HTTP, reply by reply. A difference fails with the seed, the step, both
 * replies and a shrunk reproduction (the shortest step list found that still differs).
 *
 * Normalisations, each for a difference by design (`normalize`), and nothing else:
 * - SCAN/SSCAN/HSCAN/ZSCAN: cursors are each side's own; a scan is iterated to its end on each
 *   side (bounded) and the sorted union of what it returned is compared.
 * - KEYS and the replies of unordered types (SMEMBERS, SINTER/SUNION/SDIFF, HGETALL, HKEYS,
 *   HVALS, SPOP with a count; a script's HGETALL), FUNCTION LIST's libraries and each
 *   library's functions: sorted (pairs kept together). Redis's own order is an encoding detail
 *   (hash table order) that its documentation leaves unspecified.
 * - SRANDMEMBER, ZRANDMEMBER, HRANDFIELD: random by definition. A positive count of at least
 *   100 takes the whole (small) collection and is compared sorted; any other count is compared
 *   by length; without a count, by whether an element came back.
 * - RANDOMKEY: each side also runs `KEYS *` right after it (in the same pipeline or
 *   transaction, a hidden probe); the two key sets must be equal, each side's key must be in
 *   the other side's set, and nil comes back on both sides or on neither (nil iff empty).
 * - TTL/PTTL/EXPIRETIME/PEXPIRETIME: the two sides set their expiry a few milliseconds apart,
 *   so a positive answer matches within 2 s (2000 ms). Negative answers (-1, -2) are exact.
 * - `ERR string exceeds maximum allowed size (…)`: the limit in parentheses is each side's own
 *   (Redis: proto-max-bulk-len, 512 MB; edgekv: its documented value limit).
 * - DBSIZE: Redis counts a key whose expiry has passed until it is reclaimed (edgekv does not),
 *   so the Redis side runs a whole SCAN (which reclaims them; KEYS only hides them) just before
 *   it, a hidden probe in the same pipeline or transaction.
 * - A scan inside a pipeline or a transaction asks for COUNT 1000 (generator.ts, `wholeScan`)
 *   and so finishes in one call on both sides: compared as a whole scan, cursor included.
 * - SORT/SORT_RO without ALPHA: redis-server 7.0 reads errno after strtod without clearing it,
 *   so once anything left it at ERANGE (compiling a Lua script does), valid scores answer
 *   `ERR One or more scores can't be converted into double`. That error on the Redis side matches
 *   any non-error reply on edgekv's (whose score parsing the sort conformance cases check).
 * - A transaction refused whole: Redis answers each bad command when it is queued and EXEC with
 *   `EXECABORT Transaction discarded because of previous errors.`; edgekv answers the whole
 *   request with `EXECABORT Transaction discarded because of previous errors: <first error>`.
 *   Both are turned into `EXECABORT: <first error>`.
 */
import type { Value } from "../conformance/harness";
import { fromEntry, parseJsonExact } from "../conformance/normalize";
import type { RespClient } from "../node/resp-client";
import { Gen, rng, SCANS, step, type Argv, type Step, type StepOptions } from "./generator";

/** A step's normalised outcome: one Value per command (a transaction refused whole: one string). */
export type Outcome = Value[] | string;

export interface Side {
  name: string;
  run(s: Step): Promise<Outcome>;
  /** One command, its reply as is (for the runner's own questions). */
  call(argv: Argv): Promise<Value>;
  /** Empties the database and the script caches (between seeds and shrink attempts). */
  reset(): Promise<void>;
}

const EXECABORT = "EXECABORT Transaction discarded because of previous errors";

/** Empties a side: keys, cached scripts and function libraries. */
async function resetAll(call: (argv: Argv) => Promise<unknown>): Promise<void> {
  await call(["FLUSHALL"]);
  await call(["SCRIPT", "FLUSH"]);
  await call(["FUNCTION", "FLUSH"]);
}

/**
 * What a side sends for a step: its commands with the hidden probes (see the list at the top):
 * a reclaiming SCAN before DBSIZE (Redis only), `KEYS *` after RANDOMKEY.
 */
interface Sent {
  argv: Argv[];
  role: ("command" | "reclaim" | "keys")[];
}

function expand(cmds: Argv[], reclaim: boolean): Sent {
  const out: Sent = { argv: [], role: [] };
  const add = (argv: Argv, role: Sent["role"][number]) => {
    out.argv.push(argv);
    out.role.push(role);
  };
  for (const argv of cmds) {
    const name = argv[0]!.toLowerCase();
    if (reclaim && name === "dbsize") add(["SCAN", "0", "COUNT", "1000"], "reclaim");
    add(argv, "command");
    if (name === "randomkey") add(["KEYS", "*"], "keys");
  }
  return out;
}

/** The replies of the step's own commands; RANDOMKEY's becomes `[its reply, the sorted KEYS * after it]`. */
function collapse(sent: Sent, replies: Value[]): Value[] {
  const out: Value[] = [];
  sent.role.forEach((role, i) => {
    const r = replies[i] ?? null;
    if (role === "command") out.push(r);
    else if (role === "keys") out.push([out.pop()!, Array.isArray(r) ? sortValues(r) : r]);
  });
  return out;
}

/** Runs a single step's commands one by one (a scan iterated to its end). */
async function runSingle(sent: Sent, call: (argv: Argv) => Promise<Value>): Promise<Value[]> {
  const replies: Value[] = [];
  for (let i = 0; i < sent.argv.length; i++) replies.push(sent.role[i] === "command" ? await scanned(sent.argv[i]!, call) : await call(sent.argv[i]!));
  return collapse(sent, replies);
}

/** redis-server through one RESP connection. */
export function redisSide(client: RespClient): Side {
  const call = (argv: Argv) => client.call(...argv);
  return {
    name: "redis",
    call,
    reset: () => resetAll(call),
    async run(s) {
      const sent = expand(s.kind === "single" ? [s.cmd] : s.cmds, true);
      if (s.kind === "single") return runSingle(sent, call);
      if (s.kind === "pipeline") return collapse(sent, await Promise.all(sent.argv.map(call)));
      await call(["MULTI"]);
      const queued = await Promise.all(sent.argv.map(call));
      const exec = await call(["EXEC"]);
      if (isError(exec)) {
        const first = queued.find(isError);
        return `${exec.error.startsWith(EXECABORT) ? "EXECABORT" : exec.error}: ${first ? first.error : ""}`;
      }
      return collapse(sent, exec as Value[]);
    },
  };
}

/** edgekv's Worker over HTTP: `/` for a single command, `/pipeline`, `/multi-exec`. */
export function edgekvSide(url: string, token: string): Side {
  const post = async (path: string, body: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(url + path, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 500) throw new Error(`edgekv answered ${res.status} to ${path} ${JSON.stringify(body)}: ${text}`);
    return { status: res.status, json: parseJsonExact(text) };
  };
  const call = async (argv: Argv) => fromEntry((await post("/", argv)).json);
  return {
    name: "edgekv",
    call,
    reset: () => resetAll(call),
    async run(s) {
      const sent = expand(s.kind === "single" ? [s.cmd] : s.cmds, false);
      if (s.kind === "single") return runSingle(sent, call);
      const res = await post(s.kind === "pipeline" ? "/pipeline" : "/multi-exec", sent.argv);
      if (!Array.isArray(res.json)) {
        const e = fromEntry(res.json);
        if (isError(e) && e.error.startsWith(EXECABORT)) return `EXECABORT: ${e.error.slice(EXECABORT.length + 1).trim()}`;
        return isError(e) ? `${e.error}: ` : `unexpected ${JSON.stringify(res.json)}`;
      }
      return collapse(sent, res.json.map(fromEntry));
    },
  };
}

function isError(v: Value): v is { error: string } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "error" in v;
}

/** A SCAN-family command from cursor 0 iterated to its end (at most 100 calls): `[“0”, elements…]`. */
async function scanned(argv: Argv, call: (a: Argv) => Promise<Value>): Promise<Value> {
  const name = argv[0]!.toLowerCase();
  if (!SCANS.has(name)) return call(argv);
  const at = name === "scan" ? 1 : 2;
  const out: Value[] = [];
  let cursor = argv[at]!;
  for (let i = 0; i < 100; i++) {
    const reply = await call([...argv.slice(0, at), cursor, ...argv.slice(at + 1)]);
    if (!Array.isArray(reply)) return reply;
    out.push(...(reply[1] as Value[]));
    cursor = String(reply[0]);
    if (cursor === "0") return ["0", ...out];
  }
  return ["unfinished", ...out];
}

const TOO_BIG = "ERR string exceeds maximum allowed size";
const UNORDERED = new Set(["keys", "smembers", "sinter", "sunion", "sdiff", "hkeys", "hvals", "spop"]);
const PAIRED = new Set(["hgetall", "hscan", "zscan"]);
const RANDOM = new Set(["srandmember", "zrandmember", "hrandfield"]);
const TTLS: Record<string, number> = { ttl: 2, pttl: 2000, expiretime: 2, pexpiretime: 2000 };

function sortValues(xs: Value[]): Value[] {
  return [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}

function sortPairs(xs: Value[]): Value[] {
  const pairs: Value[] = [];
  for (let i = 0; i + 1 < xs.length; i += 2) pairs.push([xs[i]!, xs[i + 1]!]);
  return sortValues(pairs).flat() as Value[];
}

/** A library of FUNCTION LIST (`[…, "functions", [function…], …]`) with its functions sorted. */
function sortLibraryFunctions(lib: Value): Value {
  if (!Array.isArray(lib)) return lib;
  return lib.map((v, i) => (i > 0 && lib[i - 1] === "functions" && Array.isArray(v) ? sortValues(v) : v));
}

/** One command's reply in the form both sides must agree on (see the list at the top). */
export function normalize(argv: Argv, reply: Value): Value {
  if (isError(reply)) return reply.error.startsWith(TOO_BIG) ? { error: `${TOO_BIG} (…)` } : reply;
  if (reply === null) return reply;
  const name = argv[0]!.toLowerCase();
  if (SCANS.has(name) && Array.isArray(reply)) {
    // A single step's iterated scan is `[cursor, elements…]`; one call of a batch `[cursor, [elements…]]`.
    const [cursor, ...rest] = reply.length === 2 && Array.isArray(reply[1]) ? [reply[0]!, ...reply[1]] : reply;
    return [cursor!, ...(name === "scan" || name === "sscan" ? sortValues([...new Set(rest)]) : sortPairs(rest))];
  }
  if (UNORDERED.has(name) && Array.isArray(reply)) return sortValues(reply);
  if (name === "function" && argv[1]?.toLowerCase() === "list" && Array.isArray(reply)) return sortValues(reply.map(sortLibraryFunctions));
  if (PAIRED.has(name) && Array.isArray(reply)) return sortPairs(reply);
  if (name === "eval" && /HGETALL/.test(argv[1] ?? "") && Array.isArray(reply)) return sortPairs(reply);
  if (RANDOM.has(name)) {
    if (!Array.isArray(reply)) return "some element";
    const count = Number(argv[2]);
    const paired = argv.length > 3;
    return count >= 100 ? (paired ? sortPairs(reply) : sortValues(reply)) : `${reply.length} elements`;
  }
  return reply;
}

function withinTolerance(argv: Argv, a: Value, b: Value): boolean {
  const slack = TTLS[argv[0]!.toLowerCase()];
  return slack !== undefined && typeof a === "number" && typeof b === "number" && a >= 0 && b >= 0 && Math.abs(a - b) <= slack;
}

const SORT_NOT_DOUBLE = "ERR One or more scores can't be converted into double";

/** Redis's stale-errno SORT error against edgekv's sorted reply (see the file's comment). */
function staleErrno(argv: Argv, want: Value, got: Value): boolean {
  const name = argv[0]!.toLowerCase();
  if (name !== "sort" && name !== "sort_ro") return false;
  if (argv.some((a) => a.toLowerCase() === "alpha")) return false;
  return isError(want) && want.error === SORT_NOT_DOUBLE && !isError(got);
}

function commandsOf(s: Step): Argv[] {
  return s.kind === "single" ? [s.cmd] : s.cmds;
}

/**
 * RANDOMKEY's `[key, key set]` pairs (`collapse`): the same key set, nil on both sides or
 * neither, and each side's key in the other side's set. Errors compare exactly.
 */
function randomKeyAgrees(a: Value, b: Value): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || isError(a[0]!) || isError(b[0]!)) return JSON.stringify(a) === JSON.stringify(b);
  const [ka, setA] = a as [Value, Value];
  const [kb, setB] = b as [Value, Value];
  if (JSON.stringify(setA) !== JSON.stringify(setB) || (ka === null) !== (kb === null)) return false;
  return ka === null || (Array.isArray(setA) && Array.isArray(setB) && setB.includes(ka) && setA.includes(kb));
}

/** Where two outcomes of one step differ, or null. */
export function differs(s: Step, want: Outcome, got: Outcome): string | null {
  if (typeof want === "string" || typeof got === "string" || want.length !== got.length) {
    return JSON.stringify(want) === JSON.stringify(got) ? null : `whole step`;
  }
  const cmds = commandsOf(s);
  for (let i = 0; i < cmds.length; i++) {
    if (cmds[i]![0]!.toLowerCase() === "randomkey") {
      if (!randomKeyAgrees(want[i]!, got[i]!)) return `command ${i + 1}`;
      continue;
    }
    const a = normalize(cmds[i]!, want[i]!);
    const b = normalize(cmds[i]!, got[i]!);
    if (JSON.stringify(a, bigints) !== JSON.stringify(b, bigints) && !withinTolerance(cmds[i]!, a, b) && !staleErrno(cmds[i]!, a, b)) return `command ${i + 1}`;
  }
  return null;
}

function bigints(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? `${v}n` : v;
}

export function describeStep(s: Step): string {
  const cmds = commandsOf(s).map((c) => JSON.stringify(c));
  return s.kind === "single" ? cmds[0]! : `${s.kind} [${cmds.join(", ")}]`;
}

export interface Difference {
  seed: number;
  index: number;
  where: string;
  step: Step;
  redis: Outcome;
  edgekv: Outcome;
  /** The shortest step list found that still differs at its last step. */
  repro: Step[];
}

/** Runs `steps` on fresh databases; the index of the first differing step, or -1. */
async function replay(steps: Step[], a: Side, b: Side): Promise<number> {
  await Promise.all([a.reset(), b.reset()]);
  for (let i = 0; i < steps.length; i++) {
    const [x, y] = await Promise.all([a.run(steps[i]!), b.run(steps[i]!)]);
    if (differs(steps[i]!, x, y)) return i;
  }
  return -1;
}

/**
 * Shrinks a failing prefix: drops chunks of earlier steps (halves, then quarters, … then
 * single steps) while the last step still differs, within `budget` replays.
 */
async function shrink(steps: Step[], a: Side, b: Side, budget = 60): Promise<Step[]> {
  let current = steps;
  for (let size = Math.max(1, Math.floor(current.length / 2)); size >= 1 && budget > 0; size = Math.floor(size / 2)) {
    for (let start = current.length - 1 - size; start >= 0 && budget > 0; start -= size) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      budget--;
      if ((await replay(candidate, a, b)) === candidate.length - 1) {
        current = candidate;
        start = Math.min(start, current.length - 1);
      }
    }
    if (size === 1) break;
  }
  // A batch: the one differing command alone, if it differs alone.
  const last = current[current.length - 1]!;
  if (last.kind !== "single" && budget > 0) {
    for (const cmd of last.cmds) {
      const candidate: Step[] = [...current.slice(0, -1), { kind: "single", cmd }];
      if ((await replay(candidate, a, b)) === candidate.length - 1) return candidate;
    }
  }
  return current;
}

export interface SeedResult {
  /** Steps run on both sides and compared. */
  compared: number;
  difference: Difference | null;
}

/** Runs `ops` steps of `seed` on both sides (fresh databases), up to the first difference. */
export async function runSeed(seed: number, ops: number, redis: Side, edgekv: Side, opts: StepOptions = {}): Promise<SeedResult> {
  const g = new Gen(rng(seed));
  const steps: Step[] = [];
  await Promise.all([redis.reset(), edgekv.reset()]);
  for (let i = 0; i < ops; i++) {
    const s = step(g, opts);
    steps.push(s);
    const [want, got] = await Promise.all([redis.run(s), edgekv.run(s)]);
    const where = differs(s, want, got);
    if (where) {
      const repro = await shrink(steps, redis, edgekv);
      return { compared: i + 1, difference: { seed, index: i, where, step: s, redis: want, edgekv: got, repro } };
    }
  }
  return { compared: ops, difference: null };
}

/** The failure message: seed, step, both answers and the reproduction, one step a line. */
export function report(d: Difference): string {
  return [
    `seed ${d.seed}, step ${d.index + 1} (${d.where}): ${describeStep(d.step)}`,
    `  redis:  ${JSON.stringify(d.redis, bigints)}`,
    `  edgekv: ${JSON.stringify(d.edgekv, bigints)}`,
    `reproduction (${d.repro.length} steps, from an empty database):`,
    ...d.repro.map((s) => `  ${describeStep(s)}`),
  ].join("\n");
}
