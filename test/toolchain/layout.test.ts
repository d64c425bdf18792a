// The layout the README promises: client, emulator and CLI side by side, where the CLI may use the
// client and nothing else crosses, and no modules that import each other (directly or round a
// longer loop), so each concern can be read, and changed, on its own.
import { describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = join(ROOT, "src");

/** Every module under src/ and the modules under src/ it imports (type-only imports included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  for (const file of files) {
    const at = join(SRC, file);
    const { importedFiles } = ts.preProcessFile(readFileSync(at, "utf8"), true, true);
    const local = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith("."))
      .map((name) => relative(SRC, resolve(dirname(at), name)).replace(/\.js$/, ".ts"))
      .filter((name) => !name.startsWith(".."));
    graph.set(file, local);
  }
  return graph;
}

/** The loops in the graph, each as the path that closes it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next) && graph.has(next)) visit(next);
    }
    path.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe("src/ layout", () => {
  const graph = importGraph();

  it("reads the modules it checks", () => {
    expect(graph.get("client/transport.ts")).toContain("client/response-meta.ts");
    expect(
      cycles(
        new Map([
          ["a.ts", ["b.ts"]],
          ["b.ts", ["a.ts"]],
        ]),
      ),
    ).toEqual([["a.ts", "b.ts", "a.ts"]]);
  });

  it("has no modules that import each other, directly or round a loop", () => {
    expect(cycles(graph).map((loop) => loop.join(" -> "))).toEqual([]);
  });

  it("keeps client, emulator and CLI apart: only the CLI reaches into another part, the client", () => {
    const allowed: Record<string, string[]> = { client: ["client"], emulator: ["emulator"], cli: ["cli", "client"] };
    const crossings = [...graph].flatMap(([file, imports]) => {
      const part = file.split(/[\\/]/)[0] ?? "";
      return imports.filter((to) => !(allowed[part] ?? [part]).includes(to.split(/[\\/]/)[0] ?? "")).map((to) => `${file} -> ${to}`);
    });
    expect(crossings).toEqual([]);
  });

  it("starts the CLI without what only some commands use: those modules are imported when a command runs", () => {
    // What loading src/cli/program.ts loads: static imports that are not type-only, followed through src/.
    const loaded = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      const at = join(SRC, file);
      const source = ts.createSourceFile(at, readFileSync(at, "utf8"), ts.ScriptTarget.Latest);
      for (const statement of source.statements) {
        if (!ts.isImportDeclaration(statement) && !(ts.isExportDeclaration(statement) && statement.moduleSpecifier)) continue;
        if (ts.isImportDeclaration(statement)) {
          const clause = statement.importClause;
          const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
          if (clause?.isTypeOnly || (named && named.length > 0 && !clause?.name && named.every((e) => e.isTypeOnly))) continue;
        } else if (statement.isTypeOnly) continue;
        const name = (statement.moduleSpecifier as ts.StringLiteral).text;
        if (name.startsWith(".")) visit(relative(SRC, resolve(dirname(at), name)).replace(/\.js$/, ".ts"));
        else packages.add(name);
      }
    };
    visit("cli/program.ts");
    const heavy = ["yaml", "ajv", "ajv/dist/2020.js", "ajv-formats", "csv-parse/sync", "@clack/prompts", "node:https"];
    expect([...packages].filter((p) => heavy.includes(p))).toEqual([]);
    expect(
      [...loaded].filter((f) => /^cli\/(iac\/(read-identity-files|commands|planning|apply-session)|github\/commands)\.ts$/.test(f)),
    ).toEqual([]);
    expect(loaded.has("cli/commands/groups.ts")).toBe(true);
  });
});
