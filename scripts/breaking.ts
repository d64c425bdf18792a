// `npm run breaking -- --base <git-ref>`: does the working tree break callers of the base?
// "The base" is where this branch left <git-ref> (their merge base), as in a pull request. Two
// checks, one verdict:
//   - the contract: openapi/ at the base and now, each bundled by Redocly, compared by contract-diff;
//   - the TypeScript surface: the API report committed at the base (api/*.api.md) against the report
//     of the code now, compared by api-diff.
// A break passes only when it is acknowledged (`--allow-breaking`, which CI passes for the
// `breaking-change` label, or a `Breaking-Change: <reason>` trailer on a commit in base..HEAD) and
// package.json's version takes a major step from the base's. `--github` adds workflow annotations.
// Exit codes: 0 nothing breaks (or an acknowledged break with a major step), 1 breaks, 2 misuse.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { generateReports, REPORT_DIR } from "./api-report.js";
import { diffReport, formatApiFinding, generatedNames, type ApiFinding } from "./api-diff.js";
import { diffContract, formatContractFinding, type ContractFinding } from "./contract-diff.js";

const root = process.cwd();
const git = (...args: string[]) =>
  execFileSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
const gitMaybe = (...args: string[]) => {
  try {
    return git(...args);
  } catch {
    return undefined;
  }
};

interface Options {
  base: string;
  allowBreaking: boolean;
  github: boolean;
}

function parseArgs(argv: string[]): Options | string {
  const options: Options = { base: "", allowBreaking: false, github: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--base") options.base = argv[++i] ?? "";
    else if (arg.startsWith("--base=")) options.base = arg.slice("--base=".length);
    else if (arg === "--allow-breaking") options.allowBreaking = true;
    else if (arg === "--github") options.github = true;
    else return `unknown argument ${arg}`;
  }
  return options.base ? options : "missing --base <git-ref>";
}

// ---- The contract ---------------------------------------------------------------------------

function bundle(cwd: string, out: string): Record<string, unknown> {
  // Redocly reads redocly.yaml from cwd (telemetry off); the input is given as a path so an old
  // base whose redocly.yaml named the API differently still bundles.
  execFileSync(join(root, "node_modules/.bin/redocly"), ["bundle", "openapi/openapi.yaml", "--ext", "json", "-o", out], {
    cwd,
    stdio: "pipe",
  });
  return JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
}

function contractFindings(base: string, scratch: string): ContractFinding[] {
  const baseTree = join(scratch, "base");
  mkdirSync(baseTree);
  const archive = execFileSync(
    "git",
    [
      "archive",
      "--format=tar",
      base,
      "openapi",
      ...(gitMaybe("cat-file", "-e", `${base}:redocly.yaml`) !== undefined ? ["redocly.yaml"] : []),
    ],
    { cwd: root, maxBuffer: 64 << 20 },
  );
  execFileSync("tar", ["-x", "-C", baseTree], { input: archive });
  return diffContract(bundle(baseTree, join(scratch, "base.json")), bundle(root, join(scratch, "head.json")));
}

/** Where a contract finding shows in openapi/ now: the schema's or the path's file, and a line in it. */
function contractLocation(finding: ContractFinding): { file: string; line?: number } {
  const lineOf = (file: string, pattern: RegExp) => {
    const index = readFileSync(join(root, file), "utf8")
      .split("\n")
      .findIndex((line) => pattern.test(line));
    return index === -1 ? undefined : index + 1;
  };
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const schemaName = finding.schema ?? (finding.rule === "schema-removed" ? finding.subject : undefined);
  if (schemaName) {
    const file = `openapi/components/schemas/${schemaName}.yaml`;
    if (existsSync(join(root, file))) return { file, line: finding.field ? lineOf(file, new RegExp(`^\\s*${escape(finding.field)}:`)) : 1 };
  }
  const operation = finding.operations[0];
  if (operation) {
    // openapi.yaml maps each path to its file: `  /api/Group/{id}:` then `    $ref: paths/group_id.yaml`.
    const rootLines = readFileSync(join(root, "openapi/openapi.yaml"), "utf8").split("\n");
    const at = rootLines.findIndex((line) => line.trim() === `${operation.path}:`);
    const ref = at === -1 ? undefined : /\$ref:\s*(\S+)/.exec(rootLines[at + 1] ?? "")?.[1];
    const file = ref ? `openapi/${ref}` : undefined;
    if (file && existsSync(join(root, file))) {
      const line =
        (finding.field && lineOf(file, new RegExp(`name:\\s*${escape(finding.field)}\\s*$`))) ||
        lineOf(file, new RegExp(`^${operation.method}:`));
      return { file, ...(line ? { line } : {}) };
    }
    if (at !== -1) return { file: "openapi/openapi.yaml", line: at + 1 };
  }
  return { file: "openapi/openapi.yaml" };
}

