// What the resources share: per-call options, the openapi-fetch init that routes a call through
// the transport with its own timeout and retry mode, one paged listing's two forms, and turning
// answers into data or errors.
import type { Client } from "openapi-fetch";
import { errorFromResponse } from "../error-parsing.js";
import type { IdentityApiError, IdentityErrorKind } from "../errors.js";
import type { OrganizationSource } from "../organization.js";
import type { RetryMode } from "../retry.js";
import { scopeNeed, type OperationKey, type ScopeNeed } from "../scopes.js";
import { responseMeta } from "../response-meta.js";
import type { SendOptions, Transport } from "../transport.js";
import type { paths } from "../types.js";
import { MAX_PAGE_SIZE, paginate, type PagedIterable } from "../paging.js";
import { assertGuid, assertGuidList, assertPageSize, assertPageWindow, readTimeout } from "../validate.js";

/** The optional last argument of every method. */
export interface CallOptions {
  /** Cancels the call, including any wait for a retry or for the rate limiter. */
  signal?: AbortSignal;
  /** The organization to act on, instead of the client's default. */
  partitionGlobalId?: string;
  /** This call's per-attempt timeout, instead of the client's; 0 for none. */
  timeoutMs?: number;
}

/** The options of a method that pages lazily through a whole listing (each resource exports them under its own name). */
export interface ListOptions extends CallOptions {
  /** Page size used under the hood; default 1000, the most the service allows. */
  pageSize?: number;
}

/** Which page a one-page method fetches (each resource's page query has these). */
export interface PageWindow {
  /** Items per page, 0 to 1000 (the service's default is 10). */
  top?: number;
  skip?: number;
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
  /** The organization-level unified audit service's base (`…/{org}/orgaudit_`), when known. */
  auditBaseUrl?: string | undefined;
  /** What openapi-fetch builds each call's request with (see PlannedRequest); absent: the real Request. */
  Request?: typeof Request;
  /** The data of a successful answer, or the IdentityApiError of a failed one (see unwrap). */
  done<D>(result: FetchResult<D>): D;
}

/** A page as the service may send it: `results` can be null when there are none. */
interface ServicePage {
  totalCount: number;
  results?: unknown[] | null;
}

/** A page as the client hands it out: `results` never null. */
export type Results<P extends ServicePage> = Omit<P, "results"> & { results: NonNullable<P["results"]> };

type ItemOf<P extends ServicePage> = NonNullable<P["results"]>[number];

/**
 * One paged listing, both ways: `page` fetches one page (the window checked, the organization
 * resolved, `results` never null), `list` pages lazily through every item, its options checked at
 * once so bad input fails where the call is written, not on the first iteration. `fetchPage`
 * sends the request for one page to `op`; `query` carries whatever else the listing is filtered by.
 */
export function pagedList<Q extends PageWindow, P extends ServicePage>(
  ctx: ResourceContext,
  op: Operation,
  fetchPage: (query: Q, partitionGlobalId: string, init: CallInit) => Promise<FetchResult<P>>,
) {
  const page = async (query: Q, options: CallOptions | undefined): Promise<Results<P>> => {
    assertPageWindow(query.top, query.skip, MAX_PAGE_SIZE);
    const partitionGlobalId = await partitionOf(ctx, options, op);
    const data = ctx.done(await fetchPage(query, partitionGlobalId, callInit(ctx, options, op)));
    return { ...data, results: data.results ?? [] };
  };
  const list = (query: Q, options: ListOptions = {}): PagedIterable<ItemOf<P>> => {
    checkPartitionOption(options);
    const pageSize = assertPageSize(options.pageSize ?? MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE, "pageSize");
    return paginate((window) => page({ ...query, ...window }, options), pageSize);
  };
  return { page, list };
}

/** An operation as a resource method calls it. */
export interface Operation<P extends string = string> {
  /** Its path, for openapi-fetch. */
  readonly path: P;
  /** The scopes it accepts, from the contract. */
  readonly need: ScopeNeed;
  /** Its retry mode, when the method's is not right for it (see "Retries" in docs/client.md). */
  readonly mode?: RetryMode | undefined;
}

type PathOf<K extends string> = K extends `${string} ${infer P}` ? P : never;

/** The operation `METHOD /path` of the contract (a typo does not compile). */
export function operation<K extends OperationKey>(key: K, mode?: RetryMode): Operation<PathOf<K>> {
  return { path: key.slice(key.indexOf(" ") + 1) as PathOf<K>, need: scopeNeed(key), mode };
}

