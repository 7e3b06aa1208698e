/**
 * The frames a gateway writes itself (docs/pubsub.md "The WebSocket protocol"): the replies of
 * SUBSCRIBE and its family and the pushes (`message`, `pmessage`, `smessage`), in the REST result
 * shape, `{"result":[…]}`; with base64 encoding every string is the base64 of its bytes, as
 * worker/encode.ts encodes replies. Replies of ordinary commands are encoded by the Worker's
 * encoder (socket-commands.ts).
 */
import { textBytes, wellFormed } from "../args";
const decoder = new TextDecoder();

export type PushItem = string | Uint8Array | number | null;

const nativeBase64 = (Uint8Array.prototype as { toBase64?: (this: Uint8Array) => string }).toBase64;

function base64Of(b: Uint8Array): string {
  if (nativeBase64) return nativeBase64.call(b);
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

function item(x: PushItem, base64: boolean): string {
  if (x === null) return "null";
  if (typeof x === "number") return String(x);
  if (typeof x === "string") return JSON.stringify(base64 ? base64Of(textBytes(x)) : wellFormed(x));
  return JSON.stringify(base64 ? base64Of(x) : decoder.decode(x));
}

/** `{"result":["message","news","hello"]}` */
export function pushFrame(items: PushItem[], base64: boolean): string {
  return `{"result":[${items.map((x) => item(x, base64)).join(",")}]}`;
}

/** `{"error":"ERR …"}` */
export function errorFrame(message: string): string {
  return `{"error":${JSON.stringify(message)}}`;
}

/** `{"result":"OK"}`: a string reply or push (MONITOR's lines); base64 when asked. */
export function stringFrame(s: string, base64: boolean): string {
  return `{"result":${item(s, base64)}}`;
}
