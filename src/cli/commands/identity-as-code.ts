// `export`, `plan` and `apply`: the organization as a file of names. Wiring only: reading files
// (iac/identity-file), the live organization and the differ (iac/planning), the guards, the
// renderers, saved plans and the apply run each live in their own module under iac/.
import { Option, type Command } from "@commander-js/extra-typings";
import { stringify } from "yaml";
import type { IdentityClient } from "../../client/index.js";
import type { CliContext } from "../context.js";
import { CliFailure, describeFailure, EXIT, UsageError } from "../failures.js";
import { isTransient, runToConvergence, type StepOutcome } from "../iac/apply-run.js";
import { exportDocument, readForExport } from "../iac/export.js";
import { DEFAULT_MAX_REMOVALS, guardViolations } from "../iac/guards.js";
import { FileProblems, problemLines, readIdentityFiles, type IdentityFile } from "../iac/identity-file.js";
import { offlineProblems } from "../iac/offline-checks.js";
import { renderPlanMarkdown } from "../iac/render-markdown.js";
import { lastUnfinished, openJournal } from "../iac/journal.js";
import { fingerprint } from "../iac/live.js";
import type { PlanDocument } from "../iac/model.js";
import { makePlan, type Planned } from "../iac/planning.js";
import { renderPlanText } from "../iac/render-text.js";
import { readPlan, writePlan, type SavedPlan } from "../iac/saved-plan.js";
import { methodOf, requestLine, requestsByMethod } from "../iac/steps.js";
import { showsData } from "../output.js";
import { createProgress } from "../progress.js";
import type { Act } from "./shared.js";

const SCHEMA_HINT = "https://uipath-identity-toolkit.github.io/uipath-identity-toolkit/identity-file.schema.json";
/** Passes of apply at most, the first included: enough for 15% transient faults, bounded for a real outage. */
const MAX_PASSES = 8;
const lower = (s: string) => s.toLowerCase();
const FILE_HELP = "identity files: YAML, JSON, or CSV (robot accounts or users); - reads stdin";

const maxRemovalsOption = () =>
  new Option(
    "--max-removals <percent>",
    `refuse a plan that removes more than this share of a group's members, or deletes more than this share of the groups, robot accounts or users (when at least 5 would go); 100 turns the guard off`,
  ).default(String(DEFAULT_MAX_REMOVALS));

export function registerIdentityAsCode(program: Command, act: Act): void {
  program
    .command("validate")
    .description(
      "Check identity files with no organization, no credentials and no network: syntax, the schema, duplicates, and the rules that need no live data. For forks' pull requests and pre-commit hooks.",
    )
    .requiredOption("-f, --file <path...>", FILE_HELP)
    .action((options, cmd) =>
      act(cmd, async (ctx) => {
        const file = await readIdentityFiles(options.file, ctx.io);
        const problems = offlineProblems(file);
        if (problems.length > 0) throw new FileProblems(problemLines(problems));
        const counts = `${file.groups.length} group(s), ${file.robotAccounts.length} robot account(s), ${file.users.length} user(s)`;
        ctx.note(`Valid: ${file.sources.map((s) => s.path).join(", ")} (${counts}). What needs the organization is checked by plan.`);
      }),
    );

  program
    .command("export")
    .description(
      "Write the organization as a file of names: every group (built-in ones too) with its members, robot accounts with their groups, local users (YAML, or JSON with -o json).",
    )
    .action((_options, cmd) =>
      act(cmd, async (ctx) => {
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
            `with ${requestSummary(ctx.requests)}.`,
        );
      }),
    );

  program
    .command("plan")
    .description("Show what apply would change to make the organization match the file(s), and what that costs in requests and time.")
    .requiredOption("-f, --file <path...>", FILE_HELP)
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when there are, 1 on error")
    .option("--out <plan.json>", "save the plan, to apply exactly it later (refused once the organization has changed)")
    .addOption(maxRemovalsOption())
    .action((options, cmd) =>
      act(cmd, async (ctx) => {
        const maxRemovals = parsePercent(options.maxRemovals);
        const file = await readIdentityFiles(options.file, ctx.io);
        const pm = await ctx.client();
        const planned = await makePlan(pm, file, { rateLimit: ctx.rateLimit() });
        printPlan(ctx, planned.plan);
        refuseByGuards(planned, maxRemovals);
        if (options.out) {
          writePlan(options.out, savedPlan(planned, file));
          ctx.note(`Saved the plan to ${options.out}; apply it with: uipath-identity apply ${options.out}`);
        }
        if (options.detailedExitcode && planned.steps.length > 0) ctx.exitCode = EXIT.changes;
      }),
    );

  program
    .command("apply")
    .description("Change the organization to match the file(s), or carry out a saved plan. Asks first on a terminal.")
    .argument("[plan]", "a plan saved by plan --out")
    .option("-f, --file <path...>", FILE_HELP)
    .option("-y, --yes", "do not ask; required when not on a terminal")
    .addOption(new Option("--dry-run", "print the plan and the requests it would send, and send nothing"))
    .option("--concurrency <n>", "requests in flight at once (the rate limiter still paces them)", "8")
    .addOption(maxRemovalsOption())
    .action((planPath, options, cmd) =>
      act(cmd, async (ctx) => {
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
        let planned = await makePlan(pm, file, { rateLimit: ctx.rateLimit() });
        if (saved) planned = fromSaved(planned, saved, planPath as string);
        const previous = lastUnfinished(ctx.io.env, planned.live.partitionGlobalId);
        if (previous) {
          ctx.note(
            `An earlier apply stopped after ${previous.done} of ${previous.requests} requests (${previous.path}); ` +
              "this plan was made from the organization as it is now, so it finishes the rest.",
          );
        }
        printPlan(ctx, planned.plan);
        refuseByGuards(planned, maxRemovals);
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
      }),
    );
}