/** The organization of a call to `op` (see OrganizationSource); none: any call. */
export function partitionOf(ctx: ResourceContext, options: CallOptions | undefined, op?: Operation): Promise<string> {
  // Checked first: resolving may fetch a token, and bad input must fail before any request.
  readTimeout(options?.timeoutMs);
  return ctx.organization.resolve(options?.partitionGlobalId, options?.signal, op?.need);
}

/**
 * Checks a call's own partitionGlobalId at once, for methods that return an iterable and only
 * resolve the organization when the first page is fetched: bad input still fails where it is written.
 */
export function checkPartitionOption(options: CallOptions | undefined): void {
  if (options?.partitionGlobalId !== undefined) assertGuid(options.partitionGlobalId, "partitionGlobalId");
}

/**
 * The openapi-fetch init for one call to `op`: a fetch bound to its options, and the Request class
 * to build with. The call's signal goes to the transport, not into openapi-fetch's Request, so a
 * call without one costs no controller. `send` adds transport settings (no rate limit, a streamed
 * body) for the calls that need them.
 */
export function callInit(
  ctx: ResourceContext,
  options: CallOptions | undefined,
  op: Operation,
  send?: Pick<SendOptions, "rateLimited" | "stream">,
) {
  const timeoutMs = readTimeout(options?.timeoutMs);
  const signal = options?.signal;
  return {
    fetch: (request: Request) =>
      ctx.transport.send(request, { signal, timeoutMs, mode: op.mode, scopes: op.need, followRequestSignal: false, ...send }),
    // Per call: openapi-fetch takes `Request` from a call's options too (not in its types).
    Request: ctx.Request,
  };
}

/** What `callInit` returns: spread it into an openapi-fetch call's options. */
export type CallInit = ReturnType<typeof callInit>;

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

/** A resource's two deletes: one item by path parameter, several by a list, each its operation and request. */
export interface DeleteRequests<N extends string> {
  one: [Operation, (path: { partitionGlobalId: string } & Record<N, string>, init: CallInit) => Promise<FetchResult<unknown>>];
  many: [Operation, (ids: string[], partitionGlobalId: string, init: CallInit) => Promise<FetchResult<unknown>>];
}

/**
 * A resource's `delete` and `deleteMany`, given the path parameter that names one item (also the
 * field a bad id is reported as), the field of a bulk delete's list, and the two requests.
 * `delete` resolves when a retried attempt meets 404 (see `deleted`).
 */
export function deletes<N extends string>(ctx: ResourceContext, name: N, listName: string, requests: DeleteRequests<N>) {
  const [one, sendOne] = requests.one;
  const [many, sendMany] = requests.many;
  return {
    async delete(id: string, options?: CallOptions): Promise<void> {
      const checked = assertGuid(id, name);
      const path = { partitionGlobalId: await partitionOf(ctx, options, one), [name]: checked } as { partitionGlobalId: string } & Record<
        N,
        string
      >;
      deleted(await sendOne(path, callInit(ctx, options, one)), ctx.redact);
    },
    deleteMany: (ids: string[], options?: CallOptions) =>
      deleteMany(ctx, many, listName, ids, options, (checked, partitionGlobalId) =>
        sendMany(checked, partitionGlobalId, callInit(ctx, options, many)),
      ),
  };
}

/** Deletes the organization's items `ids` (checked first, as `field`) in one request to `op`; an empty list sends nothing. */
export async function deleteMany(
  ctx: ResourceContext,
  op: Operation,
  field: string,
  ids: unknown,
  options: CallOptions | undefined,
  send: (ids: string[], partitionGlobalId: string, init: CallInit) => Promise<FetchResult<unknown>>,
): Promise<void> {
  const checked = assertGuidList(ids, field);
  if (checked.length === 0) return;
  ctx.done(await send(checked, await partitionOf(ctx, options, op), callInit(ctx, options, op)));
}

/** The service's names for a listing's search, sort and window. */
export function searchQuery<S, O>(query: PageWindow & { search?: string; sortBy?: S; sortOrder?: O }) {
  return { searchTerm: query.search, top: query.top, skip: query.skip, sortBy: query.sortBy, sortOrder: query.sortOrder };
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
    scopes: meta?.scopes,
  });
}
