// `export`, `plan` and `apply`: the organization as a file of names. No state file: every plan reads
// the live organization, so a create interrupted or done elsewhere is seen, never repeated.
import { readFileSync, writeFileSync } from "node:fs";
import { Option, type Command } from "@commander-js/extra-typings";
import { stringify } from "yaml";
import {
  AUTOMATION_CLOUD_RATE_LIMITS,
  isGuid,
  type Group,
  type IdentityClient,
  type RateLimitOptions,
  type RobotAccount,
} from "../../client/index.js";
import type { CliContext } from "../context.js";
import { CliFailure, EXIT, UsageError } from "../failures.js";
import { execute, requestLine } from "../iac/execute.js";
import { FileProblems, readIdentityFiles, where, type IdentityFile } from "../iac/identity-file.js";
import { lastUnfinished, openJournal } from "../iac/journal.js";
import { fingerprint, nameUsers, readLive, type LiveState, type ReadNeeds } from "../iac/live.js";
import { computePlan, requestsByMethod, STEP_METHOD, summary, type Plan, type Step } from "../iac/plan.js";
import { createProgress, formatDuration } from "../progress.js";
import type { Act } from "./shared.js";

const PLAN_FORMAT = "uipath-identity-plan/1";
const SCHEMA_HINT = "https://uipath-identity-toolkit.github.io/uipath-identity-toolkit/identity-file.schema.json";
const lower = (s: string) => s.toLowerCase();
const isBuiltIn = (type: unknown) => type === 0 || type === "builtIn";

interface SavedPlan {
  format: typeof PLAN_FORMAT;
  createdAt: string;
  organization: { baseUrl: string; partitionGlobalId: string };
  files: IdentityFile["sources"];
  /** What the plan was computed against; apply refuses the plan once the organization differs. */
  fingerprint: string;
  desired: IdentityFile;
  changes: Plan["changes"];
  steps: Step[];
}

