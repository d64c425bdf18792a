// The package's TypeScript surface as API Extractor reports, one committed file per entry point:
// api/<name>.api.md. A change to what the package exports then shows up in review as a diff.
//
//   tsx scripts/api-report.ts --update   rebuild and rewrite api/ (npm run api:update)
//   tsx scripts/api-report.ts --check    fail when api/ differs from the code (npm run check:api)
//
// Entry points come from package.json "exports": every one whose types live in dist/. `./schema`
// points at generated/schema.d.ts, which is committed itself and whose declarations (`paths`,
// `components`, `operations`) the main entry re-exports, so it gets no report of its own.
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, type ExtractorMessage } from "@microsoft/api-extractor";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const REPORT_DIR = "api";

export interface EntryPoint {
  subpath: string; // as in package.json "exports": `.`, `./emulator`
  types: string; // the declaration file, relative to the root
  report: string; // the report's file name in api/
}

export function entryPoints(root: string): EntryPoint[] {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; exports: Record<string, unknown> };
  return Object.entries(pkg.exports).flatMap(([subpath, target]) => {
    const types = typeof target === "object" && target !== null ? (target as { types?: unknown }).types : undefined;
    if (typeof types !== "string" || !types.startsWith("./dist/")) return [];
    const suffix = subpath === "." ? "" : "-" + subpath.slice(2).replace(/[^\w.-]+/g, "-");
    return [{ subpath, types: types.slice(2), report: `${pkg.name}${suffix}.api.md` }];
  });
}

/** Compiles src/ and returns the report of every entry point, keyed by file name. */
export function generateReports(root: string): Map<string, string> {
  // The same compile as `npm run build`, without regenerating generated/ (a separate check) and
  // without type-checking (`npm run typecheck` does that; the declarations come out the same).
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--noCheck"], {
    cwd: root,
    stdio: "pipe",
  });
  const scratch = mkdtempSync(join(tmpdir(), "identity-api-report-"));
  const reports = new Map<string, string>();
  const problems: string[] = [];
  try {
    const entries = entryPoints(root);
    const configs = entries.map((entry) =>
      ExtractorConfig.prepare({
        configObject: {
          projectFolder: root,
          mainEntryPointFilePath: join(root, entry.types),
          compiler: { tsconfigFilePath: join(root, "tsconfig.build.json") },
          apiReport: {
            enabled: true,
            reportFileName: entry.report.replace(/\.api\.md$/, ""),
            reportFolder: scratch,
            reportTempFolder: join(scratch, "temp"),
          },
          docModel: { enabled: false },
          dtsRollup: { enabled: false },
          tsdocMetadata: { enabled: false },
          newlineKind: "lf",
        },
        configObjectFullPath: undefined,
        packageJsonFullPath: join(root, "package.json"),
      }),
    );
    // Analyse with the project's own TypeScript (5.9), not the newer one API Extractor bundles,
    // and with one program for all entry points (building one per entry point doubles the time).
    const typescriptCompilerFolder = join(root, "node_modules/typescript");
    const compilerState = CompilerState.create(configs[0]!, {
      typescriptCompilerFolder,
      additionalEntryPoints: configs.map((c) => c.mainEntryPointFilePath),
    });
    entries.forEach((entry, index) => {
      const result = Extractor.invoke(configs[index]!, {
        localBuild: true, // write the report into the scratch folder; comparing with api/ is ours
        typescriptCompilerFolder,
        compilerState,
        messageCallback: (message: ExtractorMessage) => {
          message.handled = true; // only real problems are worth printing, not progress notes
          if (message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning) {
            if (!message.messageId.startsWith("console-api-report")) problems.push(`${entry.subpath}: ${message.text}`);
          }
        },
      });
      if (!result.succeeded) problems.push(`${entry.subpath}: API Extractor failed (${result.errorCount} errors)`);
      reports.set(entry.report, readFileSync(join(scratch, entry.report), "utf8"));
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (problems.length > 0) throw new Error(`api-report:\n  ${problems.join("\n  ")}`);
  return reports;
}

function committedReports(root: string): Map<string, string> {
  const dir = join(root, REPORT_DIR);
  if (!existsSync(dir)) return new Map();
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith(".api.md"))
      .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
  );
}

function main(mode: string | undefined, root: string): number {
  if (mode !== "--update" && mode !== "--check") {
    console.error("usage: tsx scripts/api-report.ts --update | --check");
    return 2;
  }
  const fresh = generateReports(root);
  const committed = committedReports(root);
  if (mode === "--update") {
    mkdirSync(join(root, REPORT_DIR), { recursive: true });
    for (const [file, text] of fresh) writeFileSync(join(root, REPORT_DIR, file), text);
    for (const file of committed.keys()) if (!fresh.has(file)) unlinkSync(join(root, REPORT_DIR, file));
    const changed = [...fresh].filter(([file, text]) => committed.get(file) !== text).map(([file]) => file);
    const gone = [...committed.keys()].filter((file) => !fresh.has(file));
    console.log(
      changed.length + gone.length === 0
        ? "api/ was already up to date."
        : `api/ updated (${[...changed, ...gone.map((f) => `${f} removed`)].join(", ")}): review the diff and commit it.`,
    );
    return 0;
  }
  const stale = [
    ...[...fresh]
      .filter(([file, text]) => committed.get(file) !== text)
      .map(([file]) => (committed.has(file) ? `${file} differs` : `${file} is missing`)),
    ...[...committed.keys()].filter((file) => !fresh.has(file)).map((file) => `${file} names no entry point`),
  ];
  if (stale.length > 0) {
    console.error(
      `The API report is out of date (${stale.join("; ")}).\nThe exported surface changed: run \`npm run api:update\`, review the diff of api/ and commit it.`,
    );
    return 1;
  }
  console.log("api/ matches the exported surface.");
  return 0;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? "")).href) {
  process.exitCode = main(process.argv[2], process.cwd());
}
