// The audit trail: the organization-level unified audit service (`orgaudit_`: events by cursor,
// the sources tree, a CSV download) and Identity's own older audit query (offset paging, a
// download). The unified service is another service than Identity, at its own base, and its calls
// skip the client's rate limiter: the limiter spends Identity's budgets, and the audit service
// publishes none (a 429 with Retry-After is still waited out and retried, as everywhere).
import { IdentityApiError, IdentityInputError } from "../errors.js";
import { MAX_PAGE_SIZE, paginate, pagedIterable, type PagedIterable } from "../paging.js";
import type { AuditEvent, AuditEventSource, AuditEventsQuery, AuditQueryRecord, AuditRecordsQuery } from "../types.js";
import { assertName, assertPageSize, assertPageWindow } from "../validate.js";
import { callInit, checkPartitionOption, operation, partitionOf, unwrap, type CallOptions, type ResourceContext } from "./shared.js";

/** The most events the unified audit service returns per call, whatever `maxCount` asks. */
export const MAX_AUDIT_PAGE_SIZE = 200;

/** An instant: a Date, or an ISO 8601 date-time (read as UTC without a zone). */
export type AuditTime = Date | string;

/** `success` (the wire's 0) or `failure` (1). */
export type AuditStatus = "success" | "failure" | 0 | 1;

/** What both the event query and the download select by; the filters combine with AND, a list's values with OR. */
export interface AuditEventFilter {
  /** Only events at or after this instant. */
  from?: AuditTime;
  /** Only events at or before this instant (the service's default: now). */
  to?: AuditTime;
  /** Source ids from `sources()` (such as Identity's). */
  sources?: string[];
  /** Target ids from `sources()`. */
  targets?: string[];
  /** Event type ids from `sources()`. */
  types?: string[];
  /** Actors: user ids, or client ids of external applications. */
  userIds?: string[];
  status?: AuditStatus;
}

export interface AuditEventQuery extends AuditEventFilter {
  /** Only events containing this text (the service's `searchTerm`). */
  search?: string;
  /**
   * `newest` first (the default, the service's own order) or `oldest` first. The service pages
   * from the newest, so `oldest` reads the whole window before yielding the first event: bound it
   * with `from`/`to`.
   */
  order?: "newest" | "oldest";
}

export interface AuditEventPageQuery extends Omit<AuditEventQuery, "order"> {
  /** Events per call, 1 upward; the service returns at most 200. */
  maxCount?: number;
  /** A cursor from an earlier page (`next` or `previous`), followed as it is; the other fields must be left out. */
  cursor?: string;
}

export interface ListAuditEventsOptions extends CallOptions {
  /** Events per call, 1 to 200; default 200, the service's cap. */
  pageSize?: number;
}

/** An audit event with its `eventDetails` parsed. */
export interface AuditEventEntry extends AuditEvent {
  /** `eventDetails` parsed from JSON; undefined when it is absent or not JSON (the text stays in `eventDetails`). */
  details: unknown;
}

/** One page of events, newest first; `previous` leads to older events, `next` to newer ones (null at the ends). */
export interface AuditEventResults {
  auditEvents: AuditEventEntry[];
  next: string | null;
  previous: string | null;
}

export interface AuditRecordQuery {
  /** Such as `createdOn`, `category` or `email`. */
  sortBy?: string;
  sortOrder?: "asc" | "desc";
  /** The language of the texts, such as `en`. */
  language?: string;
}

export interface AuditRecordPageQuery extends AuditRecordQuery {
  top?: number;
  skip?: number;
}

export interface ListAuditRecordsOptions extends CallOptions {
  /** Records per call under the hood, 1 to 1000; default 1000. */
  pageSize?: number;
}

/** A record of Identity's own audit query, with its `auditLogDetails` parsed. */
export interface AuditRecordEntry extends AuditQueryRecord {
  /** `auditLogDetails` parsed from JSON; undefined when it is absent or not JSON. */
  details: unknown;
}

export interface AuditRecordResults {
  totalCount: number;
  results: AuditRecordEntry[];
}

export interface AuditRecordsDownload {
  /** How many of the newest records (the service keeps at most 5,000). */
  size?: number;
  language?: string;
}

