// Composition: options in, a client out. Each concern lives in its own module; this file only
// wires them together and hands the pipeline to openapi-fetch as its fetch.
import createClient, { type Client } from "openapi-fetch";
import { createTokenSource, type Credentials, type TokenSource } from "./auth.js";
import { scrub } from "./redact.js";
import { resolveAuditBaseUrl, resolveBaseUrl, tokenUrlFor, type DeploymentOptions } from "./base-url.js";
import { IdentityInputError } from "./errors.js";
import { createOrganizationSource } from "./organization.js";
import { createRateLimiter, type RateLimitOptions } from "./rate-limit.js";
import { createRedisRateLimiter, defaultRateLimitKey } from "./rate-limit-redis.js";
import { createAuditResource, type AuditResource } from "./resources/audit.js";
import { createDirectoryResource, type DirectoryResource } from "./resources/directory.js";
import { createGroupsResource, type GroupsResource } from "./resources/groups.js";
import { createRobotAccountsResource, type RobotAccountsResource } from "./resources/robot-accounts.js";
import { partitionOf, unwrap, type CallOptions, type FetchResult, type ResourceContext } from "./resources/shared.js";
import { createUsersResource, type UsersResource } from "./resources/users.js";
import { resolveRetryPolicy, type RetryOptions } from "./retry.js";
import { operationFinder } from "./scopes.js";
import { createTransport, plannedRequests, withOneRequest, type FetchFunction, type FetchWithInit, type LogHooks } from "./transport.js";
import type { paths } from "./types.js";
import { assertGuid, readTimeout } from "./validate.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface IdentityClientOptions extends DeploymentOptions, LogHooks {
  /**
   * The organization's id (partitionGlobalId), the default for every call; each call may override
   * it. Usually not needed: UiPath's access tokens name their organization (the JWT claim
   * `prt_id`), and the client reads it from there.
   */
  partitionGlobalId?: string;
  /** Client credentials, a fixed access token, or an async function returning a token. */
  credentials: Credentials;
  /** Retry settings, or false to send every request once. */
  retry?: RetryOptions | false;
  /** Client-side budgets (default: Automation Cloud's), or false for none. */
  rateLimit?: RateLimitOptions | false;
  /**
   * Per-attempt timeout in milliseconds, or 0 for none (Infinity also means none). Default 30 000.
   * A timeout can stop the request because each attempt's fetch gets a signal, which undici links
   * to its Request at a cost of some microseconds a call; with 0 and no `signal`, fetch gets none.
   */
  timeoutMs?: number;
  /** Aborting it cancels every call of this client. */
  signal?: AbortSignal;
  /**
   * The fetch to send with (for a proxy, say), called with one Request that carries the headers,
   * body and signal of each attempt (no signal when there is no timeout and no `signal`).
   * Default: globalThis.fetch, called as `fetchWithInit` is.
   */
  fetch?: FetchFunction;
  /**
   * Instead of `fetch`: a fetch called as `fetch(request, init)`, the platform's own signature,
   * where `init` carries each attempt's headers, body and signal to use instead of the request's.
   * Cheaper than `fetch`: no Request is built for it, while a Request that carries the attempt's
   * timeout signal costs 10–30 µs of CPU on Node (its constructor links the signal); undici's
   * `fetch` with a dispatcher fits.
   */
  fetchWithInit?: FetchWithInit;
  /** Appended to the User-Agent, e.g. "my-sync-job/2.1". */
  userAgent?: string;
}

export interface IdentityClient {
  groups: GroupsResource;
  robotAccounts: RobotAccountsResource;
  /** Users (scopes PM.User, or PM.User.Read / PM.User.Write). */
  users: UsersResource;
  /** Directory lookups (scopes PM.Directory or PM.Directory.Read). */
  directory: DirectoryResource;
  /**
   * The audit trail needs PM.Audit or PM.Audit.Read: add one to `credentials.scopes`. Its unified
   * service lives at `auditBaseUrl` and is not paced by the client's rate limiter (Identity's budgets).
   */
  audit: AuditResource;
  /**
   * The organization calls act on: the `partitionGlobalId` option, else the one the access token
   * names (fetching a token if none is cached yet).
   */
  partitionGlobalId(options?: Pick<CallOptions, "partitionGlobalId" | "signal">): Promise<string>;
  /** The underlying openapi-fetch client, with the same auth, limits, retries, timeouts and hooks. */
  raw: Client<paths>;
  /** `unwrap(await client.raw.GET(...))`: the data, or an IdentityApiError (secrets scrubbed). */
  unwrap<D>(result: FetchResult<D>): D;
  /** The API base URL in use. */
  readonly baseUrl: string;
  /** The unified audit service's base in use (`…/{org}/orgaudit_`); undefined when the API base names no organization. */
  readonly auditBaseUrl: string | undefined;
  /**
   * How long the client-side rate limiter will hold back `count` more requests of this method
   * (GET, POST, PUT, PATCH, DELETE), by its schedule: an ETA for long jobs. 0 without limits;
   * undefined when the budget is shared elsewhere (Redis) and the schedule is not known here.
   */
  rateLimitDelayMs(method: string, count: number): number | undefined;
}

