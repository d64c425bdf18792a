/**
 * Typed client for UiPath's Platform Management (Identity) API: Groups, Robot Accounts, Users,
 * directory lookups and the audit trail.
 *
 * ```ts
 * const pm = createIdentityClient({
 *   organization: "acme",                           // Automation Cloud; or baseUrl for Suite/standalone
 *   credentials: { clientId, clientSecret },       // scopes: per call, from the contract
 * });
 * const ron = await pm.users.findByEmail("ron.weasley@hogwarts.example");
 * const group = await pm.groups.create({ name: "Gryffindors", memberIds: [ron.id] });
 * for await (const robot of pm.robotAccounts.list({ search: "Roby" })) console.log(robot.name);
 * ```
 *
 * Defaults, and why:
 * - Base URL: `https://{region}/{organization}/identity_` with region `cloud.uipath.com`, the
 *   organization-level form that works for every Cloud organization (the host-level form fails
 *   on newer ones). Token endpoint: `{baseUrl}/connect/token` on every deployment.
 * - Scopes: without `credentials.scopes`, each call asks for a scope its operation accepts, from
 *   the contract (generated/scopes.js): the broad one (`PM.Group`) first, the narrow one the call
 *   accepts when the application was not granted it; one cached token per scope set; what the
 *   application lacks is remembered for 5 minutes, and a call it lacks every scope for fails
 *   before anything is sent, naming the scope and where to grant it (docs/client.md: "Methods and the
 *   scopes they need"). With `credentials.scopes`: one token with exactly those, for every call.
 * - Organization: `partitionGlobalId` may be left out; the client reads it from the access token
 *   (the JWT claim `prt_id`, no extra request). An explicit id that differs from the token's is
 *   refused before sending, since the service would refuse it too.
 * - Token cache: until 60 s before `expires_in` runs out (halfway for tokens living under two
 *   minutes; 5 minutes when the answer has no lifetime),
 *   so a token never lapses mid-request; one token request at a time; on a 401 the token is
 *   renewed once and the request re-sent once.
 * - Timeout: 30 s per attempt (connect, headers and body), generous for one page of 1000 while
 *   still catching a hung connection.
 * - Retries: 4 attempts in all; backoff 500 ms doubling to at most 20 s, half of each step random
 *   (equal jitter) so parallel clients spread out; `Retry-After` honoured up to 60 s. What is
 *   retried, for which request, and what a repeat that meets its own first attempt returns: one
 *   table, the "Retries" section of docs/client.md, kept true by test/client/retry.test.ts.
 * - Rate limits: on, with Automation Cloud's documented budgets per five minutes (GET 300,
 *   POST 24 000, PUT/PATCH/DELETE 160 each), per client instance, as a sliding window, so a bulk
 *   job goes as fast as the service allows without 429s. A used slot is reused only after the
 *   window plus a margin (a hundredth of the window, from 25 ms to 2 s), because the service counts
 *   arrivals and requests do not all travel equally fast. Set `rateLimit: false` or your own
 *   budgets for Automation Suite / standalone, which document none. Several clients (or
 *   processes) for one organization share the service's budget but not this limiter, unless
 *   `rateLimit.redis` puts the bookings in Redis, where they share one (see rate-limit-redis.ts).
 * - Paging: pages of 1000, the service's maximum, fetched lazily; `deleteMany([])` sends nothing.
 *   Audit events: 200 per call (the audit service's cap), following its cursor.
 * - Audit: `pm.audit` needs PM.Audit or PM.Audit.Read. The unified audit service is another
 *   service (`…/{organization}/orgaudit_`, derived from the base URL, or `auditBaseUrl`) that
 *   publishes no rate limits, so its calls skip the client's limiter (Identity's budgets); a 429
 *   with Retry-After is retried as anywhere. Identity's own AuditQuery is paced as a GET.
 * - Errors: HTTP failures, network failures, timeouts and aborts all throw IdentityApiError (see
 *   `kind`); bad input throws IdentityInputError before any request. The raw client keeps
 *   openapi-fetch's `{ data, error, response }` for HTTP failures (`client.unwrap` converts it).
 *   An error thrown by your own token provider reaches you unchanged.
 * - Plain `http://` only to loopback hosts unless `allowInsecureHttp: true`.
 * - User-Agent: `uipath-identity-toolkit/{version}` plus the optional `userAgent` suffix.
 */
export { createIdentityClient, DEFAULT_TIMEOUT_MS } from "./client.js";
export type { IdentityClient, IdentityClientOptions } from "./client.js";
export { IdentityApiError, IdentityInputError, IdentityLookupError } from "./errors.js";
export type { IdentityErrorKind, LookupCandidate } from "./errors.js";
export { DEFAULT_SCOPES } from "./auth.js";
export type { ClientCredentials, Credentials, StaticToken, TokenProvider, TokenRequestContext } from "./auth.js";
export { DEFAULT_RETRY } from "./retry.js";
export type { RetryOptions } from "./retry.js";
export { AUTOMATION_CLOUD_RATE_LIMITS, defaultMarginMs } from "./rate-limit.js";
export type { RateLimitOptions, LimitedMethod, RedisStatusEvent } from "./rate-limit.js";
export { MAX_PAGE_SIZE } from "./paging.js";
export type { PagedIterable } from "./paging.js";
export type { LogHooks, RequestLogEvent, ResponseLogEvent, RetryLogEvent, FetchFunction, FetchWithInit } from "./transport.js";
export { unwrap } from "./resources/shared.js";
export type { CallOptions, FetchResult } from "./resources/shared.js";
export type * from "./resources/groups.js";
export type * from "./resources/robot-accounts.js";
export type * from "./resources/users.js";
export type * from "./resources/directory.js";
export { MAX_AUDIT_PAGE_SIZE, parseAuditDetails } from "./resources/audit.js";
export type * from "./resources/audit.js";
export type * from "./types.js";
export { isGuid } from "./validate.js";
export { USER_TYPE_NAMES, userTypeName } from "./user-type.js";
export type { UserTypeName } from "./user-type.js";
export { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";
