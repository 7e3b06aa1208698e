/**
 * What a gateway needs from the Worker to run the ordinary commands of a socket (`["GET","k"]`
 * over `/ws`): the request parser, the pipeline runner (the same path as `POST /pipeline`, with
 * the socket's token role) and the reply encoder (the REST result shape). `durable-objects/`
 * never imports `worker/`, so the Worker's entry module installs them when it loads
 * (worker/index.ts calls `installSocketCommands`); the shard class is exported from that module,
 * so they are installed before any socket exists. Without them a socket still subscribes and
 * receives, and each ordinary command answers an error.
 */
import type { Arg } from "../args";
import type { Reply } from "../reply";

export interface SocketCommands {
  /** One text frame: a command (`["GET","k"]`) or a pipeline (`[["GET","k"],…]`); throws with the error text when malformed. */
  parse(frame: string): Arg[][];
  /**
   * Runs commands as one pipeline over the shards (`env`: the shard's bindings, which are the
   * Worker's). With `signal` a blocking command waits until served or timed out, as in a
   * client's pipeline over HTTP (docs/blocking.md); its abort withdraws the wait.
   */
  run(env: unknown, cmds: Arg[][], readOnly: boolean, signal?: AbortSignal): Promise<Reply[]>;
  /** One reply as a frame, `{"result":…}` or `{"error":…}`; strings base64 when asked. */
  encode(reply: Reply, base64: boolean): string;
}

let installed: SocketCommands | null = null;

/** Called once by the Worker's entry module (worker/index.ts). */
export function installSocketCommands(commands: SocketCommands): void {
  installed = commands;
}

export function socketCommands(): SocketCommands | null {
  return installed;
}
