// Turning results into the console table, the JSON file and BENCHMARKS.md's table section.
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import type { BenchResult, TableRow } from "./result.js";

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeMemoryGiB: number;
  node: string;
  platform: string;
  /** One-minute load averages when the run started and when it ended (other work on the machine skews timings). */
  loadAverage: { start: number; end?: number };
}

export function describeMachine(): Machine {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    freeMemoryGiB: Math.round((os.freemem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: { start: loadAverage() },
  };
}

const COLUMNS: Array<[keyof TableRow, string]> = [
  ["benchmark", "Benchmark"],
  ["measure", "Measure"],
  ["baseline", "Baseline (same run)"],
  ["ours", "Ours"],
  ["ratio", "Ratio"],
  ["target", "Target"],
  ["met", "Met"],
];

const cell = (row: TableRow, key: keyof TableRow): string => {
  const v = row[key];
  if (key === "met") return v === null ? "–" : v ? "yes" : "NO";
  return String(v);
};

/** A fixed-width table for the terminal. */
export function consoleTable(rows: TableRow[]): string {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((r) => cell(r, key).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] as number)).join(" | ");
  return [
    line(COLUMNS.map(([, t]) => t)),
    widths.map((w) => "-".repeat(w)).join("-+-"),
    ...rows.map((r) => line(COLUMNS.map(([k]) => cell(r, k)))),
  ].join("\n");
}

export function markdownTable(rows: TableRow[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [
    `| ${COLUMNS.map(([, t]) => t).join(" | ")} |`,
    `| ${COLUMNS.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${COLUMNS.map(([k]) => esc(cell(r, k))).join(" | ")} |`),
  ].join("\n");
}

export const START = "<!-- bench:table:start (written by `npx tsx bench/run.ts --write-markdown`) -->";
export const END = "<!-- bench:table:end -->";

export function loadAverage(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
}

/** The markers around the overhead rows of one Node major in BENCHMARKS.md. */
export function nodeMarkers(major: number, benchmark: "overhead" | "startup" = "overhead"): { start: string; end: string } {
  return {
    start: `<!-- bench:${benchmark}:node${major}:start (written by \`npx tsx bench/run.ts --only ${benchmark} --node ${major} --write-markdown\`) -->`,
    end: `<!-- bench:${benchmark}:node${major}:end -->`,
  };
}

/**
 * Replaces a generated section of BENCHMARKS.md (between the markers; by default the main table)
 * with this run's table.
 */
export function writeMarkdown(
  file: URL,
  results: BenchResult[],
  machine: Machine,
  when: string,
  markers: { start: string; end: string } = { start: START, end: END },
): void {
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(markers.start);
  const end = text.indexOf(markers.end);
  if (start < 0 || end < start) throw new Error(`${file.pathname} has no ${markers.start} ... ${markers.end} section`);
  const notes = results.flatMap(missedLines);
  const load = `load average ${machine.loadAverage.start} at the start, ${machine.loadAverage.end ?? "?"} at the end`;
  const section = [
    markers.start,
    "",
    `Run ${when} on ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB RAM, Node ${machine.node}, ${machine.platform}; ${load}.`,
    "",
    markdownTable(results.flatMap((r) => r.rows)),
    "",
    ...(notes.length > 0 ? ["Missed in this run:", "", ...notes.map((n) => `- ${n}`), ""] : ["Every target was met in this run.", ""]),
    markers.end,
  ].join("\n");
  writeFileSync(file, text.slice(0, start) + section + text.slice(end + markers.end.length));
}

/**
 * What a result says it missed; a benchmark that marks a row missed without saying why still gets
 * a line, so the section never claims every target met beside a row that says NO.
 */
export function missedLines(result: BenchResult): string[] {
  if (result.notes.length > 0) return result.notes;
  return result.rows.filter((row) => row.met === false).map((row) => `${row.benchmark}: ${row.ratio} (target ${row.target}).`);
}
