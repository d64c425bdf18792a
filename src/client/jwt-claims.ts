// Reads the claims of a JWT without verifying it: the client only looks at `prt_id` and `scope`,
// and the service verifies every token it is sent. A few lines instead of a JOSE library on every
// CLI start (see BENCHMARKS.md, benchmark 8).

/** The payload of a compact JWS (`header.payload.signature`), or undefined when `token` is not one. */
export function readClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[1] === "") return undefined;
  try {
    const base64 = parts[1]!.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return typeof claims === "object" && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    // Not base64url, not UTF-8 or not JSON: not a JWT this client can read.
    return undefined;
  }
}