export function registerIdentityAsCode(program: Command, act: Act): void {
  program
    .command("export")
    .description("Write the organization's groups (with their members) and robot accounts as a file of names (YAML, or JSON with -o json).")
    .action((_options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const live = await readLive(pm, (groups) => ({ memberGroups: groups.map((g) => g.id), userNames: [], allUsers: true }));
        const document = exportDocument(live);
        if (ctx.format === "json") ctx.print(`${JSON.stringify(document, null, 2)}\n`);
        else {
          const org = `${live.baseUrl} (${live.partitionGlobalId})`;
          ctx.print(
            `# Exported by uipath-identity from ${org} at ${new Date().toISOString()}.\n` +
              "# Built-in groups are listed for reference (builtIn: true); plan and apply leave them alone.\n" +
              `# yaml-language-server: $schema=${SCHEMA_HINT}\n` +
              stringify(document),
          );
        }
        ctx.note(
          `Exported ${document.groups.length} group(s) and ${document.robotAccounts.length} robot account(s) with ${requestSummary(ctx.requests)}.`,
        );
      }),
    );

  program
    .command("plan")
    .description("Show what apply would change to make the organization match the file(s), and what that costs in requests and time.")
    .requiredOption("-f, --file <path...>", "identity files: YAML, JSON, or CSV (robot accounts or users); - reads stdin")
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when there are, 1 on error")
    .option("--out <plan.json>", "save the plan, to apply exactly it later (refused once the organization has changed)")
    .action((options, cmd) =>
      act(cmd, async (ctx) => {
        const file = await readIdentityFiles(options.file, ctx.io);
        const pm = await ctx.client();
        const { live, plan } = await planFor(pm, file);
        printPlan(ctx, plan, live);
        if (options.out) {
          const saved: SavedPlan = {
            format: PLAN_FORMAT,
            createdAt: new Date().toISOString(),
            organization: { baseUrl: live.baseUrl, partitionGlobalId: live.partitionGlobalId },
            files: file.sources,
            fingerprint: fingerprint(live),
            desired: file,
            changes: plan.changes,
            steps: plan.steps,
          };
          writeFileSync(options.out, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
          ctx.note(`Saved the plan to ${options.out}; apply it with: uipath-identity apply ${options.out}`);
        }
        if (options.detailedExitcode && plan.steps.length > 0) ctx.exitCode = EXIT.changes;
      }),
    );

  program
    .command("apply")
    .description("Change the organization to match the file(s), or carry out a saved plan. Asks first on a terminal.")
    .argument("[plan]", "a plan saved by plan --out")
    .option("-f, --file <path...>", "identity files: YAML, JSON, or CSV (robot accounts or users); - reads stdin")
    .option("-y, --yes", "do not ask; required when not on a terminal")
    .addOption(new Option("--dry-run", "print the plan and the requests it would send, and send nothing"))
    .option("--concurrency <n>", "requests in flight at once (the rate limiter still paces them)", "8")
    .action((planPath, options, cmd) =>
      act(cmd, async (ctx) => {
        if ((planPath === undefined) === (options.file === undefined)) {
          throw new UsageError("apply takes either -f FILE (plan now, then apply) or a saved PLAN.json, not both and not neither");
        }
        const concurrency = Number(options.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1)
          throw new UsageError(`--concurrency must be a whole number of at least 1, not ${JSON.stringify(options.concurrency)}`);
        const pm = await ctx.client();
        let plan: Plan;
        let live: LiveState;
        let files: string[];
        if (planPath !== undefined) {
          const saved = loadPlan(planPath);
          ({ live, plan } = await planFor(pm, saved.desired));
          if (lower(live.partitionGlobalId) !== lower(saved.organization.partitionGlobalId)) {
            throw new CliFailure(
              `The plan ${planPath} was made for organization ${saved.organization.partitionGlobalId}, not ${live.partitionGlobalId}.`,
            );
          }
          if (fingerprint(live) !== saved.fingerprint) {
            throw new CliFailure(
              `The saved plan ${planPath} is stale: the organization changed since it was made (${saved.createdAt}). Run plan again.`,
            );
          }
          // The saved steps carry the ids chosen at plan time, so a repeat is recognised as the same create.
          plan = { ...plan, changes: saved.changes, steps: saved.steps };
          files = saved.files.map((f) => f.path);
        } else {
          const file = await readIdentityFiles(options.file as string[], ctx.io);
          ({ live, plan } = await planFor(pm, file));
          files = file.sources.map((f) => f.path);
        }
        const previous = lastUnfinished(ctx.io.env, live.partitionGlobalId);
        if (previous) {
          ctx.note(
            `An earlier apply stopped after ${previous.done} of ${previous.requests} requests (${previous.path}); this plan was made from the organization as it is now, so it finishes the rest.`,
          );
        }
        printPlan(ctx, plan, live);
        if (plan.steps.length === 0) return;
        if (options.dryRun) {
          ctx.print(`\nWould send:\n${plan.steps.map((s) => `  ${requestLine(s, live.partitionGlobalId)}`).join("\n")}\n`);
          ctx.note("Dry run: nothing was sent.");
          return;
        }
        if (!options.yes && !(await ctx.confirm(`Apply ${plan.steps.length} request(s) to ${live.baseUrl}?`, "--yes"))) {
          throw new CliFailure("Nothing applied.");
        }
        ctx.exitCode = await carryOut(ctx, pm, plan, live, files, concurrency);
      }),
    );
}

async function planFor(pm: IdentityClient, file: IdentityFile): Promise<{ live: LiveState; plan: Plan }> {
  const live = await readLive(pm, (groups, robots) => needsFor(file, groups, robots));
  const first = computePlan(file, live);
  let plan = first.plan;
  const problems = first.problems;
  if (problems.length > 0) {
    const ordered = [...problems].sort((a, b) => a.at.file.localeCompare(b.at.file) || a.at.line - b.at.line || a.at.column - b.at.column);
    throw new FileProblems(ordered.map((p) => `${where(p.at)}: ${p.message}`));
  }
  // Members an exclusive group would lose are known by id only when their group was read member
  // by member: name them (a plan of GUIDs is no plan a person can check), then plan again.
  if (await nameUsers(pm, live, unnamedRemovals(plan, live))) ({ plan } = computePlan(file, live));
  return { live, plan };
}

/** Ids of users an exclusive group would lose whose addresses the reads did not bring. */
function unnamedRemovals(plan: Plan, live: LiveState): string[] {
  const robots = new Set(live.robots.map((r) => lower(r.id)));
  return [...new Set(plan.steps.flatMap((s) => (s.kind === "updateGroup" ? s.remove : [])))].filter(
    (id) => !robots.has(id) && !live.usersById.has(id),
  );
}