// ---- The TypeScript surface -----------------------------------------------------------------

function apiFindings(base: string, notes: string[]): { breaking: ApiFinding[]; added: string[] } {
  const baseReports = (gitMaybe("ls-tree", "--name-only", `${base}:${REPORT_DIR}`) ?? "").split("\n").filter((f) => f.endsWith(".api.md"));
  if (baseReports.length === 0) {
    notes.push(`The base has no ${REPORT_DIR}/*.api.md, so the TypeScript surface has nothing to be compared with.`);
    return { breaking: [], added: [] };
  }
  const head = generateReports(root);
  const exempt = generatedNames(readFileSync(join(root, "generated/schema.d.ts"), "utf8"));
  const breaking: ApiFinding[] = [];
  const added: string[] = [];
  for (const report of baseReports) {
    const result = diffReport(report, git("show", `${base}:${REPORT_DIR}/${report}`), head.get(report), exempt);
    breaking.push(...result.breaking);
    added.push(...result.addedExports.map((name) => `${report}: ${name}`));
  }
  for (const report of head.keys()) if (!baseReports.includes(report)) added.push(`${report} (new entry point)`);
  const committed = [...head].filter(
    ([file, text]) => !existsSync(join(root, REPORT_DIR, file)) || readFileSync(join(root, REPORT_DIR, file), "utf8") !== text,
  );
  if (committed.length > 0) {
    notes.push(
      `${committed.map(([file]) => `${REPORT_DIR}/${file}`).join(", ")} not updated yet: run \`npm run api:update\` and commit it, so reviewers see the change.`,
    );
  }
  return { breaking, added };
}

// ---- Acknowledgement and versions -----------------------------------------------------------

