/** Loopback ports for the servers the node tests start. */
import net from "node:net";

/** A port free on 127.0.0.1 at the time of asking (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => res(port));
    });
    srv.on("error", rej);
  });
}

/** Resolves once something accepts connections on 127.0.0.1:`port`; throws after `ms`. */
export async function waitForPort(port: number, ms: number, what = "the server"): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((res) => {
      const s = net.createConnection({ port, host: "127.0.0.1" }, () => (s.destroy(), res(true)));
      s.on("error", () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on ${port}`);
}
