/**
 * The web console (docs/console.md): a static single page served at `/console`, without a
 * token; everything it shows comes from `POST /pipeline` with the token the user enters.
 */
import { PAGE } from "./page";
import { SCRIPT } from "./script";
import { STYLE } from "./style";

/** Self only: no inline script or style, no other origin, not framed. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ASSETS: Record<string, { body: string; type: string }> = {
  "/console": { body: PAGE, type: "text/html; charset=utf-8" },
  "/console/": { body: PAGE, type: "text/html; charset=utf-8" },
  "/console/app.js": { body: SCRIPT, type: "text/javascript; charset=utf-8" },
  "/console/app.css": { body: STYLE, type: "text/css; charset=utf-8" },
};

/** The console's paths. */
export const CONSOLE_PATHS = Object.keys(ASSETS);

/** The asset at `path` (GET, or HEAD without its body), or null when `path` is not one of them. */
export function consoleAsset(path: string, method: string): Response | null {
  const asset = ASSETS[path];
  if (!asset) return null;
  return new Response(method === "HEAD" ? null : asset.body, {
    headers: {
      "content-type": asset.type,
      "content-security-policy": CONSOLE_CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-cache",
    },
  });
}