export interface AuditResource {
  /**
   * The organization's audit events (unified audit service), fetched lazily 200 per call by
   * following the service's cursor, each once. Scopes: PM.Audit or PM.Audit.Read.
   */
  events(query?: AuditEventQuery, options?: ListAuditEventsOptions): PagedIterable<AuditEventEntry>;
  /** One page of events with its cursors; pass a cursor back to get the page it names. */
  eventsPage(query?: AuditEventPageQuery, options?: CallOptions): Promise<AuditEventResults>;
  /** The sources, their targets and the targets' event types: the ids the filters take. */
  sources(options?: CallOptions): Promise<AuditEventSource[]>;
  /** The selected events as a CSV file, streamed as it arrives (read it, or cancel it). */
  downloadEvents(filter?: AuditEventFilter, options?: CallOptions): Promise<ReadableStream<Uint8Array>>;
  /**
   * Identity's own (older) audit query: every record, fetched lazily by offset. Scopes: PM.Audit or
   * PM.Audit.Read. Rate-limit class: GET (it is Identity's endpoint, so it spends Identity's budget).
   */
  records(query?: AuditRecordQuery, options?: ListAuditRecordsOptions): PagedIterable<AuditRecordEntry>;
  /** One page of Identity's audit records with the total count. */
  recordsPage(query?: AuditRecordPageQuery, options?: CallOptions): Promise<AuditRecordResults>;
  /** Identity's newest audit records as a file (CSV), streamed as it arrives. */
  downloadRecords(query?: AuditRecordsDownload, options?: CallOptions): Promise<ReadableStream<Uint8Array>>;
}

/** Calls to the audit service: not paced by Identity's budgets. */
const AUDIT_SERVICE = { rateLimited: false } as const;
const AUDIT_DOWNLOAD = { rateLimited: false, stream: true } as const;
const EVENTS = operation("GET /api/query/events");
const SOURCES = operation("GET /api/query/sources");
const DOWNLOAD_EVENTS = operation("GET /api/query/downloadevents");
const RECORDS = operation("GET /api/AuditQuery/{partitionGlobalId}");
const DOWNLOAD_RECORDS = operation("GET /api/AuditQuery/{partitionGlobalId}/download");
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;
const EVENTS_PATH = EVENTS.path;

