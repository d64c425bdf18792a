// What `validate`, `export`, `plan` and `apply` do, once their command lines are read
// (commands/identity-as-code.ts defines those, and loads this module only when one of them runs,
// so that other commands start without the file readers, the schema and the differ).
import { stringify } from "yaml";
import type { CliContext } from "../context.js";
import { CliFailure, EXIT, UsageError } from "../failures.js";
import { carryOut } from "./apply-session.js";
import { exportDocument, readForExport } from "./export.js";
import { assertGuards } from "./guards.js";
import { FileProblems, problemLines, type IdentityFile } from "./identity-file.js";
import { readIdentityFiles } from "./read-identity-files.js";
import { lastUnfinished } from "./journal.js";
import { fingerprint } from "./live.js";
import { offlineProblems } from "./offline-checks.js";
import { makePlan, type Planned } from "./planning.js";
import { requestSummary, showPlan } from "./render.js";
import { readPlan, writePlan, type SavedPlan } from "./saved-plan.js";
import { requestLine } from "./steps.js";

const SCHEMA_HINT = "https://uipath-identity-toolkit.github.io/uipath-identity-toolkit/identity-file.schema.json";
const lower = (s: string) => s.toLowerCase();

export async function validate(ctx: CliContext, options: { file: string[] }): Promise<void> {
  const file = await readIdentityFiles(options.file, ctx.io);
  const problems = offlineProblems(file);
  if (problems.length > 0) throw new FileProblems(problemLines(problems));
  const counts = `${file.groups.length} group(s), ${file.robotAccounts.length} robot account(s), ${file.users.length} user(s)`;
  ctx.note(`Valid: ${file.sources.map((s) => s.path).join(", ")} (${counts}). What needs the organization is checked by plan.`);
}

export async function exportOrganization(ctx: CliContext): Promise<void> {
  const pm = await ctx.client();
  const live = await readForExport(pm);
  const document = exportDocument(live);
  if (ctx.format === "json") ctx.print(`${JSON.stringify(document, null, 2)}\n`);
  else {
    ctx.print(
      `# Exported by uipath-identity from ${live.baseUrl} (${live.partitionGlobalId}) at ${new Date().toISOString()}.\n` +
        "# Members are added, never removed, unless a group says exclusive: true; prune is off.\n" +
        `# yaml-language-server: $schema=${SCHEMA_HINT}\n` +
        stringify(document),
    );
  }
  const { groups, robotAccounts, users } = document;
  ctx.note(
    `Exported ${groups.length} group(s), ${robotAccounts.length} robot account(s) and ${users.length} user(s) ` +
      `with ${requestSummary(ctx)}.`,
  );
}

export interface PlanOptions {
  file: string[];
  detailedExitcode?: true | undefined;
  out?: string | undefined;
  maxRemovals: string;
}

export async function plan(ctx: CliContext, options: PlanOptions): Promise<void> {
  const maxRemovals = parsePercent(options.maxRemovals);
  const file = await readIdentityFiles(options.file, ctx.io);
  const pm = await ctx.client();
  const planned = await makePlan(pm, file, { rateLimit: ctx.rateLimit(), drift: true });
  showPlan(ctx, planned.plan);
  assertGuards(planned, maxRemovals);
  if (options.out) {
    writePlan(options.out, savedPlan(planned, file));
    ctx.note(`Saved the plan to ${options.out}; apply it with: uipath-identity apply ${options.out}`);
  }
  if (options.detailedExitcode && planned.steps.length > 0) ctx.exitCode = EXIT.changes;
}

export interface ApplyOptions {
  file?: string[] | undefined;
  yes?: true | undefined;
  dryRun?: true | undefined;
  concurrency: string;
  maxRemovals: string;
}

export async function apply(ctx: CliContext, planPath: string | undefined, options: ApplyOptions): Promise<void> {
  if ((planPath === undefined) === (options.file === undefined)) {
    throw new UsageError("apply takes either -f FILE (plan now, then apply) or a saved PLAN.json, not both and not neither");
  }
  const concurrency = Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UsageError(`--concurrency must be a whole number of at least 1, not ${JSON.stringify(options.concurrency)}`);
  }
  const maxRemovals = parsePercent(options.maxRemovals);
  const saved = planPath === undefined ? undefined : readPlan(planPath);
  const file = saved ? saved.saved.desired : await readIdentityFiles(options.file as string[], ctx.io);
  const pm = await ctx.client();
  let planned = await makePlan(pm, file, { rateLimit: ctx.rateLimit(), drift: true });
  if (saved) planned = fromSaved(planned, saved, planPath as string);
  const previous = lastUnfinished(ctx.io.env, planned.live.partitionGlobalId);
  if (previous) {
    ctx.note(
      `An earlier apply stopped after ${previous.done} of ${previous.requests} requests (${previous.path}); ` +
        "this plan was made from the organization as it is now, so it finishes the rest.",
    );
  }
  showPlan(ctx, planned.plan);
  assertGuards(planned, maxRemovals);
  if (planned.steps.length === 0) return;
  if (options.dryRun) {
    const lines = planned.steps.map((s) => `  ${requestLine(s, planned.live.partitionGlobalId)}`);
    ctx.print(`\nWould send:\n${lines.join("\n")}\n`);
    ctx.note("Dry run: nothing was sent.");
    return;
  }
  if (!options.yes && !(await ctx.confirm(`Apply ${planned.steps.length} request(s) to ${planned.live.baseUrl}?`, "--yes"))) {
    throw new CliFailure("Nothing applied.");
  }
  const files = file.sources.map((f) => f.path);
  ctx.exitCode = await carryOut(ctx, pm, planned, { file, files, concurrency, maxRemovals });
}

export function parsePercent(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new UsageError(`--max-removals must be a percentage from 0 to 100, not ${JSON.stringify(value)}`);
  }
  return n;
}

function savedPlan(planned: Planned, file: IdentityFile): SavedPlan {
  return {
    ...planned.plan,
    saved: {
      createdAt: new Date().toISOString(),
      files: file.sources,
      fingerprint: fingerprint(planned.live),
      desired: file,
      steps: planned.steps,
    },
  };
}

/** Exactly the saved plan, once the organization is checked to be as it was when the plan was made. */
function fromSaved(now: Planned, saved: SavedPlan, path: string): Planned {
  if (lower(now.live.partitionGlobalId) !== lower(saved.organization.partitionGlobalId)) {
    throw new CliFailure(
      `The plan ${path} was made for organization ${saved.organization.partitionGlobalId}, not ${now.live.partitionGlobalId}.`,
    );
  }
  if (fingerprint(now.live) !== saved.saved.fingerprint) {
    throw new CliFailure(
      `The saved plan ${path} is stale: the organization changed since it was made (${saved.saved.createdAt}). Run plan again.`,
    );
  }
  // The saved steps carry the ids chosen at plan time, so a repeat is recognised as the same create.
  const { saved: _saved, ...plan } = saved;
  return { live: now.live, plan: { ...plan, rateLimits: now.plan.rateLimits }, steps: saved.saved.steps };
}
