// Keeping secrets out of everything a user can see: error text, and headers handed to log hooks.

/** Replaces each secret in `text` with a marker. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  }
  return out;
}

const SENSITIVE_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);

/**
 * Headers as a plain object for the log hooks: credential headers replaced whole, and any known
 * secret scrubbed from the others (a server may echo a token, e.g. in WWW-Authenticate).
 */
export function redactHeaders(headers: Headers, secrets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = SENSITIVE_HEADERS.has(name.toLowerCase()) ? "[REDACTED]" : scrub(value, secrets);
  });
  return out;
}
