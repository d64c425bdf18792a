// `audit sources|events|export`: the organization's audit trail, read from the unified audit
// service. Filters take names from the sources tree (or its ids); times take instants or
// durations back from now. `export` writes a file whole or not at all, and with `--checkpoint`
// continues where the last run stopped, each event exactly once (see audit-export.ts).
import { existsSync, readFileSync, renameSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Option, type Command } from "@commander-js/extra-typings";
import type { AuditEvent, AuditEventEntry, AuditEventQuery, AuditEventSource, IdentityClient } from "../../client/index.js";
import { ExportCheckpoint, PartialFile, temporaryPathFor } from "../audit-export.js";
import type { CliContext } from "../context.js";
import { UsageError } from "../failures.js";
import { dataLines, render, type Column } from "../output.js";
import { parseDuration, parseInstant } from "../times.js";
import { take, type Act } from "./shared.js";

/** `audit events` shows one call's worth unless told otherwise; uip's own limit goes to 10,000, ours to an export's 100,000. */
const DEFAULT_EVENTS = 200;
const MAX_EVENTS = 100_000;

interface FilterFlags {
  from?: string;
  to?: string;
  since?: string;
  source?: string[];
  target?: string[];
  type?: string[];
  userId?: string[];
  status?: string;
  search?: string;
}

/** The options `events` and `export` share. */
function filterOptions(): Option[] {
  return [
    new Option("--from <time>", "only events at or after this: 2026-12-01T10:00:00Z, 2026-12-01 (UTC) or a duration back (24h, 7d)"),
    new Option("--to <time>", "only events at or before this (same forms; default: now)"),
    new Option("--since <duration>", "the same as --from, for a duration back from now: 30m, 24h, 7d").conflicts("from"),
    new Option("--source <source...>", "only these sources, by name or id (audit sources lists them), such as Identity"),
    new Option("--target <target...>", "only these targets, by name or id, such as Group"),
    new Option("--type <type...>", 'only these event types, by name or id, such as "Group Updated"'),
    new Option("--user-id <id...>", "only what these actors did (user ids, or client ids of external applications)"),
    new Option("--status <status>", "only events that succeeded or failed: success, failure, 0 or 1"),
    new Option("--search <text>", "only events containing the text"),
  ];
}

const COLUMNS: Column<AuditEventEntry>[] = [
  { header: "TIME", value: (e) => e.createdOn },
  { header: "STATUS", value: (e) => statusLabel(e.status) },
  { header: "SOURCE", value: (e) => e.eventSource },
  { header: "TARGET", value: (e) => e.eventTarget },
  { header: "TYPE", value: (e) => e.eventType },
  { header: "ACTOR", value: (e) => e.actorName ?? e.actorEmail ?? e.actorId },
  { header: "SUMMARY", value: (e) => e.eventSummary },
];

interface SourceRow {
  source: string;
  target: string;
  type: string;
  id: string;
}

const SOURCE_COLUMNS: Column<SourceRow>[] = [
  { header: "SOURCE", value: (r) => r.source },
  { header: "TARGET", value: (r) => r.target },
  { header: "TYPE", value: (r) => r.type },
  { header: "TYPE ID", value: (r) => r.id },
];

export function registerAudit(program: Command, act: Act): void {
  const audit = program
    .command("audit")
    .description("Read the organization's audit trail: who changed what, and when (scope PM.Audit or PM.Audit.Read).");

  audit
    .command("sources")
    .description("List the audit sources, their targets and event types: the names and ids the filters take.")
    .action((_options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const tree = await pm.audit.sources();
        ctx.print(render(ctx.format, sourceRows(tree), SOURCE_COLUMNS, tree));
      }),
    );

  const events = audit
    .command("events")
    .description("List audit events, newest first (one call of 200 unless --limit asks for more).")
    .option("-l, --limit <n>", `show at most n events, 1 to ${MAX_EVENTS} (default ${DEFAULT_EVENTS}); the cursor is followed past 200`)
    .option("--oldest-first", "oldest first instead (reads the whole window first: bound it with --from/--since)");
  for (const option of filterOptions()) events.addOption(option);
  events.action((options, cmd) =>
    act(cmd, async (ctx) => {
      const flags = options as FilterFlags & typeof options;
      const limit = parseEventLimit(options.limit);
      const pm = await ctx.client();
      const query = {
        ...(await filtersOf(pm, flags)),
        ...timeWindow(flags, Date.now()),
        order: options.oldestFirst ? "oldest" : "newest",
      } as const;
      const list = await take(pm.audit.events(query), limit);
      ctx.printListing(
        render(ctx.format, list, COLUMNS, list.map(wire), { fields: eventFields() }),
        list.length,
        "No audit events in this time window match the filters.",
      );
    }),
  );

  const exporter = audit
    .command("export")
    .description(
      "Write audit events, oldest first, to a file: all of it or nothing; with --checkpoint, only what is new since the last run.",
    )
    .requiredOption("--out <file>", "the file to write (written beside it first, then renamed into place)")
    .addOption(new Option("--format <format>", "csv or jsonl (default: from the file's extension)").choices(["csv", "jsonl"]))
    .option("--checkpoint <file>", "remember what was exported here, and export only newer events next time, each exactly once")
    .option("--overlap <duration>", "with a new --checkpoint: how far before the newest exported event each run asks again (default 5m)")
    .option("--force", "replace --out if it exists");
  for (const option of filterOptions()) exporter.addOption(option);
  exporter.action((options, cmd) =>
    act(cmd, async (ctx) => {
      // The filter options, added above in a loop, are there too: ExportFlags reads them.
      await exportEvents(ctx, options);
    }),
  );
}

