// The shape every benchmark returns: its numbers for the JSON file and its rows for the table.

export interface TableRow {
  benchmark: string;
  measure: string;
  baseline: string;
  ours: string;
  /** ours / baseline, as the benchmark defines it (see BENCHMARKS.md). */
  ratio: string;
  target: string;
  met: boolean | null;
}

export interface BenchResult {
  name: string;
  rows: TableRow[];
  /** Everything measured, for the JSON file. */
  details: Record<string, unknown>;
  /** What missed its target and why, in a sentence or two; empty when every target was met. */
  notes: string[];
}
