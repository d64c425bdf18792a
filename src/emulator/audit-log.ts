// One organization's audit log: the events its writes recorded, and the two ways the service
// reads them back: the unified audit service's query (filters, newest first, cursor paging, CSV)
// and Identity's older AuditQuery (offset paging and sorting, a CSV download).
import { randomUUID } from "node:crypto";
import type { components } from "../../generated/schema.js";
import { order, page, timeValue } from "./listing.js";

type Schemas = components["schemas"];
export type AuditEvent = Schemas["AuditEvent"];

/** An event as written, before the log gives it an id and the organization's fields. */
export type NewAuditEvent = Omit<AuditEvent, "id" | "organizationId" | "organizationName" | "tenantId" | "tenantName">;

/** The most events one call returns, whatever `maxCount` asks (the live service's cap). */
export const AUDIT_PAGE_CAP = 200;
/** The most rows a download holds (UiPath's admin guide: exports of up to 100,000 rows). */
export const DOWNLOAD_CAP = 100_000;
/** The classic download keeps the last 5,000 entries. */
export const RECORDS_DOWNLOAD_CAP = 5_000;

export interface EventFilter {
  from?: string | undefined;
  to?: string | undefined;
  /** Source, target and type ids (or names) from the sources tree. */
  source?: string[] | undefined;
  target?: string[] | undefined;
  type?: string[] | undefined;
  userIds?: string[] | undefined;
  searchTerm?: string | undefined;
  status?: number | undefined;
}

export interface EventQuery extends EventFilter {
  maxCount?: number | undefined;
  before?: string | undefined;
  beforeId?: string | undefined;
  /** The opaque rest of a cursor's query. */
  qw?: string | undefined;
}

interface Stored {
  event: AuditEvent;
  /** createdOn in nanoseconds, then the order of recording: the log's total order. */
  time: bigint;
  seq: number;
}

/** A position in the log's order; events strictly older (or newer) than it are selected. */
interface Bound {
  time: bigint;
  seq: number;
}

/** What a cursor's `qw` carries: the filters, and for a `next` page the bound it starts above. */
interface CarriedQuery extends EventFilter {
  after?: [string, string];
}

export class AuditLog {
  /** Oldest first, by (time, seq). */
  private readonly stored: Stored[] = [];
  private readonly byId = new Map<string, Stored>();
  private seq = 0;

  constructor(
    private readonly organization: { name: string; partitionGlobalId: string },
    /** Maps a filter value (an id or a name from the sources tree) to the names it stands for, lower-cased. */
    private readonly namesFor: (value: string) => string[],
    private readonly now: () => number,
  ) {}

  append(events: NewAuditEvent[]): void {
    for (const e of events) {
      // The wire's field order: the one the contract's AuditEvent lists.
      const { createdOn, ...rest } = e;
      const event: AuditEvent = {
        id: randomUUID(),
        createdOn,
        organizationId: this.organization.partitionGlobalId,
        organizationName: this.organization.name,
        tenantId: null,
        tenantName: null,
        ...rest,
      };
      const stored: Stored = { event, time: timeValue(event.createdOn) ?? 0n, seq: ++this.seq };
      // Usually the newest: a clock that goes back (a test's) is the only reason to search.
      let at = this.stored.length;
      while (at > 0 && compare(this.stored[at - 1]!, stored) > 0) at--;
      this.stored.splice(at, 0, stored);
      this.byId.set(event.id, stored);
    }
  }

  /** Every event, oldest first, as copies. */
  all(): AuditEvent[] {
    return structuredClone(this.stored.map((s) => s.event));
  }

  /** The unified service's query: one page, newest first, with cursors to older and newer pages. */
  query(q: EventQuery): Schemas["AuditEventPage"] {
    const carried = q.qw === undefined ? {} : decodeCarried(q.qw);
    const filter: EventFilter = q.qw === undefined ? q : { ...carried, to: q.to ?? carried.to };
    const to = filter.to ?? new Date(this.now()).toISOString();
    const selected = this.select({ ...filter, to });
    const maxCount = Math.min(q.maxCount ?? AUDIT_PAGE_CAP, AUDIT_PAGE_CAP);
    let events: Stored[];
    const after = carried.after && this.bound(carried.after[0], carried.after[1]);
    if (after) {
      // A `next` page: the oldest maxCount events above the bound, shown newest first.
      events = selected.filter((s) => compare(s, after) > 0).slice(0, maxCount);
    } else {
      const before = q.before === undefined ? undefined : this.bound(q.before, q.beforeId);
      const older = before ? selected.filter((s) => compare(s, before) < 0) : selected;
      events = older.slice(-maxCount);
    }
    events.reverse();
    const newest = events[0];
    const oldest = events.at(-1);
    const keep: CarriedQuery = { ...withoutCursor(filter), to };
    const link = (params: Record<string, string>) =>
      `/api/query/events?${new URLSearchParams({ to, ...params, maxCount: String(maxCount) }).toString()}`;
    return {
      auditEvents: events.map((s) => structuredClone(s.event)),
      previous:
        oldest && selected.some((s) => compare(s, oldest) < 0)
          ? link({ before: oldest.event.createdOn, beforeId: oldest.event.id, qw: encodeCarried(keep) })
          : null,
      next:
        newest && selected.some((s) => compare(s, newest) > 0)
          ? link({ qw: encodeCarried({ ...keep, after: [newest.event.createdOn, newest.event.id] }) })
          : null,
    };
  }

