/**
 * The HTTP reply of a request that may wait (a blocking command, docs/blocking.md "A client that
 * goes away"). A runtime notices that a client went away only when it writes to it, so a reply
 * that has nothing to say for long must say something: when the answer is not there within
 * `holdMs`, the response starts (status 200, JSON) and a space is written every `beatMs` until
 * it is; then the JSON body follows (JSON allows leading whitespace, so any JSON client reads it
 * unchanged). A write that fails means the client is gone: `run`'s signal aborts, which withdraws
 * its waiters before anything is taken for it. The spaces also keep intermediaries that close
 * silent responses (Cloudflare's 100-second proxy timeout) from ending a long wait.
 */

/** A finished reply: its JSON body and HTTP status. */
export interface Held {
  body: string | ReadableStream<Uint8Array>;
  status: number;
}

/** How long an answer may take before the response starts, and the interval between spaces. */
export const HOLD_MS = 1000;
export const BEAT_MS = 1000;

const SPACE = new Uint8Array([0x20]);

/**
 * Runs `run` with a signal that aborts when the client does (`client`) or a write to it fails;
 * answers its reply, or (once `holdMs` passed) a body stream of spaces then that reply, status 200.
 */
export async function heldReply(
  run: (signal: AbortSignal) => Promise<Held>,
  client: AbortSignal | undefined,
  /** The reply for `run` failing once the response has started (its status is sent: only the body says it). */
  failed: (error: unknown) => Held,
  holdMs = HOLD_MS,
  beatMs = BEAT_MS,
): Promise<Held> {
  const gone = new AbortController();
  if (client?.aborted) gone.abort();
  else client?.addEventListener("abort", () => gone.abort(), { once: true });
  let settled: { reply: Held } | { error: unknown } | null = null;
  const work = run(gone.signal).then(
    (reply) => (settled = { reply }),
    (error: unknown) => (settled = { error }),
  );
  const first = await waitFor(work, holdMs);
  if (first) {
    const s = settled!;
    if ("error" in s) throw s.error;
    return s.reply;
  }
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  void (async () => {
    try {
      while (!(await waitFor(work, beatMs))) await writer.write(SPACE);
      const s = settled!;
      const reply = "error" in s ? failed(s.error) : s.reply;
      if (typeof reply.body === "string") await writer.write(new TextEncoder().encode(reply.body));
      else for await (const chunk of reply.body) await writer.write(chunk);
      await writer.close();
    } catch {
      // The client is gone (or the reply failed after the status was sent): withdraw its waiters.
      gone.abort();
      await writer.abort().catch(() => {});
    }
  })();
  return { body: readable, status: 200 };
}

/** Whether `p` settles within `ms`. */
async function waitFor(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const late = new Promise<false>((res) => (timer = setTimeout(() => res(false), ms)));
  try {
    return await Promise.race([p.then(() => true), late]);
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}
