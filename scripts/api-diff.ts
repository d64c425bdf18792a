// Decides whether a change to an API report (api/*.api.md, written by API Extractor) breaks users.
//
// The rule is deliberately simple: the report is split into its top-level declarations, and
//   - a declaration that disappears is a removed export;
//   - a declaration that loses or changes any line is a changed export (its signature, a member,
//     a type, a readonly or optional marker);
//   - declarations or lines that are only added are additions, which pass.
// Comment lines (`// @public (undocumented)`, warnings) and imports are ignored: documenting an
// export or using another type from a dependency is not a break.
// Declarations that come from generated/schema.d.ts (`paths`, `components`, `operations`) are
// judged by the contract rules instead, which know a new enum value or operation from a break.

export interface ApiFinding {
  rule: "export-removed" | "export-changed" | "entry-point-removed";
  report: string; // the report's file name
  name: string; // the export
  removed: string[]; // lines that are gone (or changed)
  added: string[]; // their replacements, for context
  line?: number; // where the declaration starts in the new report (1-based)
}

interface Declaration {
  lines: string[];
  line: number;
}

const DECLARATION =
  /^(?:export\s+)?(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:interface|type|const|let|var|function|class|enum|namespace|module)\s+([\w$]+)/;

/** The report's declarations by exported name, code lines only. */
export function parseReport(text: string): Map<string, Declaration> {
  const declarations = new Map<string, Declaration>();
  const lines = text.split(/\r?\n/);
  let inCode = false;
  let current: Declaration | undefined;
  lines.forEach((raw, index) => {
    if (raw.startsWith("```")) {
      inCode = !inCode && raw.startsWith("```ts");
      current = undefined;
      return;
    }
    const line = raw.trimEnd();
    if (!inCode || line.trim() === "" || line.trim().startsWith("//")) return;
    if (/^import\s/.test(line)) return;
    if (!/^\s/.test(line) && !/^[})\]]/.test(line)) {
      // A new top-level declaration. Overloads and merged declarations share a name and a group.
      const name = DECLARATION.exec(line)?.[1] ?? line;
      current = declarations.get(name) ?? { lines: [], line: index + 1 };
      declarations.set(name, current);
    }
    current?.lines.push(line.trim());
  });
  return declarations;
}

/** Lines of `a` that `b` does not have, counting repeats. */
function missing(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const line of b) left.set(line, (left.get(line) ?? 0) + 1);
  return a.filter((line) => {
    const count = left.get(line) ?? 0;
    if (count > 0) left.set(line, count - 1);
    return count === 0;
  });
}

export interface ReportDiff {
  breaking: ApiFinding[];
  addedExports: string[];
}

/** Compares one entry point's report at the base with its report now. `head` undefined: the entry point is gone. */
export function diffReport(report: string, base: string, head: string | undefined, exempt: ReadonlySet<string> = new Set()): ReportDiff {
  if (head === undefined) {
    return { breaking: [{ rule: "entry-point-removed", report, name: report, removed: [], added: [] }], addedExports: [] };
  }
  const before = parseReport(base);
  const after = parseReport(head);
  const breaking: ApiFinding[] = [];
  for (const [name, declaration] of before) {
    const now = after.get(name);
    if (!now) {
      breaking.push({ rule: "export-removed", report, name, removed: declaration.lines, added: [] });
      continue;
    }
    if (exempt.has(name)) continue;
    const removed = missing(declaration.lines, now.lines);
    if (removed.length > 0) {
      breaking.push({ rule: "export-changed", report, name, removed, added: missing(now.lines, declaration.lines), line: now.line });
    }
  }
  const addedExports = [...after.keys()].filter((name) => !before.has(name));
  return { breaking, addedExports };
}

/** The names generated/schema.d.ts declares: they follow the contract, so the contract rules judge them. */
export function generatedNames(schemaDts: string): Set<string> {
  return new Set([...schemaDts.matchAll(/^export\s+(?:interface|type)\s+([\w$]+)/gm)].map((m) => m[1]!));
}

export function formatApiFinding(finding: ApiFinding): string[] {
  switch (finding.rule) {
    case "entry-point-removed":
      return [`${finding.report}: the entry point is gone (its report has no successor)`];
    case "export-removed":
      return [`${finding.report}: export \`${finding.name}\` was removed`];
    case "export-changed":
      return [
        `${finding.report}: export \`${finding.name}\` changed`,
        ...finding.removed.map((line) => `    - ${line}`),
        ...finding.added.map((line) => `    + ${line}`),
      ];
  }
}
