/**
 * The gateway's slow-subscriber limit: a socket whose `bufferedAmount` (bytes sent and not taken
 * by the client) would pass the limit gets the error frame, is closed with 1008, and its
 * subscriptions go (the homes are told). A socket under the limit gets the message.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { Gateway, OUTPUT_BUFFER_CLOSE, OUTPUT_BUFFER_ERROR } from "./gateway";
import type { InterestKind } from "./interest";

class FakeSocket {
  sent: string[] = [];
  closedWith: number | null = null;
  constructor(
    public bufferedAmount: number,
    private readonly attachment: unknown,
  ) {}
  deserializeAttachment() {
    return this.attachment;
  }
  send(frame: string) {
    this.sent.push(frame);
  }
  close(code: number) {
    this.closedWith = code;
  }
}

it("a socket past client-output-buffer-limit pubsub gets the error frame, then close 1008", async () => {
  const stub = env.SHARD.getByName("pubsub-gateway-test");
  await runInDurableObject(stub, (_instance, state) => {
    const sql = state.storage.sql;
    const slow = new FakeSocket(1000, { id: 1, readOnly: false, base64: false });
    const fast = new FakeSocket(0, { id: 2, readOnly: false, base64: false });
    for (const id of [1, 2]) sql.exec("INSERT INTO pubsub_subscriptions (socket, kind, name) VALUES (?, 'c', 'slow')", id);
    const changed: [InterestKind, string][] = [];
    const gateway = new Gateway({
      sql,
      state: { getWebSockets: () => [slow, fast] } as unknown as DurableObjectState,
      env: {},
      bufferLimit: 1024,
      changed: async (kind, name) => void changed.push([kind, name]),
    });
    expect(gateway.localCount("c", "slow")).toBe(2);
    const stale = gateway.deliver([{ channel: "slow", message: new TextEncoder().encode("x".repeat(100)), sharded: false, rows: [["c", "slow", 1]] }]);
    expect(stale).toEqual([]);
    expect(fast.sent).toEqual(['{"result":["message","slow","' + "x".repeat(100) + '"]}']);
    expect(slow.sent).toEqual([`{"error":"${OUTPUT_BUFFER_ERROR}"}`]);
    expect(slow.closedWith).toBe(OUTPUT_BUFFER_CLOSE);
    expect(gateway.localCount("c", "slow")).toBe(1);
    expect(changed).toEqual([["c", "slow"]]);
    expect(sql.exec("SELECT socket FROM pubsub_subscriptions WHERE name = 'slow'").toArray()).toEqual([{ socket: 2 }]);
    // Nothing more reaches the closed socket.
    gateway.deliver([{ channel: "slow", message: new Uint8Array(1), sharded: false, rows: [] }]);
    expect(slow.sent.length).toBe(1);
  });
});
