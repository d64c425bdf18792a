// How command results are printed: a borderless table (the default), stable JSON, YAML, plain
// tab-separated lines for `cut` and `while read`, markdown, JSON Lines, or CSV. Table, plain and
// markdown show the command's columns (a plan renders its own review comment as markdown); the
// others are renderings of the data itself. Data always goes to stdout, on its own. Commands ask
// this module what a format shows rather than testing format names themselves.
import { stripVTControlCharacters } from "node:util";
import { yaml } from "./lazy.js";
import { UsageError } from "./failures.js";

export const OUTPUT_FORMATS = ["table", "json", "yaml", "plain", "markdown", "jsonl", "csv"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/** Whether a format prints the data itself (the service's objects, a plan document) rather than columns for people. */
export function showsData(format: OutputFormat): format is "json" | "yaml" | "jsonl" | "csv" {
  return format === "json" || format === "yaml" || format === "jsonl" || format === "csv";
}

/** What an empty listing says: `No users found.`, or `No users match "ron".` after a search. */
export function noneFound(what: string, search: string | undefined): string {
  return search ? `No ${what} match ${JSON.stringify(search)}.` : `No ${what} found.`;
}

export function parseFormat(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(", ")}, not ${JSON.stringify(value)}`);
}

/** How the data formats lay out the data: the CSV columns, as field paths into each item (`a.b` reads a nested field). */
export interface DataLayout {
  /** Default: every top-level field of the items, in the order they first appear. */
  fields?: readonly string[];
}

/**
 * Renders rows. `data` is what json, yaml, jsonl and csv print (the wire objects, unchanged, so
 * scripts see the service's own field names); table and plain print the columns.
 */
export function render<T>(format: OutputFormat, rows: T[], columns: Column<T>[], data: unknown = rows, layout: DataLayout = {}): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(data, null, 2)}\n`;
    case "yaml":
      return yaml().stringify(data);
    case "jsonl":
    case "csv": {
      const items = Array.isArray(data) ? (data as unknown[]) : [data];
      const lines = dataLines(format, layout.fields ?? fieldsOf(items));
      return lines.header + items.map(lines.line).join("");
    }
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
    case "table":
      return rows.length === 0
        ? ""
        : alignColumns([columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => cell(c.value(row))))]);
  }
}

/** A single object as FIELD/VALUE rows in a table, plain or markdown output. */
export function renderRecord(format: OutputFormat, fields: Array<[string, unknown]>, data: unknown): string {
  if (showsData(format)) return render(format, [], [], data);
  return render(format, fields, [
    { header: "FIELD", value: (f) => f[0] },
    { header: "VALUE", value: (f) => f[1] },
  ]);
}

/**
 * The data formats one item at a time, for output written as it comes (an export): a header (CSV's
 * column names; nothing for JSON Lines) and one line per item.
 */
export function dataLines(format: "jsonl" | "csv", fields: readonly string[]): { header: string; line: (item: unknown) => string } {
  if (format === "jsonl") return { header: "", line: (item) => `${JSON.stringify(item)}\n` };
  return {
    header: `${fields.map(csvCell).join(",")}\r\n`,
    line: (item) => `${fields.map((f) => csvCell(read(item, f))).join(",")}\r\n`,
  };
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. A cell that begins
 * with `=`, `+`, `-` or `@` (or a tab or carriage return) gets a leading `'`, as UiPath's `uip`
 * does, so a spreadsheet shows it as text instead of running it as a formula.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  // Numbers are numbers (-5 is no formula); any text, JSON included, is guarded.
  if (typeof value !== "number" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Every top-level field of the items, in the order they first appear. */
function fieldsOf(items: unknown[]): string[] {
  const fields = new Set<string>();
  for (const item of items)
    if (item && typeof item === "object" && !Array.isArray(item)) for (const key of Object.keys(item)) fields.add(key);
  return [...fields];
}

function read(item: unknown, path: string): unknown {
  if (item === null || typeof item !== "object") return undefined;
  if (path in item) return (item as Record<string, unknown>)[path];
  return path.split(".").reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), item);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(cell).join(", ");
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * A kubectl-style table: columns two spaces apart, each as wide as its widest line (a cell may
 * hold several), no trailing spaces. Colours do not count towards a width; East Asian wide
 * characters and emoji count two columns, combining marks none.
 */
function alignColumns(lines: string[][]): string {
  const split = lines.map((cells) => cells.map((c) => c.split("\n")));
  const widths = split[0]!.map((_, i) => Math.max(...split.map((cells) => Math.max(...cells[i]!.map(displayWidth)))));
  const out: string[] = [];
  for (const cells of split) {
    const height = Math.max(...cells.map((c) => c.length));
    for (let l = 0; l < height; l++) {
      const text = cells.map((c, i) => {
        const part = c[l] ?? "";
        return i === cells.length - 1 ? part : part + " ".repeat(widths[i]! - displayWidth(part) + 2);
      });
      out.push(text.join("").trimEnd());
    }
  }
  return `${out.join("\n")}\n`;
}

const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;
const DOUBLE_WIDTH =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;

/** How many terminal columns `text` takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of stripVTControlCharacters(text)) width += ZERO_WIDTH.test(ch) ? 0 : DOUBLE_WIDTH.test(ch) ? 2 : 1;
  return width;
}