export function createIdentityClient(options: IdentityClientOptions): IdentityClient {
  const baseUrl = resolveBaseUrl(options);
  const auditBaseUrl = resolveAuditBaseUrl(options, baseUrl);
  const partitionGlobalId =
    options.partitionGlobalId === undefined ? undefined : assertGuid(options.partitionGlobalId, "partitionGlobalId");
  const timeoutMs = readTimeout(options.timeoutMs) ?? DEFAULT_TIMEOUT_MS;
  if (options.credentials === undefined || options.credentials === null) {
    throw new IdentityInputError("credentials", "credentials are required: { clientId, clientSecret }, { accessToken } or a function");
  }
  const userAgent = `${PACKAGE_NAME}/${PACKAGE_VERSION}${options.userAgent ? ` ${options.userAgent}` : ""}`;
  if (options.fetch !== undefined && options.fetchWithInit !== undefined) {
    throw new IdentityInputError("fetch", "pass fetch or fetchWithInit, not both");
  }
  // globalThis.fetch is looked up per call, so a fetch installed later (a test's, say) is used.
  const baseFetch: FetchWithInit =
    options.fetchWithInit ?? (options.fetch ? withOneRequest(options.fetch) : (request, init) => globalThis.fetch(request, init));

  // Set below: the token source and the transport each need the other.
  // eslint-disable-next-line prefer-const
  let tokens: TokenSource | undefined;
  const limiter =
    options.rateLimit === false
      ? undefined
      : options.rateLimit?.redis !== undefined
        ? // The organization may come from the token, known only once one is fetched (before any booking).
          createRedisRateLimiter(options.rateLimit, () =>
            organization.resolve(undefined).then(
              (id) => defaultRateLimitKey(baseUrl, id),
              () => defaultRateLimitKey(baseUrl, partitionGlobalId),
            ),
          )
        : createRateLimiter(options.rateLimit ?? {});
  const transport = createTransport({
    fetch: baseFetch,
    tokens: () => tokens as TokenSource,
    limiter,
    retry: resolveRetryPolicy(options.retry),
    timeoutMs,
    clientSignal: options.signal,
    userAgent,
    hooks: { onRequest: options.onRequest, onResponse: options.onResponse, onRetry: options.onRetry },
    operationOf: operationFinder(baseUrl),
  });
  tokens = createTokenSource(options.credentials, {
    url: tokenUrlFor(baseUrl),
    // A token request changes nothing on the server, so it is retried like a GET.
    post: (request, signal) => transport.send(request, { signal, authenticate: false, rateLimited: false, mode: "idempotent" }),
    clientSignal: options.signal,
  });
  const source = tokens;
  const redact = (text: string): string => scrub(text, source.secrets());

  const raw = createClient<paths>({ baseUrl, fetch: (request) => transport.send(request) });
  // Middleware registered on the raw client sees each request, so from then on the resource
  // methods give it real Requests rather than PlannedRequests.
  let middleware = false;
  const use = raw.use.bind(raw);
  raw.use = (...added) => {
    middleware = true;
    use(...added);
  };
  const organization = createOrganizationSource(partitionGlobalId, () => source);
  const ctx: ResourceContext = {
    raw,
    transport,
    organization,
    redact,
    baseUrl,
    auditBaseUrl,
    Request: plannedRequests(() => middleware),
    done: (result) => unwrap(result, redact),
  };
  return {
    groups: createGroupsResource(ctx),
    robotAccounts: createRobotAccountsResource(ctx),
    users: createUsersResource(ctx),
    directory: createDirectoryResource(ctx),
    audit: createAuditResource(ctx),
    partitionGlobalId: (options) => partitionOf(ctx, options),
    raw,
    unwrap: (result) => unwrap(result, redact),
    baseUrl,
    auditBaseUrl,
    rateLimitDelayMs: (method, count) => (limiter === undefined ? 0 : limiter.delayMs?.(method, count)),
  };
}