/** Reasons given in `Breaking-Change:` trailers of the commits after the base. */
function trailers(base: string): string[] {
  const out = gitMaybe("log", "--format=%(trailers:key=Breaking-Change,valueonly,separator=%x1f)", `${base}..HEAD`) ?? "";
  return out
    .split(/[\n\x1f]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const parseVersion = (v: string) => /^(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1).map(Number) as [number, number, number] | undefined;

/**
 * Whether `to` is a major step from `from` in npm's sense: what a caret range (`^from`) does not
 * accept. For 1.x and up the major number; while 0.x the minor (0.1 -> 0.2), as CHANGELOG.md's
 * version policy says; for 0.0.x the patch.
 */
export function isMajorStep(from: string, to: string): boolean {
  const a = parseVersion(from);
  const b = parseVersion(to);
  if (!a || !b) return false;
  if (a[0] > 0) return b[0] > a[0];
  if (a[1] > 0) return b[0] > 0 || b[1] > a[1];
  return b[0] > 0 || b[1] > 0 || b[2] > a[2];
}

// ---- Output ---------------------------------------------------------------------------------

// Workflow commands: data escapes %, CR and LF; properties also ':' and ','.
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
function annotate(
  level: "error" | "warning" | "notice",
  file: string | undefined,
  line: number | undefined,
  title: string,
  message: string,
) {
  const props = [
    ...(file ? [`file=${escapeProperty(file)}`] : []),
    ...(line ? [`line=${line}`] : []),
    `title=${escapeProperty(title)}`,
  ].join(",");
  console.log(`::${level} ${props}::${escapeData(message)}`);
}

function main(): number {
  const options = parseArgs(process.argv.slice(2));
  if (typeof options === "string") {
    console.error(`breaking: ${options}\nusage: npm run breaking -- --base <git-ref> [--allow-breaking] [--github]`);
    return 2;
  }
  if (gitMaybe("rev-parse", "--verify", "--quiet", `${options.base}^{commit}`) === undefined) {
    console.error(`breaking: ${options.base} is not a commit here (in CI, check out with enough history: fetch-depth 0).`);
    return 2;
  }

  // Compare with where this branch left the base (what a pull request's merge compares with), so
  // a branch that is behind is not blamed for what the base gained since.
  const since = gitMaybe("merge-base", options.base, "HEAD")?.trim() || options.base;
  const notes: string[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "identity-breaking-"));
  let contract: ContractFinding[];
  let api: { breaking: ApiFinding[]; added: string[] };
  try {
    contract = contractFindings(since, scratch);
    api = apiFindings(since, notes);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const count = contract.length + api.breaking.length;
  const reasons = [
    ...(options.allowBreaking ? ["the breaking-change label (--allow-breaking)"] : []),
    ...trailers(since).map((r) => `Breaking-Change: ${r}`),
  ];
  const baseVersion = (JSON.parse(git("show", `${since}:package.json`)) as { version: string }).version;
  const headVersion = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  const acknowledged = count > 0 && reasons.length > 0;
  const majorStep = isMajorStep(baseVersion, headVersion);
  const passes = count === 0 || (acknowledged && majorStep);

  const behind = since !== git("rev-parse", `${options.base}^{commit}`).trim();
  console.log(`Breaking changes against ${options.base}${behind ? ` (where this branch left it: ${since.slice(0, 10)})` : ""}:`);
  if (contract.length > 0) {
    console.log(`\nContract (openapi/), ${contract.length}:`);
    for (const finding of contract) console.log(`  ✗ [${finding.rule}] ${formatContractFinding(finding)}`);
  }
  if (api.breaking.length > 0) {
    console.log(`\nTypeScript surface (${REPORT_DIR}/), ${api.breaking.length}:`);
    for (const finding of api.breaking) {
      const [first, ...rest] = formatApiFinding(finding);
      console.log(`  ✗ [${finding.rule}] ${first}`);
      for (const line of rest) console.log(`  ${line}`);
    }
  }
  if (count === 0) console.log("\nNone: every change to the contract and to the exported surface is additive.");
  if (api.added.length > 0) console.log(`\nAdded exports: ${api.added.join("; ")}.`);
  for (const note of notes) console.log(`\nNote: ${note}`);

  if (count > 0) {
    console.log("");
    if (!acknowledged) {
      console.log(
        `${count} breaking change${count > 1 ? "s" : ""}. If intended: add a \`Breaking-Change: <reason>\` trailer to a commit (or the breaking-change label),`,
      );
      console.log(`take a major version step in package.json (now ${headVersion}, base ${baseVersion}) and say so in CHANGELOG.md.`);
    } else if (!majorStep) {
      console.log(`${count} breaking change${count > 1 ? "s" : ""}, acknowledged by ${reasons.join("; ")},`);
      console.log(
        `but package.json's version ${headVersion} is not a major step from the base's ${baseVersion} (while 0.x, the minor is the major step): bump it.`,
      );
    } else {
      console.log(
        `${count} breaking change${count > 1 ? "s" : ""}, acknowledged by ${reasons.join("; ")}, with the major step ${baseVersion} -> ${headVersion}.`,
      );
    }
  }

  if (options.github) {
    const level = passes ? "notice" : "error";
    for (const finding of contract) {
      const where = contractLocation(finding);
      annotate(level, where.file, where.line, `Breaking change (${finding.rule})`, formatContractFinding(finding));
    }
    for (const finding of api.breaking) {
      annotate(
        level,
        `${REPORT_DIR}/${finding.report}`,
        finding.line,
        `Breaking change (${finding.rule})`,
        formatApiFinding(finding).join("\n"),
      );
    }
    for (const note of notes) annotate("warning", undefined, undefined, "Breaking-change check", note);
  }
  return passes ? 0 : 1;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? "")).href) process.exitCode = main();
