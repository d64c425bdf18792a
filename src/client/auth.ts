// Where bearer tokens come from: client credentials (cached, one request in flight however many
// callers wait), a fixed access token, or the caller's own provider function.
import { errorFromResponse } from "./error-parsing.js";
import { IdentityApiError, IdentityInputError } from "./errors.js";
import { scrub } from "./redact.js";
import { raceSignal } from "./signals.js";
import { attemptsFor } from "./response-meta.js";

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Scopes to ask for; default `PM.Group PM.RobotAccount`, what every method of this client needs. */
  scopes?: string[] | string;
}

export interface StaticToken {
  accessToken: string;
}

export interface TokenRequestContext {
  signal: AbortSignal;
  /** True after the service answered 401 to the last token: return a new one if you can. */
  forceRefresh: boolean;
}

export type TokenProvider = (context: TokenRequestContext) => Promise<string>;

export type Credentials = ClientCredentials | StaticToken | TokenProvider;

export const DEFAULT_SCOPES = ["PM.Group", "PM.RobotAccount"] as const;

/** Tokens are renewed this long before they expire, so one never lapses in flight. */
export const REFRESH_MARGIN_MS = 60_000;

/** How long to trust a token whose answer carried no `expires_in`. */
const UNKNOWN_LIFETIME_MS = 300_000;

export interface TokenSource {
  /**
   * A token to send. `rejected` is one the service just answered 401 to: the source returns a
   * different one if it can (a newer cached token, or a fresh one), so a burst of 401s for the
   * same token causes one refresh, not one per call.
   */
  getToken(signal: AbortSignal, rejected?: string): Promise<string>;
  /** The token handed out last, if any (it may have expired since): what the next send will most likely carry. */
  current(): string | undefined;
  /** Whether a 401 is worth one more try with a new token. */
  readonly refreshable: boolean;
  /** Every secret this source has seen, so error text can be scrubbed of them. */
  secrets(): string[];
}

export interface TokenEndpoint {
  url: string;
  /** Sends the token request (through the transport: retries, timeout, hooks; no bearer). */
  post: (request: Request, signal: AbortSignal) => Promise<Response>;
  now?: () => number;
  /** The client-wide signal: the shared token fetch stops only when the whole client does. */
  clientSignal?: AbortSignal | undefined;
}

export function createTokenSource(credentials: Credentials, endpoint: TokenEndpoint): TokenSource {
  if (typeof credentials === "function") return providerSource(credentials);
  if ("accessToken" in credentials) return staticSource(credentials.accessToken);
  return clientCredentialsSource(credentials, endpoint);
}

function staticSource(token: string): TokenSource {
  if (typeof token !== "string" || token === "")
    throw new IdentityInputError("credentials.accessToken", "credentials.accessToken must be a non-empty string");
  return {
    getToken: async () => token,
    current: () => token,
    refreshable: false,
    secrets: () => [token],
  };
}

function providerSource(provider: TokenProvider): TokenSource {
  const seen = new RecentSet();
  let last: string | undefined;
  return {
    async getToken(signal, rejected) {
      const token = await provider({ signal, forceRefresh: rejected !== undefined });
      if (typeof token !== "string" || token === "") throw new IdentityInputError("credentials", "the token provider returned no token");
      seen.add(token);
      last = token;
      return token;
    },
    current: () => last,
    refreshable: true,
    secrets: () => seen.values(),
  };
}

function clientCredentialsSource(credentials: ClientCredentials, endpoint: TokenEndpoint): TokenSource {
  const { clientId, clientSecret } = credentials;
  if (typeof clientId !== "string" || clientId === "")
    throw new IdentityInputError("credentials.clientId", "credentials.clientId must be a non-empty string");
  if (typeof clientSecret !== "string" || clientSecret === "") {
    throw new IdentityInputError("credentials.clientSecret", "credentials.clientSecret must be a non-empty string");
  }
  const scope = Array.isArray(credentials.scopes) ? credentials.scopes.join(" ") : (credentials.scopes ?? DEFAULT_SCOPES.join(" "));
  const now = endpoint.now ?? Date.now;
  const seen = new RecentSet();
  let cached: { token: string; freshUntil: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      scope,
    });
    const request = new Request(endpoint.url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: form,
    });
    const signal = endpoint.clientSignal ?? new AbortController().signal;
    const response = await endpoint.post(request, signal);
    const path = new URL(endpoint.url).pathname;
    const text = await response.text();
    const attempts = attemptsFor(response);
    const redact = (s: string): string => scrub(s, [clientSecret, ...seen.values()]);
    if (!response.ok) {
      // The token endpoint answers bad credentials with 400 (RFC 6749 §5.2): report them as such.
      const kind = /invalid_scope/.test(text) ? "forbidden" : response.status === 400 ? "unauthorized" : undefined;
      throw errorFromResponse(response, text, { method: "POST", path, attempts, redact, kind });
    }
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch (cause) {
      throw new IdentityApiError({
        kind: "server",
        message: `POST ${path}: the token endpoint answered ${response.status} without JSON`,
        method: "POST",
        path,
        status: response.status,
        attempts,
        cause,
      });
    }
    if (typeof body.access_token !== "string" || body.access_token === "") {
      throw new IdentityApiError({
        kind: "server",
        message: `POST ${path}: the token endpoint's answer has no access_token`,
        method: "POST",
        path,
        status: response.status,
        attempts,
      });
    }
    const lifetimeMs = typeof body.expires_in === "number" ? body.expires_in * 1000 : UNKNOWN_LIFETIME_MS;
    seen.add(body.access_token);
    // Short-lived tokens (under two minutes) are renewed halfway instead, so they are still reused.
    const marginMs = Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2);
    cached = { token: body.access_token, freshUntil: now() + lifetimeMs - marginMs };
    return body.access_token;
  }

  return {
    getToken(signal, rejected) {
      if (rejected !== undefined && cached?.token === rejected) cached = undefined;
      if (cached && now() < cached.freshUntil) return Promise.resolve(cached.token);
      if (!inFlight) {
        inFlight = fetchToken().finally(() => {
          inFlight = undefined;
        });
        // Waiters get the outcome through raceSignal below. If every waiter has given up, nobody
        // is left to hear a failure; this handler keeps Node from treating that as a crash.
        inFlight.catch(() => undefined);
      }
      // Each caller may give up on its own; the shared request carries on for the others.
      return raceSignal(inFlight, signal);
    },
    current: () => cached?.token,
    refreshable: true,
    secrets: () => [clientSecret, ...seen.values()],
  };
}

/** The last few tokens handed out; enough to scrub error text, bounded so it cannot grow. */
class RecentSet {
  private readonly items: string[] = [];
  add(value: string): void {
    if (this.items.includes(value)) return;
    this.items.push(value);
    if (this.items.length > 8) this.items.shift();
  }
  values(): string[] {
    return [...this.items];
  }
}