/** What the plan must read beyond groups and robot accounts: the fewest memberships and names. */
function needsFor(file: IdentityFile, groups: Group[], robots: RobotAccount[]): ReadNeeds {
  const robotNames = new Set([...robots.map((r) => lower(r.name ?? "")), ...file.robotAccounts.map((r) => lower(r.name))]);
  const existing = new Map(groups.filter((g) => !isBuiltIn(g.type)).map((g) => [lower(g.name ?? ""), g.id]));
  const memberGroups = new Set<string>();
  for (const g of file.groups)
    if (g.members !== undefined && existing.has(lower(g.name))) memberGroups.add(existing.get(lower(g.name)) as string);
  for (const u of file.users)
    for (const ref of u.groups) if (existing.has(lower(ref.value))) memberGroups.add(existing.get(lower(ref.value)) as string);
  const userNames = [
    ...file.groups.flatMap((g) => (g.members ?? []).map((m) => m.value)).filter((v) => !isGuid(v) && !robotNames.has(lower(v))),
    ...file.users.map((u) => u.email),
  ];
  return { memberGroups: [...memberGroups], userNames };
}

async function carryOut(
  ctx: CliContext,
  pm: IdentityClient,
  plan: Plan,
  live: LiveState,
  files: string[],
  concurrency: number,
): Promise<number> {
  const total = plan.steps.length;
  const journal = openJournal(ctx.io.env, {
    organization: { baseUrl: live.baseUrl, partitionGlobalId: live.partitionGlobalId },
    files,
    requests: total,
  });
  let stopping = false;
  const onSigint = () => {
    if (stopping) process.exit(EXIT.interrupted);
    stopping = true;
    ctx.note("\nStopping: letting the requests in flight finish (Ctrl-C again to quit at once)...");
  };
  process.on("SIGINT", onSigint);
  const progress = createProgress(ctx, total, "Applying");
  const remaining = requestsByMethod(plan.steps);
  let done = 0;
  try {
    const result = await execute(pm, plan.steps, {
      concurrency,
      stopRequested: () => stopping,
      onDone: (outcome) => {
        done += 1;
        const method = STEP_METHOD[outcome.step.kind];
        remaining[method] = (remaining[method] ?? 1) - 1;
        journal.record({
          ok: outcome.ok,
          step: outcome.step.kind,
          what: outcome.detail,
          ...(outcome.error !== undefined && { error: String((outcome.error as Error).message ?? outcome.error) }),
        });
        const line = outcome.ok ? outcome.detail : `FAILED to ${outcome.detail}: ${(outcome.error as Error).message}`;
        // The schedule knows only this process's sends: 429s mean others spend the budget too.
        const shared = ctx.retries["429"] ? ` (+${ctx.retries["429"]} × 429 retried: the budget is shared)` : "";
        progress.advance(done, total, `${line}${shared}`, eta(pm, remaining));
      },
    });
    const sum = summary(plan);
    const retried = ctx.retries["429"]
      ? ` ${ctx.retries["429"]} request(s) met 429 (the budget is shared with others) and were retried.`
      : "";
    if (result.skipped > 0 || stopping) {
      journal.close("interrupted", { done: result.done, failed: result.failed.length, skipped: result.skipped });
      progress.stop(
        `Interrupted after ${result.done} of ${total} requests; ${result.skipped} not sent. Journal: ${journal.path}. Run apply again to finish.`,
      );
      return EXIT.interrupted;
    }
    if (result.failed.length > 0) {
      journal.close("failed", { done: result.done, failed: result.failed.length });
      progress.stop(`${result.failed.length} of ${total} requests failed.${retried} Journal: ${journal.path}`);
      throw new CliFailure(result.failed.map((f) => `${f.detail}: ${(f.error as Error).message}`).join("\n"));
    }
    journal.close("finished", { done: result.done });
    progress.stop(
      `Apply complete: ${sum.add} added, ${sum.change} changed, ${sum.remove} removed (${requestSummary(ctx.requests)}).${retried}`,
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

function printPlan(ctx: CliContext, plan: Plan, live: LiveState): void {
  const byMethod = requestsByMethod(plan.steps);
  const sum = summary(plan);
  if (ctx.format === "json" || ctx.format === "yaml") {
    const data = {
      organization: { baseUrl: live.baseUrl, partitionGlobalId: live.partitionGlobalId },
      summary: sum,
      changes: plan.changes,
      requests: byMethod,
    };
    ctx.print(ctx.format === "json" ? `${JSON.stringify(data, null, 2)}\n` : stringify(data));
    return;
  }
  for (const note of plan.notes) ctx.note(note);
  const p = ctx.paintOut;
  const colour = { "+": "green", "~": "yellow", "-": "red" } as const;
  const lines: string[] = [`Read ${live.baseUrl} (organization ${live.partitionGlobalId}) with ${requestSummary(ctx.requests)}.`, ""];
  if (plan.changes.length === 0) {
    ctx.print(`${lines.join("\n")}No changes. The organization matches the file.\n`);
    return;
  }
  for (const c of plan.changes) {
    lines.push(p(colour[c.op], `  ${c.op} ${c.what} ${JSON.stringify(c.name)}`));
    for (const d of c.details) lines.push(p(colour[d.op], `      ${d.op} ${d.text}`));
  }
  lines.push("", `Plan: ${sum.add} to add, ${sum.change} to change, ${sum.remove} to remove.`);
  lines.push(budgetLine(byMethod, ctx.rateLimit()));
  ctx.print(`${lines.join("\n")}\n`);
}

/** The requests by method class, and the least time the budgets allow for them. */
export function budgetLine(byMethod: Record<string, number>, rateLimit: RateLimitOptions | false | undefined): string {
  const order = ["GET", "POST", "PUT", "DELETE"];
  const counts = order
    .filter((m) => byMethod[m])
    .map((m) => `${byMethod[m]} ${m}`)
    .join(", ");
  if (rateLimit === false) return `Requests: ${counts}; no rate limits are configured.`;
  const windowMs = rateLimit?.windowMs ?? AUTOMATION_CLOUD_RATE_LIMITS.windowMs;
  const budgets: Record<string, number | undefined> = { ...AUTOMATION_CLOUD_RATE_LIMITS.budgets, ...(rateLimit?.budgets ?? {}) };
  let totalMs = 0;
  const limits: string[] = [];
  for (const m of order) {
    const n = byMethod[m] ?? 0;
    const budget = budgets[m];
    if (n === 0 || budget === undefined) continue;
    limits.push(`${m} ${budget}`);
    // The first `budget` go at once; each further full budget waits for a window to pass.
    totalMs += Math.max(0, Math.ceil(n / budget) - 1) * windowMs;
  }
  const per = windowMs % 60_000 === 0 ? `${windowMs / 60_000} min` : windowMs % 1000 === 0 ? `${windowMs / 1000} s` : `${windowMs} ms`;
  return `Requests: ${counts}. At the budgets (${limits.join(", ")} per ${per}) they need ${totalMs === 0 ? "no waiting" : `at least ${formatDuration(totalMs)}`}.`;
}

function requestSummary(requests: Record<string, number>): string {
  const parts = Object.entries(requests).map(([m, n]) => `${n} ${m}`);
  return parts.length === 0 ? "no requests" : `${parts.join(", ")} request(s)`;
}

function loadPlan(path: string): SavedPlan {
  let saved: SavedPlan;
  try {
    saved = JSON.parse(readFileSync(path, "utf8")) as SavedPlan;
  } catch (error) {
    throw new UsageError(`Cannot read the plan ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (saved?.format !== PLAN_FORMAT) throw new UsageError(`${path} is not a plan saved by uipath-identity plan --out`);
  return saved;
}

interface ExportDocument {
  groups: Array<{ name: string; builtIn?: true; members?: string[] }>;
  robotAccounts: Array<{ name: string; displayName?: string; groups?: string[] }>;
  prune: { groups: false; robotAccounts: false };
}

/** The organization as names: members by e-mail address (or user name), robot accounts' groups on the robot. */
function exportDocument(live: LiveState): ExportDocument {
  const groupName = new Map(live.groups.map((g) => [lower(g.id), g.name ?? g.id]));
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, "en", { sensitivity: "base" });
  const groups = live.groups
    .map((g) => {
      const members = [...(live.userMembers.get(lower(g.id)) ?? [])]
        .map((id) => {
          const u = live.usersById.get(id);
          return u ? u.email || u.userName || id : id;
        })
        .sort();
      return { name: g.name ?? g.id, ...(isBuiltIn(g.type) && { builtIn: true as const }), ...(members.length > 0 && { members }) };
    })
    .sort(byName);
  const robotAccounts = live.robots
    .map((r) => {
      const names = (r.groupIds ?? []).map((id) => groupName.get(lower(id)) ?? id).sort();
      return {
        name: r.name ?? r.id,
        ...(r.displayName !== null && r.displayName !== undefined && r.displayName !== r.name && { displayName: r.displayName }),
        ...(names.length > 0 && { groups: names }),
      };
    })
    .sort(byName);
  return { groups, robotAccounts, prune: { groups: false, robotAccounts: false } };
}