interface ExportFlags extends FilterFlags {
  out: string;
  format?: string;
  checkpoint?: string;
  overlap?: string;
  force?: boolean;
}

async function exportEvents(ctx: CliContext, flags: ExportFlags): Promise<void> {
  const now = Date.now();
  const out = resolve(flags.out);
  const format = exportFormat(flags.format, out);
  if (flags.overlap !== undefined && flags.checkpoint === undefined) throw new UsageError("--overlap goes with --checkpoint");
  const overlapMs = flags.overlap === undefined ? undefined : parseDuration(flags.overlap, "--overlap");
  if (existsSync(out) && flags.force !== true) throw new UsageError(`${out} exists: name another file, or pass --force to replace it`);
  for (const [option, file] of [
    ["--out", out],
    ["--checkpoint", flags.checkpoint],
  ] as const) {
    if (file !== undefined && !existsSync(dirname(resolve(file)))) throw new UsageError(`The folder of ${option} ${file} does not exist`);
  }
  const window = timeWindow(flags, now);
  const pm = await ctx.client();
  const filters = await filtersOf(pm, flags);
  const checkpoint = flags.checkpoint === undefined ? undefined : ExportCheckpoint.open(resolve(flags.checkpoint), filters, overlapMs);
  try {
    if (checkpoint?.recovery) {
      const { outcome, out: last } = checkpoint.recovery;
      ctx.note(
        outcome === "committed"
          ? `The last export with this checkpoint stopped after writing ${last}; it counts as done.`
          : `The last export with this checkpoint stopped before writing ${last}; its events are exported again now.`,
      );
    }
    const resume = checkpoint?.startFrom();
    if (resume !== undefined && window.from !== undefined)
      ctx.note("The checkpoint decides where this export starts; --from/--since only start the first one.");
    const from = resume ?? window.from;
    if (from === undefined) {
      throw new UsageError(
        checkpoint
          ? "The first export with a new checkpoint needs a start: give --from or --since"
          : "Give --from or --since (or --checkpoint)",
      );
    }
    // Without --to the service's own "now" ends the window (its cursors keep it), so a local clock
    // behind the service's cannot put the end before the start.
    const to = window.to;
    const isNew = checkpoint?.isNew();
    const exported: Array<{ id: string; createdOn: string }> = [];
    const file = new PartialFile(temporaryPathFor(out));
    try {
      const lines = dataLines(format, eventFields());
      file.write(lines.header);
      for await (const event of pm.audit.events({ ...filters, from, to, order: "oldest" })) {
        if (isNew && !isNew(event)) continue;
        file.write(lines.line(wire(event)));
        exported.push({ id: event.id, createdOn: event.createdOn });
      }
      file.finish();
      if (checkpoint) checkpoint.commit(file.path, out, checkpoint.next(exported));
      else renameSync(file.path, out);
    } catch (error) {
      file.discard();
      throw error;
    }
    const last = exported.at(-1)?.createdOn;
    ctx.note(
      `Exported ${exported.length} event(s) from ${from} to ${to ?? "now"} to ${out}.` +
        (checkpoint ? ` Checkpoint ${checkpoint.path}: newest ${checkpoint.state.mark ?? "none"}.` : ""),
    );
    if (last === undefined && checkpoint) ctx.note("Nothing new since the last export.");
  } finally {
    checkpoint?.release();
  }
}