  /** The selected events, newest first, for a download (at most 100,000). */
  download(filter: EventFilter): AuditEvent[] {
    return this.select(filter)
      .slice(-DOWNLOAD_CAP)
      .reverse()
      .map((s) => s.event);
  }

  /** Identity's AuditQuery: every event as a record, sorted (default newest first), one page. */
  records(q: { top: number; skip: number; sortBy?: string | undefined; sortOrder?: "asc" | "desc" | undefined }) {
    const key = q.sortBy ? RECORD_SORT[q.sortBy.toLowerCase()] : undefined;
    // `order` breaks ties by id; without a key it keeps the log's order (oldest first) or reverses it.
    const rows = this.stored.map((s) => ({ id: s.event.id, s }));
    const sorted = key ? order(rows, (r) => key(r.s), q.sortOrder) : order(rows, undefined, q.sortOrder ?? "desc");
    return page(sorted, q.skip, q.top, (r) => recordOf(r.s.event));
  }

  /** The newest `size` records (at most 5,000), newest first. */
  newestRecords(size: number): Schemas["AuditQueryRecord"][] {
    return this.stored
      .slice(-Math.min(size, RECORDS_DOWNLOAD_CAP))
      .reverse()
      .map((s) => recordOf(s.event));
  }

  /** The events the filter selects, oldest first. */
  private select(f: EventFilter): Stored[] {
    const from = f.from === undefined ? undefined : timeValue(f.from);
    const to = f.to === undefined ? undefined : timeValue(f.to);
    const names = (values: string[] | undefined) => (values === undefined ? undefined : new Set(values.flatMap(this.namesFor)));
    const sources = names(f.source);
    const targets = names(f.target);
    const types = names(f.type);
    const actors = f.userIds && new Set(f.userIds.map((u) => u.toLowerCase()));
    const term = f.searchTerm?.trim().toLowerCase();
    return this.stored.filter(({ event: e, time }) => {
      if ((from !== undefined && from !== null && time < from) || (to !== undefined && to !== null && time > to)) return false;
      if (sources && !sources.has((e.eventSource ?? "").toLowerCase())) return false;
      if (targets && !targets.has((e.eventTarget ?? "").toLowerCase())) return false;
      if (types && !types.has((e.eventType ?? "").toLowerCase())) return false;
      if (actors && !actors.has((e.actorId ?? "").toLowerCase())) return false;
      if (f.status !== undefined && e.status !== f.status) return false;
      if (term && !SEARCHED.some((field) => (e[field] ?? "").toLowerCase().includes(term))) return false;
      return true;
    });
  }

  /** The position of (createdOn, id); an unknown id puts it after every event of that instant, so nothing is skipped. */
  private bound(createdOn: string, id: string | undefined): Bound | undefined {
    const time = timeValue(createdOn);
    if (time === null) return undefined;
    const known = id === undefined ? undefined : this.byId.get(id);
    return { time, seq: known && known.time === time ? known.seq : Number.MAX_SAFE_INTEGER };
  }
}

/** Where `searchTerm` is looked for (the live service does not say), ignoring case. */
const SEARCHED = ["eventSummary", "eventDetails", "actorName", "actorEmail", "eventType", "eventTarget", "eventSource"] as const;

const RECORD_SORT: Record<string, (s: Stored) => string | bigint | null> = {
  createdon: (s) => s.time,
  category: (s) => s.event.eventTarget ?? null,
  action: (s) => s.event.eventType ?? null,
  email: (s) => s.event.actorEmail ?? null,
  username: (s) => s.event.actorName ?? null,
  source: (s) => s.event.eventSource ?? null,
  message: (s) => s.event.eventSummary ?? null,
};

function compare(a: Bound, b: Bound): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : a.seq - b.seq;
}

function withoutCursor(f: EventFilter): EventFilter {
  const { from, source, target, type, userIds, searchTerm, status } = f;
  return { from, source, target, type, userIds, searchTerm, status };
}

function encodeCarried(q: CarriedQuery): string {
  return Buffer.from(JSON.stringify(q)).toString("base64url");
}

/** A `qw` that is not the emulator's own selects as if it were absent (no filters), rather than failing. */
function decodeCarried(qw: string): CarriedQuery {
  try {
    const value = JSON.parse(Buffer.from(qw, "base64url").toString("utf8")) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

/** An event as Identity's AuditQuery shows it. */
export function recordOf(e: AuditEvent): Schemas["AuditQueryRecord"] {
  return {
    createdOn: e.createdOn,
    category: e.eventTarget ?? null,
    action: e.eventType ?? null,
    auditLogDetails: e.eventDetails ?? null,
    userName: e.actorName ?? null,
    email: e.actorEmail ?? null,
    message: e.eventSummary ?? null,
    detailsVersion: "1",
    source: e.eventSource ?? null,
  };
}

/** RFC 4180 CSV: a header of the given fields (`a.b` reads a nested field), then one line per row. */
export function toCsv(rows: object[], fields: string[]): string {
  const cell = (value: unknown): string => {
    const text = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const read = (row: object, field: string): unknown =>
    field.split(".").reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), row);
  return [fields.join(","), ...rows.map((row) => fields.map((f) => cell(read(row, f))).join(","))].join("\r\n") + "\r\n";
}
