/**
 * Bearer-token authentication: `Authorization: Bearer <token>` or `?_token=<token>`, compared
 * in constant time against the read-write and the read-only token.
 */
const encoder = new TextEncoder();

export type Access = "read-write" | "read-only" | "denied" | "unconfigured";

export function tokenFrom(request: Request, url: URL): string | null {
  const header = request.headers.get("authorization");
  if (header) {
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    return m ? m[1]!.trim() : null;
  }
  return url.searchParams.get("_token");
}

export function checkAccess(token: string | null, readWrite: string | undefined, readOnly: string | undefined): Access {
  if (!readWrite) return "unconfigured";
  if (token === null) return "denied";
  if (constantTimeEqual(token, readWrite)) return "read-write";
  if (readOnly && constantTimeEqual(token, readOnly)) return "read-only";
  return "denied";
}

/** Equal strings? Takes time that depends only on the length of `expected`. */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i % (a.length || 1)] ?? 0) ^ b[i]!;
  return diff === 0;
}
