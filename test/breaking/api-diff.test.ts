// The TypeScript-surface rule on API Extractor reports: removed or changed lines break, added pass.
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { diffReport, formatApiFinding, generatedNames, parseReport } from "../../scripts/api-diff.js";

const root = resolve(import.meta.dirname, "../..");
const clientReport = readFileSync(resolve(root, "api/uipath-identity-toolkit.api.md"), "utf8");

const report = (body: string) => `## API Report File for "x"\n\n\`\`\`ts\n\nimport { Client } from 'openapi-fetch';\n\n${body}\n\n\`\`\`\n`;
const base = report(`// @public (undocumented)
export interface Options {
    // (undocumented)
    name: string;
    retries?: number;
}

// @public
export function start(options: Options): Promise<void>;

// @public
export function start(name: string): Promise<void>;

// @public (undocumented)
export interface components {
    schemas: {
        SortOrder: "asc" | "desc";
    };
}`);

const diff = (head: string | undefined) => diffReport("x.api.md", base, head, new Set(["components"]));

describe("API report diff", () => {
  it("reads the committed client report into its exports", () => {
    const names = [...parseReport(clientReport).keys()];
    expect(names).toEqual(
      expect.arrayContaining(["createIdentityClient", "IdentityApiError", "IdentityClientOptions", "components", "paths"]),
    );
    expect(names.some((n) => n.startsWith("import") || n.startsWith("//"))).toBe(false);
  });

  it("finds nothing between a report and itself", () => {
    expect(diffReport("r", clientReport, clientReport)).toEqual({ breaking: [], addedExports: [] });
  });

  it("calls a removed export breaking", () => {
    const { breaking } = diff(base.replace(/\/\/ @public\nexport function start\(.*\n\n/g, ""));
    expect(breaking.map(formatApiFinding)).toEqual([["x.api.md: export `start` was removed"]]);
  });

  it("calls a changed signature breaking and shows both versions", () => {
    const { breaking } = diff(base.replace("start(options: Options)", "start(options: Options, signal: AbortSignal)"));
    expect(breaking.map(formatApiFinding)).toEqual([
      [
        "x.api.md: export `start` changed",
        "    - export function start(options: Options): Promise<void>;",
        "    + export function start(options: Options, signal: AbortSignal): Promise<void>;",
      ],
    ]);
  });

  it("calls a removed member or an optional member made required breaking", () => {
    expect(diff(base.replace("    retries?: number;\n", "")).breaking.map((f) => [f.name, f.removed])).toEqual([
      ["Options", ["retries?: number;"]],
    ]);
    expect(diff(base.replace("retries?: number;", "retries: number;")).breaking.map((f) => f.name)).toEqual(["Options"]);
  });

  it("treats overloads as one export: losing one is breaking", () => {
    const { breaking } = diff(base.replace("// @public\nexport function start(name: string): Promise<void>;\n", ""));
    expect(breaking.map((f) => [f.rule, f.name, f.removed])).toEqual([
      ["export-changed", "start", ["export function start(name: string): Promise<void>;"]],
    ]);
  });

  it("lets added exports, added members and documentation pass", () => {
    const head = base
      .replace("    retries?: number;", "    retries?: number;\n    timeoutMs?: number;")
      .replace("// @public (undocumented)\nexport interface Options", "// @public\nexport interface Options")
      .replace("    // (undocumented)\n    name: string;", "    name: string;")
      .replace("```\n", "// @public\nexport const VERSION: string;\n\n```\n");
    expect(diff(head)).toEqual({ breaking: [], addedExports: ["VERSION"] });
  });

  it("leaves generated contract types to the contract rules, but not their removal", () => {
    expect(diff(base.replace('"asc" | "desc"', '"asc" | "desc" | "none"')).breaking).toEqual([]);
    const removed = base.replace(/\/\/ @public \(undocumented\)\nexport interface components \{[\s\S]*?\n\}/, "");
    expect(diff(removed).breaking.map((f) => [f.rule, f.name])).toEqual([["export-removed", "components"]]);
  });

  it("calls a removed entry point breaking", () => {
    expect(diff(undefined).breaking.map(formatApiFinding)).toEqual([["x.api.md: the entry point is gone (its report has no successor)"]]);
  });

  it("knows which names come from generated/schema.d.ts", () => {
    const names = generatedNames(readFileSync(resolve(root, "generated/schema.d.ts"), "utf8"));
    expect([...names].sort()).toEqual(["$defs", "components", "operations", "paths", "webhooks"]);
  });
});