/** JSON text parsed; undefined for no text or text that is not JSON. */
export function parseAuditDetails(text: string | null | undefined): unknown {
  if (typeof text !== "string" || text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function createAuditResource(ctx: ResourceContext): AuditResource {
  const auditBase = (): string => {
    if (ctx.auditBaseUrl !== undefined) return ctx.auditBaseUrl;
    throw new IdentityInputError(
      "auditBaseUrl",
      `the audit service's base cannot be derived from ${ctx.baseUrl}, which names no organization: ` +
        "pass auditBaseUrl, such as https://cloud.uipath.com/{organization}/orgaudit_",
    );
  };

  /** One page: by query, or by the query string a cursor carries (see cursorQuery). */
  const fetchEvents = async (request: { query: AuditEventsQuery } | { cursorQuery: string }, options?: CallOptions) => {
    const baseUrl = auditBase();
    const selection = "cursorQuery" in request ? { querySerializer: () => request.cursorQuery } : { params: { query: request.query } };
    const page = unwrap(
      await ctx.raw.GET(EVENTS.path, { baseUrl, ...selection, ...callInit(ctx, options, EVENTS, AUDIT_SERVICE) }),
      ctx.redact,
    );
    if (!page || !Array.isArray(page.auditEvents)) throw unusable("the answer has no auditEvents list");
    return {
      auditEvents: page.auditEvents.map(eventEntry),
      next: page.next ?? null,
      previous: page.previous ?? null,
    } satisfies AuditEventResults;
  };

  /**
   * The pages of a query, each event once (pages may overlap at a boundary), walking away from the
   * first page: by `previous` when the first page is the newest (the expected case), by `next` when
   * the service starts from the oldest instead (UiPath does not document which page comes first).
   * Stops at a null cursor, or one that comes round again.
   */
  async function* walk(query: AuditEventsQuery, options: CallOptions | undefined) {
    const seen = new Set<string>();
    const followed = new Set<string>();
    let page = await fetchEvents({ query }, options);
    const fromOldest = page.previous === null && page.next !== null;
    for (;;) {
      yield { events: page.auditEvents.filter((e) => !seen.has(e.id) && seen.add(e.id)), fromOldest };
      const cursor = fromOldest ? page.next : page.previous;
      if (cursor === null || cursor === "" || followed.has(cursor)) return;
      followed.add(cursor);
      const carried = cursorQuery(cursor, auditBase());
      if (carried === undefined) throw unusable(`the cursor ${JSON.stringify(cursor.slice(0, 200))} leads away from the events`);
      page = await fetchEvents({ cursorQuery: carried }, options);
    }
  }

  const recordsPage = async (query: AuditRecordPageQuery = {}, options?: CallOptions): Promise<AuditRecordResults> => {
    assertPageWindow(query.top, query.skip, 2_147_483_647);
    const params = recordParams(query);
    const partitionGlobalId = await partitionOf(ctx, options, RECORDS);
    const page = unwrap(
      await ctx.raw.GET(RECORDS.path, {
        params: { path: { partitionGlobalId }, query: { ...params, top: query.top, skip: query.skip } },
        ...callInit(ctx, options, RECORDS),
      }),
      ctx.redact,
    );
    return { totalCount: page.totalCount, results: (page.results ?? []).map(recordEntry) };
  };

  return {
    events(query = {}, options = {}) {
      // Checked now, not on the first iteration, so bad input fails where the call is written.
      auditBase();
      const pageSize = assertPageSize(options.pageSize ?? MAX_AUDIT_PAGE_SIZE, 1, MAX_AUDIT_PAGE_SIZE, "pageSize");
      if (query.order !== undefined && query.order !== "newest" && query.order !== "oldest") {
        throw new IdentityInputError("order", `order must be "newest" or "oldest", got ${JSON.stringify(query.order)}`);
      }
      const first = { ...eventParams(query), maxCount: pageSize };
      const oldest = query.order === "oldest";
      return pagedIterable(async function* () {
        // Newest first as the pages come, when they come from the newest; otherwise held, then put in order.
        const held: AuditEventEntry[][] = [];
        let fromOldest = false;
        for await (const page of walk(first, options)) {
          fromOldest = page.fromOldest;
          if (!oldest && !fromOldest) yield* page.events;
          else held.push(page.events);
        }
        // Each page is newest first; the pages came newest first too, unless they came from the oldest.
        const newestFirst = (fromOldest ? held.reverse() : held).flat();
        if (oldest) newestFirst.reverse();
        yield* newestFirst;
      });
    },

    async eventsPage(query = {}, options) {
      const { cursor, maxCount, ...rest } = query;
      if (cursor !== undefined) {
        if (Object.values(rest).some((v) => v !== undefined) || maxCount !== undefined) {
          throw new IdentityInputError("cursor", "a cursor carries its own query: pass the cursor alone");
        }
        const carried = cursorQuery(assertName(cursor, "cursor"), auditBase());
        if (carried === undefined) {
          throw new IdentityInputError("cursor", `${JSON.stringify(cursor.slice(0, 200))} is not a cursor of the audit service's events`);
        }
        return fetchEvents({ cursorQuery: carried }, options);
      }
      if (maxCount !== undefined) assertPageSize(maxCount, 1, 2_147_483_647, "maxCount");
      return fetchEvents({ query: { ...eventParams(rest), maxCount } }, options);
    },

    async sources(options) {
      const baseUrl = auditBase();
      const tree = unwrap(await ctx.raw.GET(SOURCES.path, { baseUrl, ...callInit(ctx, options, SOURCES, AUDIT_SERVICE) }), ctx.redact);
      if (!Array.isArray(tree)) throw unusable("the sources answer is not a list", "/api/query/sources");
      return tree;
    },

    async downloadEvents(filter = {}, options) {
      const baseUrl = auditBase();
      const query = eventParams(filter);
      const result = await ctx.raw.GET(DOWNLOAD_EVENTS.path, {
        baseUrl,
        params: { query },
        parseAs: "stream",
        ...callInit(ctx, options, DOWNLOAD_EVENTS, AUDIT_DOWNLOAD),
      });
      return unwrap(result, ctx.redact) ?? emptyStream();
    },

    records(query = {}, options = {}) {
      checkPartitionOption(options);
      recordParams(query);
      const pageSize = assertPageSize(options.pageSize ?? MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE, "pageSize");
      return paginate(async (window) => recordsPage({ ...query, ...window }, options), pageSize);
    },

    recordsPage,

    async downloadRecords(query = {}, options) {
      if (query.size !== undefined) assertPageSize(query.size, 0, 2_147_483_647, "size");
      if (query.language !== undefined) assertName(query.language, "language");
      const partitionGlobalId = await partitionOf(ctx, options, DOWNLOAD_RECORDS);
      const result = await ctx.raw.GET(DOWNLOAD_RECORDS.path, {
        params: { path: { partitionGlobalId }, query: { size: query.size, language: query.language } },
        parseAs: "stream",
        ...callInit(ctx, options, DOWNLOAD_RECORDS, { stream: true }),
      });
      return unwrap(result, ctx.redact) ?? emptyStream();
    },
  };
}

function eventEntry(event: AuditEvent): AuditEventEntry {
  return { ...event, details: parseAuditDetails(event.eventDetails) };
}

function recordEntry(record: AuditQueryRecord): AuditRecordEntry {
  return { ...record, details: parseAuditDetails(record.auditLogDetails) };
}

/** The wire query for a filter, checked. */
function eventParams(query: AuditEventQuery): AuditEventsQuery {
  const from = instant(query.from, "from");
  const to = instant(query.to, "to");
  if (from !== undefined && to !== undefined && epoch(from) > epoch(to)) {
    throw new IdentityInputError("from", `from (${from}) is after to (${to})`);
  }
  return {
    from,
    to,
    source: list(query.sources, "sources"),
    target: list(query.targets, "targets"),
    type: list(query.types, "types"),
    userIds: list(query.userIds, "userIds"),
    searchTerm: query.search === undefined ? undefined : assertName(query.search, "search"),
    status: status(query.status),
  };
}

function recordParams(query: AuditRecordQuery): Omit<AuditRecordsQuery, "top" | "skip"> {
  if (query.sortOrder !== undefined && query.sortOrder !== "asc" && query.sortOrder !== "desc") {
    throw new IdentityInputError("sortOrder", `sortOrder must be "asc" or "desc", got ${JSON.stringify(query.sortOrder)}`);
  }
  return {
    sortBy: query.sortBy === undefined ? undefined : assertName(query.sortBy, "sortBy"),
    sortOrder: query.sortOrder,
    language: query.language === undefined ? undefined : assertName(query.language, "language"),
  };
}

function instant(value: AuditTime | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  if (typeof value === "string" && TIMESTAMP.test(value) && !Number.isNaN(epoch(value))) return value;
  throw new IdentityInputError(
    field,
    `${field} must be a Date or an ISO 8601 date-time such as 2026-12-01T00:00:00Z, got ${typeof value === "string" ? JSON.stringify(value) : "an invalid value"}`,
  );
}

/** Milliseconds since 1970; a time without a zone is UTC, as the service reads it. */
function epoch(timestamp: string): number {
  return Date.parse(/(Z|[+-]\d{2}:\d{2})$/i.test(timestamp) ? timestamp : `${timestamp}Z`);
}

function list(values: string[] | undefined, field: string): string[] | undefined {
  if (values === undefined) return undefined;
  if (!Array.isArray(values)) throw new IdentityInputError(field, `${field} must be an array of ids`);
  return values.map((v, i) => assertName(v, `${field}[${i}]`));
}

function status(value: AuditStatus | undefined): 0 | 1 | undefined {
  if (value === undefined) return undefined;
  if (value === "success" || value === 0) return 0;
  if (value === "failure" || value === 1) return 1;
  throw new IdentityInputError("status", `status must be "success", "failure", 0 or 1, got ${JSON.stringify(value)}`);
}

/**
 * The query a cursor carries, to send to the events operation. Cursors are relative URLs: to the
 * service's base (`/api/query/events?…` or `api/query/events?…`), to the events path (`?…`), or
 * rooted at the host with the base's own path. Anything that would leave the audit service's
 * events operation (another host, another path) gives undefined, so the token goes nowhere else.
 */
function cursorQuery(cursor: string, auditBase: string): string | undefined {
  const base = new URL(auditBase.endsWith("/") ? auditBase : `${auditBase}/`);
  let url: URL | undefined;
  try {
    if (cursor.startsWith("?")) url = new URL(`${EVENTS_PATH.slice(1)}${cursor}`, base);
    else if (cursor.startsWith("/") && !cursor.toLowerCase().startsWith(base.pathname.toLowerCase())) url = new URL(cursor.slice(1), base);
    else url = new URL(cursor, base);
  } catch {
    url = undefined;
  }
  const events = `${base.pathname}${EVENTS_PATH.slice(1)}`.toLowerCase();
  if (url === undefined || url.origin !== base.origin || url.pathname.toLowerCase() !== events) return undefined;
  return url.search.slice(1);
}

function unusable(message: string, path: string = EVENTS_PATH): IdentityApiError {
  return new IdentityApiError({ kind: "server", message: `GET ${path}: ${message}`, method: "GET", path, attempts: 1 });
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}
