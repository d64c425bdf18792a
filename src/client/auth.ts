// Where bearer tokens come from: client credentials (cached, one request in flight however many
// callers wait), a fixed access token, or the caller's own provider function. Client credentials
// without `scopes` ask, per call, for a scope the contract says the call's operation accepts
// (see "Methods and the scopes they need" in docs/client.md): one cached token per scope set, and what the application was
// refused remembered for a while, so a call it cannot make fails before anything is sent.
import { errorFromResponse } from "./error-parsing.js";
import { IdentityApiError, IdentityInputError } from "./errors.js";
import { scrub } from "./redact.js";
import { raceSignal } from "./signals.js";
import { attemptsFor } from "./response-meta.js";
import { OPERATION_SCOPES } from "../../generated/scopes.js";
import { ANY_OPERATION, describeAlternatives, type ScopeNeed } from "./scopes.js";

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /**
   * Scopes to ask for, in one token for every call. Default: for each call, a scope its operation
   * accepts according to the contract (the broad one first, the narrow one when the application
   * was not granted the broad one), one token per scope set.
   */
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

/**
 * @deprecated Not the default any more: without `credentials.scopes` each call asks for a scope its
 * operation accepts, from the contract. These are what the client asked for before, in one token
 * (the broad scopes of groups and robot accounts); pass them as `credentials.scopes` to keep that.
 */
export const DEFAULT_SCOPES = [
  OPERATION_SCOPES["GET /api/Group/{id}"][0][0],
  OPERATION_SCOPES["GET /api/RobotAccount/{id}"][0][0],
] as const;

/** Tokens are renewed this long before they expire, so one never lapses in flight. */
export const REFRESH_MARGIN_MS = 60_000;

/** How long to trust a token whose answer carried no `expires_in`. */
const UNKNOWN_LIFETIME_MS = 300_000;

/**
 * How long a scope the token endpoint refused (invalid_scope) is not asked for again. Long enough
 * that a loop of calls the application cannot make sends no token requests; short enough that a
 * long-running process notices a grant made meanwhile.
 */
export const REFUSED_SCOPE_MEMORY_MS = 300_000;