function parsePercent(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new UsageError(`--max-removals must be a percentage from 0 to 100, not ${JSON.stringify(value)}`);
  }
  return n;
}

/** Exit 1 before anything is sent, with the flag that would allow it. */
function refuseByGuards(planned: Planned, maxRemovals: number): void {
  const violations = guardViolations(planned.plan.changes, planned.live, maxRemovals);
  if (violations.length === 0) return;
  throw new CliFailure(`Refusing the plan; nothing was sent:\n${violations.map((v) => `  - ${v}`).join("\n")}`);
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

function printPlan(ctx: CliContext, plan: PlanDocument): void {
  if (showsData(ctx.format)) {
    ctx.print(ctx.format === "json" ? `${JSON.stringify(plan, null, 2)}\n` : stringify(plan));
    return;
  }
  if (ctx.format === "markdown") {
    const fullPlanAt = ciRunUrl(ctx.io.env);
    ctx.print(renderPlanMarkdown(plan, fullPlanAt ? { fullPlanAt } : {}));
    return;
  }
  for (const note of plan.notes) ctx.note(note);
  const { baseUrl, partitionGlobalId } = plan.organization;
  ctx.print(
    renderPlanText(plan, `Read ${baseUrl} (organization ${partitionGlobalId}) with ${requestSummary(ctx.requests)}.`, ctx.paintOut),
  );
}

interface CarryOutOptions {
  file: IdentityFile;
  files: string[];
  concurrency: number;
  maxRemovals: number;
}

async function carryOut(ctx: CliContext, pm: IdentityClient, planned: Planned, options: CarryOutOptions): Promise<number> {
  const { live } = planned;
  let total = planned.steps.length;
  const organization = { baseUrl: live.baseUrl, partitionGlobalId: live.partitionGlobalId };
  const journal = openJournal(ctx.io.env, { organization, files: options.files, requests: total });
  const gate = ctx.gate;
  const onSigint = () => {
    if (gate.closed) process.exit(EXIT.interrupted);
    gate.close();
    ctx.note("\nStopping: nothing more is sent; waiting only for requests already on the wire (Ctrl-C again to quit at once)...");
  };
  process.on("SIGINT", onSigint);
  const progress = createProgress(ctx, total, "Applying");
  const remaining = requestsByMethod(planned.steps);
  let done = 0;
  const message = (error: unknown) => describeFailure(error, { baseUrl: live.baseUrl }).message;
  try {
    const result = await runToConvergence(pm, planned.steps, {
      gate,
      concurrency: options.concurrency,
      maxPasses: MAX_PASSES,
      onDone: (outcome: StepOutcome) => {
        done += 1;
        const method = methodOf(outcome.step);
        remaining[method] = (remaining[method] ?? 1) - 1;
        journal.record({
          ok: outcome.ok,
          pass: outcome.pass,
          step: outcome.step.kind,
          what: outcome.detail,
          ...(outcome.error !== undefined && { error: message(outcome.error) }),
        });
        const line = outcome.ok
          ? outcome.detail
          : isTransient(outcome.error)
            ? `could not ${outcome.detail} yet (${message(outcome.error)}); a later pass tries again`
            : `FAILED to ${outcome.detail}: ${message(outcome.error)}`;
        // The schedule knows only this process's sends: 429s mean others spend the budget too.
        const shared = ctx.retries["429"] ? ` (+${ctx.retries["429"]} × 429 retried: the budget is shared)` : "";
        progress.advance(done, total, `${line}${shared}`, eta(pm, remaining));
      },
      onPass: (pass, steps, failures) => {
        // The new pass replaces whatever the last one left undone.
        total = done + steps.length;
        for (const key of Object.keys(remaining)) delete remaining[key];
        Object.assign(remaining, requestsByMethod(steps));
        journal.record({
          ok: true,
          step: "replan",
          what: `pass ${pass}: ${steps.length} request(s) left after ${failures.length} transient failure(s)`,
        });
        progress.advance(
          done,
          total,
          `${failures.length} request(s) failed for a passing reason; read the organization again: ${steps.length} left (pass ${pass} of at most ${MAX_PASSES})`,
          eta(pm, remaining),
        );
      },
      replan: async () => {
        const again = await makePlan(pm, options.file, { rateLimit: ctx.rateLimit() });
        refuseByGuards(again, options.maxRemovals);
        return again.steps;
      },
    });
    const retried = ctx.retries["429"]
      ? ` ${ctx.retries["429"]} request(s) met 429 (the budget is shared with others) and were retried.`
      : "";
    const counts = `${result.done} of ${total} requests done in ${result.passes} pass${result.passes === 1 ? "" : "es"}`;
    if (result.stopped) {
      journal.close("interrupted", {
        done: result.done,
        failed: result.permanent.length + result.transient.length,
        notSent: result.notSent,
      });
      progress.stop(`Interrupted: ${counts}; nothing was sent after Ctrl-C. Journal: ${journal.path}. Run apply again to finish.`);
      return EXIT.interrupted;
    }
    const failures = [...result.permanent, ...result.transient];
    if (failures.length > 0) {
      journal.close("failed", { done: result.done, failed: failures.length });
      const left = result.deferred > 0 ? ` ${result.deferred} more could not run before them.` : "";
      progress.stop(`${failures.length} request(s) failed (${counts}).${left}${retried} Journal: ${journal.path}`);
      const gaveUp = ` (still failing after ${result.passes} passes; run apply again later)`;
      throw new CliFailure(
        [
          ...result.permanent.map((f) => `${f.detail}: ${message(f.error)}`),
          ...result.transient.map((f) => `${f.detail}: ${message(f.error)}${gaveUp}`),
        ].join("\n"),
      );
    }
    journal.close("finished", { done: result.done, passes: result.passes });
    const s = planned.plan.summary;
    progress.stop(
      `Apply complete: ${s.add} added, ${s.change} changed, ${s.remove} removed (${requestSummary(ctx.requests)}` +
        `${result.passes > 1 ? `; ${result.passes} passes` : ""}).${retried}`,
    );
    return EXIT.ok;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/** How long the rate limits still hold back the requests left, from the limiter's own schedule. */
function eta(pm: IdentityClient, remaining: Record<string, number>): number | undefined {
  // Phases run one after another, and each method has its own budget: the waits add up.
  let total = 0;
  for (const [method, count] of Object.entries(remaining)) {
    if (count <= 0) continue;
    const wait = pm.rateLimitDelayMs(method, count);
    if (wait === undefined) return undefined;
    total += wait;
  }
  return total;
}

/** The page of the CI run this is part of (GitHub Actions, GitLab CI, Azure Pipelines), where its full log is. */
function ciRunUrl(env: Record<string, string | undefined>): string | undefined {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  }
  if (env.CI_JOB_URL) return env.CI_JOB_URL;
  if (env.SYSTEM_COLLECTIONURI && env.SYSTEM_TEAMPROJECT && env.BUILD_BUILDID) {
    return `${env.SYSTEM_COLLECTIONURI}${encodeURIComponent(env.SYSTEM_TEAMPROJECT)}/_build/results?buildId=${env.BUILD_BUILDID}`;
  }
  return undefined;
}

function requestSummary(requests: Record<string, number>): string {
  const parts = Object.entries(requests).map(([m, n]) => `${n} ${m}`);
  return parts.length === 0 ? "no requests" : `${parts.join(", ")} request(s)`;
}
