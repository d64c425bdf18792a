// OAuth 2.0 client credentials for the emulator's registered clients, and the bearer check
// every API call passes. Tokens are JWTs signed with the emulator's own key (see jwt.ts), so a
// client can read the organization from `prt_id` and anyone can verify them with the published keys.
import { randomUUID, timingSafeEqual } from "node:crypto";
import { AUDIENCE, TokenVerifier, type AccessClaims, type SigningKey } from "./jwt.js";
import type { EmulatorClient } from "./options.js";

export interface TokenRecord {
  /** The organization's partitionGlobalId (the token's `prt_id`). */
  partitionGlobalId: string;
  scopes: string[];
  /** The external application the token was issued to. */
  clientId: string;
  /** The user a user token acts for (its `sub`); undefined on an application's token. */
  userId?: string | undefined;
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

export type BearerCheck = { ok: true; token: TokenRecord } | { ok: false; challenge: string };

/** Who a token is for: the organization (by name and id) and the API base it was asked for at. */
export interface TokenAudience {
  organization: string;
  partitionGlobalId: string;
  issuer: string;
}

/** `client_id` of tokens made by the handle's `issueToken`, which no registered client asked for. */
export const ISSUED_TOKEN_CLIENT_ID = "emulator-issued-token";

export class TokenService {
  private readonly verifier: TokenVerifier;

  constructor(
    private readonly key: SigningKey,
    private readonly clients: EmulatorClient[],
    private readonly lifetimeSeconds: number,
    private readonly now: () => number,
    issuers: () => string[],
  ) {
    this.verifier = new TokenVerifier(key, issuers, now);
  }

  issue(to: TokenAudience, clientId: string, scopes: string[], lifetimeSeconds = this.lifetimeSeconds, userId?: string): TokenGrant {
    const iat = Math.floor(this.now() / 1000);
    const claims: AccessClaims = {
      iss: to.issuer,
      aud: AUDIENCE,
      client_id: clientId,
      ...(userId !== undefined && { sub: userId }),
      prt_id: to.partitionGlobalId,
      scope: [...scopes],
      iat,
      nbf: iat,
      exp: iat + lifetimeSeconds,
      jti: randomUUID().replace(/-/g, "").toUpperCase(),
    };
    return { access_token: this.key.sign(claims), token_type: "Bearer", expires_in: Math.max(0, lifetimeSeconds), scope: scopes.join(" ") };
  }

  /** Handles a token request's form fields (and a Basic Authorization header, which clients may use instead). */
  grant(to: TokenAudience, form: URLSearchParams, authorization: string | undefined): TokenGrant | TokenError {
    const fail = (error: string, error_description?: string): TokenError => ({
      status: 400,
      body: error_description ? { error, error_description } : { error },
    });
    let clientId = form.get("client_id") ?? undefined;
    let clientSecret = form.get("client_secret") ?? undefined;
    const basic = /^Basic\s+(.+)$/i.exec(authorization ?? "");
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        clientId = safeDecode(decoded.slice(0, colon));
        clientSecret = safeDecode(decoded.slice(colon + 1));
      }
    }
    const grantType = form.get("grant_type");
    if (!grantType) return fail("invalid_request", "grant_type is missing");
    if (!clientId) return fail("invalid_client");
    const client = this.clients.find(
      (c) => c.clientId === clientId && (c.organization === undefined || c.organization === to.organization),
    );
    // Same answer for an unknown client and a wrong secret, so ids cannot be probed.
    if (!client || clientSecret === undefined || !secretsMatch(client.clientSecret, clientSecret)) return fail("invalid_client");
    if (grantType !== "client_credentials") return fail("unsupported_grant_type");
    const requested = (form.get("scope") ?? "").split(" ").filter(Boolean);
    const beyond = requested.filter((s) => !client.scopes.includes(s));
    if (beyond.length > 0) return fail("invalid_scope", `not allowed for this client: ${beyond.join(" ")}`);
    // Without a scope parameter the client gets everything it is allowed, as IdentityServer does.
    return this.issue(to, client.clientId, requested.length > 0 ? unique(requested) : client.scopes);
  }

  /**
   * Checks an Authorization header: a token the emulator signed (RS256), not expired by the
   * emulator's clock, from one of its API bases, for the organization the URL addresses.
   */
  async check(partitionGlobalId: string, authorization: string | undefined): Promise<BearerCheck> {
    // RFC 6750 §3.1: a request without credentials gets a bare challenge.
    if (!authorization) return { ok: false, challenge: "Bearer" };
    const invalid: BearerCheck = { ok: false, challenge: 'Bearer error="invalid_token"' };
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (!token) return invalid;
    const result = await this.verifier.verify(token);
    if (!result.ok)
      return result.expired ? { ok: false, challenge: 'Bearer error="invalid_token", error_description="The token expired"' } : invalid;
    if (result.claims.prt_id.toLowerCase() !== partitionGlobalId.toLowerCase()) return invalid;
    const { prt_id, scope, client_id, sub } = result.claims;
    return { ok: true, token: { partitionGlobalId: prt_id, scopes: scope, clientId: client_id, userId: sub } };
  }
}

/** A malformed percent-escape in Basic credentials is taken literally rather than failing the request. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
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
