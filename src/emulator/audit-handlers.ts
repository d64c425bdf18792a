// The audit reads: the unified audit service's events, sources and CSV download (under the
// organization's orgaudit_ base) and Identity's AuditQuery with its download (under identity_).
// Requests reach these authorized and validated against the document, like every other handler.
import type { AuditLog, EventQuery } from "./audit-log.js";
import { toCsv } from "./audit-log.js";
import { auditSources } from "./audit-writes.js";
import { derefWithPointer, resolvePointer, type JsonObject } from "./document.js";
import { invalid } from "./errors.js";
import { json, type Reply } from "./responses.js";

export interface AuditReadContext {
  log: AuditLog;
  partitionGlobalId: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  /** The columns of the CSV downloads: the fields of the contract's AuditEvent and AuditQueryRecord, in order. */
  csvFields: { events: string[]; records: string[] };
}

type AuditRead = (ctx: AuditReadContext) => Reply;

// The values arrive validated against the document: strings, numbers and arrays of strings.
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined);
const optional = (v: unknown) => (typeof v === "string" ? v : undefined);
const number = (v: unknown) => (typeof v === "number" ? v : undefined);

function filterOf(q: Record<string, unknown>): EventQuery {
  const from = optional(q.from);
  const to = optional(q.to);
  if (from !== undefined && to !== undefined && Date.parse(withZone(from)) > Date.parse(withZone(to))) {
    // Inferred: a window that ends before it starts is a bad request, as a binder's range check would be.
    throw invalid("from", `The start of the interval ('${from}') is after its end ('${to}').`);
  }
  return {
    from,
    to,
    source: strings(q.source),
    target: strings(q.target),
    type: strings(q.type),
    userIds: strings(q.userIds),
    searchTerm: optional(q.searchTerm),
    status: number(q.status),
  };
}

const withZone = (t: string) => (/(Z|[+-]\d{2}:\d{2})$/i.test(t) ? t : `${t}Z`);

function requirePartition(ctx: AuditReadContext): void {
  const given = optional(ctx.params.partitionGlobalId) ?? "";
  if (given.toLowerCase() !== ctx.partitionGlobalId.toLowerCase()) {
    throw invalid("partitionGlobalId", `InvalidPartition: '${given}' is not the id of this organization.`);
  }
}

function file(csv: string, contentType: string, name: string): Reply {
  return { status: 200, headers: { "content-type": contentType, "content-disposition": `attachment; filename="${name}"` }, body: csv };
}

export const AUDIT_READS: Record<string, AuditRead> = {
  listAuditEvents(ctx) {
    const q = ctx.query;
    return json(
      200,
      ctx.log.query({
        ...filterOf(q),
        maxCount: number(q.maxCount),
        before: optional(q.before),
        beforeId: optional(q.beforeId),
        qw: optional(q.qw),
      }),
    );
  },
  listAuditEventSources() {
    return json(200, auditSources());
  },
  downloadAuditEvents(ctx) {
    return file(toCsv(ctx.log.download(filterOf(ctx.query)), ctx.csvFields.events), "text/csv; charset=utf-8", "audit-events.csv");
  },
  queryAuditRecords(ctx) {
    requirePartition(ctx);
    const q = ctx.query;
    return json(
      200,
      ctx.log.records({
        top: number(q.top) ?? 10,
        skip: number(q.skip) ?? 0,
        sortBy: optional(q.sortBy),
        sortOrder: q.sortOrder as "asc" | "desc" | undefined,
      }),
    );
  },
  downloadAuditRecords(ctx) {
    requirePartition(ctx);
    const size = number(ctx.query.size) ?? Number.MAX_SAFE_INTEGER;
    return file(toCsv(ctx.log.newestRecords(size), ctx.csvFields.records), "application/octet-stream", "audit-log.csv");
  },
};

/** The CSV columns: each schema's properties in order, an object property as `name.field` columns. */
export function csvFieldsOf(doc: JsonObject): { events: string[]; records: string[] } {
  const fields = (name: string): string[] => {
    const schema = derefWithPointer(doc, resolvePointer(doc, `#/components/schemas/${name}`), "").node;
    return Object.entries((schema.properties ?? {}) as Record<string, JsonObject>).flatMap(([key, raw]) => {
      const property = derefWithPointer(doc, raw, "").node;
      const nested = property.properties as Record<string, unknown> | undefined;
      return nested ? Object.keys(nested).map((sub) => `${key}.${sub}`) : [key];
    });
  };
  return { events: fields("AuditEvent"), records: fields("AuditQueryRecord") };
}
