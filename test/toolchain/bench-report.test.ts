// What BENCHMARKS.md says under a run's table: a section once claimed every target met beside a
// row marked NO, because the benchmark had no note for that row. The writer is run on a real file.
import { describe, expect, it } from "@jest/globals";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { END, START, writeMarkdown, type Machine } from "../../bench/lib/report.js";
import type { BenchResult, TableRow } from "../../bench/lib/result.js";

const machine: Machine = {
  cpus: 2,
  cpuModel: "test CPU",
  memoryGiB: 1,
  freeMemoryGiB: 1,
  node: "v0.0.0",
  platform: "test",
  loadAverage: { start: 0.1, end: 0.2 },
};

const row = (benchmark: string, met: boolean | null): TableRow => ({
  benchmark,
  measure: "calls/s",
  baseline: "100",
  ours: "90",
  ratio: "0.9x",
  target: "≥ 0.95x",
  met,
});

/** The section the writer puts between the markers of a file that had only them. */
function written(results: BenchResult[]): string {
  const dir = mkdtempSync(join(tmpdir(), "bench-report-"));
  const file = join(dir, "BENCHMARKS.md");
  writeFileSync(file, `# Before\n\n${START}\nold\n${END}\n\nAfter\n`);
  writeMarkdown(pathToFileURL(file), results, machine, "2026-12-07T00:00:00.000Z");
  const text = readFileSync(file, "utf8");
  rmSync(dir, { recursive: true });
  expect(text.startsWith("# Before\n\n")).toBe(true);
  expect(text.endsWith("\n\nAfter\n")).toBe(true);
  return text;
}

describe("the lines under a run's table", () => {
  it("say every target was met only when no row missed", () => {
    const text = written([{ name: "a", rows: [row("A row", true), row("Informational", null)], details: {}, notes: [] }]);
    expect(text).toContain("Every target was met in this run.");
    expect(text).not.toContain("Missed in this run");
  });

  it("give the benchmark's own notes when it has them", () => {
    const text = written([{ name: "a", rows: [row("A row", false)], details: {}, notes: ["A row missed because of X."] }]);
    expect(text).toContain("Missed in this run:\n\n- A row missed because of X.\n");
    expect(text).not.toContain("Every target was met");
  });

  it("list a missed row its benchmark gave no note for, rather than claim every target met", () => {
    const text = written([
      { name: "a", rows: [row("Explained", false)], details: {}, notes: ["Explained missed."] },
      { name: "b", rows: [row("Silent row", false), row("Fine row", true)], details: {}, notes: [] },
    ]);
    expect(text).toContain("- Explained missed.\n- Silent row: 0.9x (target ≥ 0.95x).\n");
    expect(text).not.toContain("Fine row:");
    expect(text).not.toContain("Every target was met");
  });
});
