// `export`, `plan` and `apply`: the organization as a file of names. Wiring only: reading files
// (iac/identity-file), the live organization and the differ (iac/planning), the guards, the
// renderers, saved plans and the apply run each live in their own module under iac/.
import { Option, type Command } from "@commander-js/extra-typings";
import { stringify } from "yaml";
import { CliFailure, EXIT, UsageError } from "../failures.js";
import { carryOut } from "../iac/apply-session.js";
import { exportDocument, readForExport } from "../iac/export.js";
import { assertGuards, DEFAULT_MAX_REMOVALS } from "../iac/guards.js";
import { FileProblems, problemLines, readIdentityFiles, type IdentityFile } from "../iac/identity-file.js";
import { lastUnfinished } from "../iac/journal.js";
import { fingerprint } from "../iac/live.js";
import { offlineProblems } from "../iac/offline-checks.js";
import { makePlan, type Planned } from "../iac/planning.js";
import { requestSummary, showPlan } from "../iac/render.js";
import { readPlan, writePlan, type SavedPlan } from "../iac/saved-plan.js";
import { requestLine } from "../iac/steps.js";
import type { Act } from "./shared.js";

const SCHEMA_HINT = "https://uipath-identity-toolkit.github.io/uipath-identity-toolkit/identity-file.schema.json";
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
        const planned = await makePlan(pm, file, { rateLimit: ctx.rateLimit(), drift: true });
        showPlan(ctx, planned.plan);
        assertGuards(planned, maxRemovals);
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
