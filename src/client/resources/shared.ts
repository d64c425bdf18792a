// What both resources share: per-call options, the openapi-fetch init that routes a call
// through the transport with its own timeout and retry mode, and turning answers into errors.
import type { Client } from "openapi-fetch";
import { errorFromResponse } from "../error-parsing.js";
import { IdentityInputError, type IdentityApiError, type IdentityErrorKind } from "../errors.js";
import type { OrganizationSource } from "../organization.js";
import type { RetryMode } from "../retry.js";
import { responseMeta } from "../response-meta.js";
import type { Transport } from "../transport.js";
import type { paths } from "../types.js";
import { assertGuid } from "../validate.js";

/** The optional last argument of every method. */
export interface CallOptions {
  /** Cancels the call, including any wait for a retry or for the rate limiter. */
  signal?: AbortSignal;
  /** The organization to act on, instead of the client's default. */
  partitionGlobalId?: string;
  /** This call's per-attempt timeout, instead of the client's. */
  timeoutMs?: number;
}

export interface ResourceContext {
  raw: Client<paths>;
  transport: Transport;
  /** Which organization a call acts on: the call's or client's partitionGlobalId, else the token's. */
  organization: OrganizationSource;
  /** Scrubs known secrets from server text. */
  redact: (text: string) => string;
  /** The API base URL (for links the service wants built from it). */
  baseUrl: string;
  /** What openapi-fetch builds each call's request with (see PlannedRequest); absent: the real Request. */
  Request?: typeof Request;
}

/** The organization of a call (see OrganizationSource). */
export function partitionOf(ctx: ResourceContext, options: CallOptions | undefined): Promise<string> {
  // Checked first: resolving may fetch a token, and bad input must fail before any request.
  assertTimeout(options?.timeoutMs);
  return ctx.organization.resolve(options?.partitionGlobalId, options?.signal);
}

/**
 * Checks a call's own partitionGlobalId at once, for methods that return an iterable and only
 * resolve the organization when the first page is fetched: bad input still fails where it is written.
 */
export function checkPartitionOption(options: CallOptions | undefined): void {
  if (options?.partitionGlobalId !== undefined) assertGuid(options.partitionGlobalId, "partitionGlobalId");
}

/**
 * The openapi-fetch init for one call: a fetch bound to its options, and the Request class to
 * build with. The call's signal goes to the transport, not into openapi-fetch's Request, so a
 * call without one costs no controller.
 */
export function callInit(ctx: ResourceContext, options: CallOptions | undefined, mode?: RetryMode) {
  const timeoutMs = options?.timeoutMs;
  assertTimeout(timeoutMs);
  const signal = options?.signal;
  return {
    fetch: (request: Request) => ctx.transport.send(request, { signal, timeoutMs, mode, followRequestSignal: false }),
    // Per call: openapi-fetch takes `Request` from a call's options too (not in its types).
    Request: ctx.Request,
  };
}

function assertTimeout(timeoutMs: number | undefined): void {
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new IdentityInputError("timeoutMs", "timeoutMs must be a positive number of milliseconds");
  }
}

export interface FetchResult<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/**
 * The data of a successful openapi-fetch result, or an IdentityApiError built from the failed
 * one. Also useful with the raw client: `unwrap(await client.raw.GET(...))`.
 */
export function unwrap<D>(result: FetchResult<D>, redact: (text: string) => string = (t) => t): D {
  if (result.response.ok) return result.data as D;
  throw errorOf(result, redact);
}

/**
 * The outcome of deleting one item. A 404 that follows a retry means an earlier attempt deleted
 * it and only its answer was lost, so the delete did what was asked; a 404 on the first attempt
 * still throws, since the item never existed.
 */
export function deleted(result: FetchResult<unknown>, redact: (text: string) => string): void {
  if (result.response.ok) return;
  const error = errorOf(result, redact);
  if (error.kind === "not_found" && error.attempts > 1) return;
  throw error;
}

interface IdentityResultLike {
  succeeded?: boolean;
  errors?: unknown;
}

/**
 * The data of a call whose answer carries an identity result (`result` picks it out of the body).
 * The service reports a refused identity operation with `succeeded: false`, usually with 400 but
 * not only, so the flag is read whatever the status.
 */
export function identityOutcome<D>(
  result: FetchResult<D>,
  redact: (text: string) => string,
  pick: (data: D) => IdentityResultLike | undefined = (data) => data as IdentityResultLike,
): D {
  const data = unwrap(result, redact);
  const outcome = data === undefined || data === null ? undefined : pick(data);
  if (outcome?.succeeded === false) throw errorOf({ ...result, error: outcome }, redact, "validation");
  return data;
}

/** The IdentityApiError for a failed openapi-fetch result. */
export function errorOf(
  result: FetchResult<unknown>,
  redact: (text: string) => string = (t) => t,
  kind?: IdentityErrorKind,
): IdentityApiError {
  const meta = responseMeta(result.response);
  const url = new URL(result.response.url || "http://unknown/");
  return errorFromResponse(result.response, result.error, {
    method: meta?.method ?? "?",
    path: meta?.path ?? url.pathname,
    attempts: meta?.attempts ?? 1,
    redact,
    kind,
  });
}