function exportFormat(given: string | undefined, out: string): "csv" | "jsonl" {
  if (given === "csv" || given === "jsonl") return given;
  if (/\.csv$/i.test(out)) return "csv";
  if (/\.(jsonl|ndjson)$/i.test(out)) return "jsonl";
  throw new UsageError(`Give --format csv or --format jsonl (${out} does not end in .csv or .jsonl)`);
}

function parseEventLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_EVENTS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_EVENTS) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_EVENTS}, not ${JSON.stringify(value)}`);
  }
  return n;
}

function timeWindow(flags: FilterFlags, now: number): { from?: string; to?: string } {
  if (flags.since !== undefined) parseDuration(flags.since, "--since");
  const start = flags.since ?? flags.from;
  return {
    ...(start !== undefined && { from: parseInstant(start, flags.since !== undefined ? "--since" : "--from", now) }),
    ...(flags.to !== undefined && { to: parseInstant(flags.to, "--to", now) }),
  };
}

/** The filters as the service takes them: sources, targets and types by id, the status as a word. */
async function filtersOf(pm: IdentityClient, flags: FilterFlags): Promise<Omit<AuditEventQuery, "from" | "to" | "order">> {
  const status = flags.status === undefined ? undefined : parseStatus(flags.status);
  const tree = flags.source || flags.target || flags.type ? await pm.audit.sources() : [];
  const targets = tree.flatMap((s) => s.eventTargets ?? []);
  return {
    ...(flags.source && { sources: idsFor("source", flags.source, tree) }),
    ...(flags.target && { targets: idsFor("target", flags.target, targets) }),
    ...(flags.type && {
      types: idsFor(
        "type",
        flags.type,
        targets.flatMap((t) => t.eventTypes ?? []),
      ),
    }),
    ...(flags.userId && { userIds: flags.userId }),
    ...(status !== undefined && { status }),
    ...(flags.search !== undefined && { search: flags.search }),
  };
}

/** A value is an id of the tree, or a name standing for every id with that name (ignoring case). */
function idsFor(what: string, given: string[], known: Array<{ id: string; name?: string | null }>): string[] {
  const lower = (s: string | null | undefined) => (s ?? "").toLowerCase();
  const ids = given.flatMap((value) => {
    const byId = known.filter((k) => lower(k.id) === lower(value));
    const matches = byId.length > 0 ? byId : known.filter((k) => lower(k.name) === lower(value));
    if (matches.length === 0) {
      const names = [...new Set(known.map((k) => k.name ?? k.id))];
      const shown = names.slice(0, 20).join(", ") + (names.length > 20 ? ", …" : "");
      throw new UsageError(`No audit ${what} has the name or id ${JSON.stringify(value)} (there are: ${shown || "none"})`);
    }
    return matches.map((k) => k.id);
  });
  return [...new Set(ids)];
}

function parseStatus(value: string): "success" | "failure" {
  const v = value.trim().toLowerCase();
  if (v === "success" || v === "succeeded" || v === "0") return "success";
  if (v === "failure" || v === "failed" || v === "1") return "failure";
  throw new UsageError(`--status must be success, failure, 0 or 1, not ${JSON.stringify(value)}`);
}

function statusLabel(status: number): string {
  return status === 0 ? "succeeded" : status === 1 ? "failed" : String(status);
}

function sourceRows(tree: AuditEventSource[]): SourceRow[] {
  return tree.flatMap((s) =>
    (s.eventTargets ?? []).flatMap((t) =>
      (t.eventTypes ?? []).map((type) => ({ source: s.name ?? s.id, target: t.name ?? t.id, type: type.name ?? type.id, id: type.id })),
    ),
  );
}

/** An event as the service sent it: without the client's parsed `details`. */
function wire(event: AuditEventEntry): AuditEvent {
  const { details: _details, ...sent } = event;
  return sent;
}

let fields: string[] | undefined;

/**
 * The CSV columns: the fields of the contract's AuditEvent, in its order, an object field as
 * `field.part` columns. Read from the bundled contract, so the file's columns follow the contract.
 */
function eventFields(): string[] {
  if (fields) return fields;
  const doc = JSON.parse(readFileSync(new URL("../../../generated/openapi.json", import.meta.url), "utf8")) as {
    components: { schemas: { AuditEvent: { properties: Record<string, { properties?: Record<string, unknown> }> } } };
  };
  fields = Object.entries(doc.components.schemas.AuditEvent.properties).flatMap(([key, schema]) =>
    schema.properties ? Object.keys(schema.properties).map((part) => `${key}.${part}`) : [key],
  );
  return fields;
}
