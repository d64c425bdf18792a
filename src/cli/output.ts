// How command results are printed: a borderless table (the default), stable JSON, YAML, plain
// tab-separated lines for `cut` and `while read`, or markdown (a table here; a plan renders its
// own review comment). Data always goes to stdout, on its own. Commands ask this module what a
// format shows rather than testing format names themselves.
import Table from "cli-table3";
import { stringify } from "yaml";
import { UsageError } from "./failures.js";

export const OUTPUT_FORMATS = ["table", "json", "yaml", "plain", "markdown"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/** Whether a format prints the data itself (the service's objects, a plan document) rather than a view of it for people. */
export function showsData(format: OutputFormat): boolean {
  return format === "json" || format === "yaml";
}

export function parseFormat(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(", ")}, not ${JSON.stringify(value)}`);
}

/**
 * Renders rows. `data` is what json and yaml print (the wire objects, unchanged, so scripts see the
 * service's own field names); table and plain print the columns.
 */
export function render<T>(format: OutputFormat, rows: T[], columns: Column<T>[], data: unknown = rows): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(data, null, 2)}\n`;
    case "yaml":
      return stringify(data);
    case "plain":
      return (
        rows.map((row) => columns.map((c) => cell(c.value(row)).replace(/[\t\n]/g, " ")).join("\t")).join("\n") + (rows.length ? "\n" : "")
      );
    case "markdown": {
      if (rows.length === 0) return "";
      const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|").replace(/\n/g, " ")).join(" | ")} |`;
      const head = [line(columns.map((c) => c.header)), `|${columns.map(() => " --- |").join("")}`];
      return `${[...head, ...rows.map((row) => line(columns.map((c) => cell(c.value(row)))))].join("\n")}\n`;
    }
    case "table": {
      if (rows.length === 0) return "";
      const table = new Table({
        head: columns.map((c) => c.header),
        chars: BORDERLESS,
        style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
      });
      for (const row of rows) table.push(columns.map((c) => cell(c.value(row))));
      return `${table
        .toString()
        .split("\n")
        .map((line) => line.trimEnd())
        .join("\n")}\n`;
    }
  }
}

/** A single object as FIELD/VALUE rows in a table or plain output. */
export function renderRecord(format: OutputFormat, fields: Array<[string, unknown]>, data: unknown): string {
  if (showsData(format)) return render(format, [], [], data);
  return render(format, fields, [
    { header: "FIELD", value: (f) => f[0] },
    { header: "VALUE", value: (f) => f[1] },
  ]);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(cell).join(", ");
  return typeof value === "string" ? value : JSON.stringify(value);
}

// cli-table3 draws boxes by default; a kubectl-style table has only two spaces between columns.
const BORDERLESS = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: "  ",
};