export interface TokenSource {
  /**
   * A token to send. `rejected` is one the service just answered 401 to: the source returns a
   * different one if it can (a newer cached token, or a fresh one), so a burst of 401s for the
   * same token causes one refresh, not one per call. `need` is what the call's operation accepts;
   * only client credentials without `scopes` use it (none: any scope the contract names).
   */
  getToken(signal: AbortSignal, rejected?: string, need?: ScopeNeed): Promise<string>;
  /**
   * The token `getToken(signal, undefined, need)` would resolve to at once, when it is cached and
   * fresh: the common case, without the promise and the turn of the event loop awaiting it costs.
   */
  fresh?(need?: ScopeNeed): string | undefined;
  /** The token handed out last, if any (it may have expired since): what the next send will most likely carry. */
  current(): string | undefined;
  /** Whether a 401 is worth one more try with a new token. */
  readonly refreshable: boolean;
  /** Every secret this source has seen, so error text can be scrubbed of them. */
  secrets(): string[];
  /** The scopes the token endpoint granted with `token`, when this source fetched it. */
  scopesOf?(token: string): string[] | undefined;
  /** True when the source picks scopes per call from `need` (client credentials without `scopes`). */
  readonly perOperation?: boolean;
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
    fresh: () => token,
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

/** One scope set's token: the cached one, and the request for a new one while it is in flight. */
interface TokenSlot {
  scope: string;
  cached?: { token: string; freshUntil: number; scopes: string[] } | undefined;
  inFlight?: Promise<string> | undefined;
}

function clientCredentialsSource(credentials: ClientCredentials, endpoint: TokenEndpoint): TokenSource {
  const { clientId, clientSecret } = credentials;
  if (typeof clientId !== "string" || clientId === "")
    throw new IdentityInputError("credentials.clientId", "credentials.clientId must be a non-empty string");
  if (typeof clientSecret !== "string" || clientSecret === "") {
    throw new IdentityInputError("credentials.clientSecret", "credentials.clientSecret must be a non-empty string");
  }
  const now = endpoint.now ?? Date.now;
  const seen = new RecentSet();
  const path = new URL(endpoint.url).pathname;
  /** Errors that were the token endpoint's invalid_scope: the application lacks a scope asked for. */
  const refusals = new WeakSet<IdentityApiError>();
  const slots = new Map<string, TokenSlot>();
  const slotFor = (scope: string): TokenSlot => {
    let slot = slots.get(scope);
    if (slot === undefined) slots.set(scope, (slot = { scope }));
    return slot;
  };

  /** The slot's cached token while it is fresh. */
  const freshOf = (slot: TokenSlot): string | undefined =>
    slot.cached !== undefined && now() < slot.cached.freshUntil ? slot.cached.token : undefined;

  async function fetchToken(slot: TokenSlot): Promise<string> {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      scope: slot.scope,
    });
    const request = new Request(endpoint.url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: form,
    });
    const signal = endpoint.clientSignal ?? new AbortController().signal;
    const response = await endpoint.post(request, signal);
    const text = await response.text();
    const attempts = attemptsFor(response);
    const redact = (s: string): string => scrub(s, [clientSecret, ...seen.values()]);
    if (!response.ok) {
      const refused = /invalid_scope/.test(text);
      // The token endpoint answers bad credentials with 400 (RFC 6749 §5.2): report them as such.
      const kind = refused ? "forbidden" : response.status === 400 ? "unauthorized" : undefined;
      const error = errorFromResponse(response, text, { method: "POST", path, attempts, redact, kind });
      if (refused) refusals.add(error);
      throw error;
    }
    let body: { access_token?: unknown; expires_in?: unknown; scope?: unknown };
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
    // RFC 6749 §5.1: `scope` is in the answer when it differs from what was asked for.
    const scopes = (typeof body.scope === "string" ? body.scope : slot.scope).split(" ").filter(Boolean);
    slot.cached = { token: body.access_token, freshUntil: now() + lifetimeMs - marginMs, scopes };
    return body.access_token;
  }

  /** The slot's token: the cached one while fresh, else one shared request for a new one. */
  function tokenOf(slot: TokenSlot, signal: AbortSignal, rejected: string | undefined): Promise<string> {
    if (rejected !== undefined && slot.cached?.token === rejected) slot.cached = undefined;
    const cached = freshOf(slot);
    if (cached !== undefined) return Promise.resolve(cached);
    if (!slot.inFlight) {
      const inFlight = fetchToken(slot).finally(() => {
        slot.inFlight = undefined;
      });
      slot.inFlight = inFlight;
      // Waiters get the outcome through raceSignal below. If every waiter has given up, nobody
      // is left to hear a failure; this handler keeps Node from treating that as a crash.
      inFlight.catch(() => undefined);
    }
    // Each caller may give up on its own; the shared request carries on for the others.
    return raceSignal(slot.inFlight, signal);
  }

  const common = {
    refreshable: true,
    secrets: () => [clientSecret, ...seen.values()],
    scopesOf: (token: string) => [...slots.values()].find((slot) => slot.cached?.token === token)?.cached?.scopes,
  };

  if (credentials.scopes !== undefined) {
    // The caller's scopes: one token for every call, whatever it needs.
    const only = slotFor(Array.isArray(credentials.scopes) ? credentials.scopes.join(" ") : credentials.scopes);
    return {
      getToken: (signal, rejected) => tokenOf(only, signal, rejected),
      fresh: () => freshOf(only),
      current: () => only.cached?.token,
      ...common,
    };
  }

  // Scopes from the contract. Which scope set answered each need; and until when a scope set the
  // token endpoint refused is not asked for again.
  const chosen = new Map<ScopeNeed, TokenSlot>();
  const refusedUntil = new Map<string, number>();
  let last: string | undefined;

  async function choose(need: ScopeNeed, signal: AbortSignal, rejected: string | undefined): Promise<string> {
    if (need.alternatives.length === 0) {
      throw new IdentityInputError(
        "credentials.scopes",
        `${need.operation} is not an operation of the contract, so the client cannot tell which scope it needs: ` +
          "pass credentials.scopes",
      );
    }
    // The scope set that answered before comes first: renewing its token needs no new choice.
    const previous = chosen.get(need);
    const candidates = need.alternatives.map((alternative) => slotFor(alternative.join(" ")));
    if (previous !== undefined) candidates.unshift(previous);
    let refusal: IdentityApiError | undefined;
    for (const slot of new Set(candidates)) {
      if (slot !== previous && (refusedUntil.get(slot.scope) ?? 0) > now()) continue;
      try {
        const token = await tokenOf(slot, signal, rejected);
        chosen.set(need, slot);
        last = token;
        return token;
      } catch (error) {
        if (!(error instanceof IdentityApiError && refusals.has(error))) throw error;
        refusal = error;
        refusedUntil.set(slot.scope, now() + REFUSED_SCOPE_MEMORY_MS);
        if (chosen.get(need) === slot) chosen.delete(need);
      }
    }
    throw notGranted(need, refusal);
  }

  /** The error of a call whose every scope alternative the application lacks. */
  function notGranted(need: ScopeNeed, refusal: IdentityApiError | undefined): IdentityApiError {
    const accepted = [...new Set(need.alternatives.flat())];
    return new IdentityApiError({
      kind: "forbidden",
      message:
        `${need.operation} needs the scope ${describeAlternatives(need.alternatives)}, and the External Application ` +
        `${clientId} was not granted ${need.alternatives.length > 1 ? "any of them" : "it"} (the token endpoint answered ` +
        "invalid_scope), so the call was not sent. Grant the scope to the application in Admin → External Applications, " +
        "then try again.",
      method: "POST",
      path,
      status: refusal?.status ?? 400,
      serverMessage: refusal?.serverMessage,
      acceptedScopes: accepted,
      attempts: refusal?.attempts ?? 1,
      cause: refusal,
    });
  }

  /** The common case, kept cheap: the scope set this operation used last still has a fresh token. */
  function fresh(need: ScopeNeed, rejected?: string): string | undefined {
    const slot = chosen.get(need);
    const token = slot === undefined ? undefined : freshOf(slot);
    if (token === undefined || token === rejected) return undefined;
    last = token;
    return token;
  }

  return {
    getToken(signal, rejected, need = ANY_OPERATION) {
      const token = fresh(need, rejected);
      return token === undefined ? choose(need, signal, rejected) : Promise.resolve(token);
    },
    fresh: (need = ANY_OPERATION) => fresh(need),
    current: () => last,
    perOperation: true,
    ...common,
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
