// OAuth 2.0 client credentials for the emulator's registered clients, and the bearer check
// every API call passes. Tokens are opaque random strings kept in memory: only the emulator
// has to read them.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { EmulatorClient } from "./options.js";

export interface TokenRecord {
  organization: string;
  scopes: string[];
  expiresAt: number;
}

export interface TokenGrant {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
}

/** RFC 6749 §5.2 error; IdentityServer answers all of them with 400. */
export interface TokenError {
  status: 400;
  body: { error: string; error_description?: string };
}

export type BearerCheck =
  | { ok: true; token: TokenRecord }
  | { ok: false; challenge: string };

export class TokenService {
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(
    private readonly clients: EmulatorClient[],
    private readonly lifetimeSeconds: number,
    private readonly now: () => number,
  ) {}

  issue(organization: string, scopes: string[], lifetimeSeconds = this.lifetimeSeconds): TokenGrant {
    this.sweep();
    const token = randomBytes(32).toString("base64url");
    this.tokens.set(token, { organization, scopes: [...scopes], expiresAt: this.now() + lifetimeSeconds * 1000 });
    return { access_token: token, token_type: "Bearer", expires_in: Math.max(0, lifetimeSeconds), scope: scopes.join(" ") };
  }

  /** Handles a token request's form fields (and a Basic Authorization header, which clients may use instead). */
  grant(organization: string, form: URLSearchParams, authorization: string | undefined): TokenGrant | TokenError {
    const fail = (error: string, error_description?: string): TokenError => ({ status: 400, body: error_description ? { error, error_description } : { error } });
    let clientId = form.get("client_id") ?? undefined;
    let clientSecret = form.get("client_secret") ?? undefined;
    const basic = /^Basic\s+(.+)$/i.exec(authorization ?? "");
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        clientId = decodeURIComponent(decoded.slice(0, colon));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1));
      }
    }
    const grantType = form.get("grant_type");
    if (!grantType) return fail("invalid_request", "grant_type is missing");
    if (!clientId) return fail("invalid_client");
    const client = this.clients.find((c) => c.clientId === clientId && (c.organization === undefined || c.organization === organization));
    // Same answer for an unknown client and a wrong secret, so ids cannot be probed.
    if (!client || clientSecret === undefined || !secretsMatch(client.clientSecret, clientSecret)) return fail("invalid_client");
    if (grantType !== "client_credentials") return fail("unsupported_grant_type");
    const requested = (form.get("scope") ?? "").split(" ").filter(Boolean);
    const beyond = requested.filter((s) => !client.scopes.includes(s));
    if (beyond.length > 0) return fail("invalid_scope", `not allowed for this client: ${beyond.join(" ")}`);
    // Without a scope parameter the client gets everything it is allowed, as IdentityServer does.
    return this.issue(organization, requested.length > 0 ? unique(requested) : client.scopes);
  }

  /** Checks an Authorization header for a live token of this organization. */
  check(organization: string, authorization: string | undefined): BearerCheck {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    // RFC 6750 §3.1: a request without credentials gets a bare challenge.
    if (!authorization) return { ok: false, challenge: "Bearer" };
    const record = match?.[1] ? this.tokens.get(match[1]) : undefined;
    if (!record || record.organization !== organization) return { ok: false, challenge: 'Bearer error="invalid_token"' };
    if (record.expiresAt <= this.now()) return { ok: false, challenge: 'Bearer error="invalid_token", error_description="The token expired"' };
    return { ok: true, token: record };
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, record] of this.tokens) if (record.expiresAt <= now - 60_000) this.tokens.delete(token);
  }
}

function secretsMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/** The real service's text for a token without any of the operation's scopes. */
export function scopeErrorMessage(tokenScopes: string[], alternatives: string[][]): string {
  const expected = alternatives.map((alt) => `'${alt.join(" ")}'`).join(" or ");
  return `Scope(s) '${tokenScopes.join(" ")}' is(are) invalid. Expect to have ${expected}. `;
}

export function hasScopes(tokenScopes: string[], alternatives: string[][]): boolean {
  return alternatives.some((alt) => alt.every((s) => tokenScopes.includes(s)));
}
