// What `uipath-identity github plan|apply|drift` do (commands/github.ts defines their command lines
// and loads this module when one runs): identity as code in a GitHub workflow, what the
// repository's action.yml runs. plan (pull requests): one sticky comment with the plan, updated on
// every push, and the job summary; on a fork's pull request, which gets no secrets, the files are
// validated offline instead. apply (pushes to the default branch): apply with the guards on, the
// outcome in the job summary. drift (a schedule): one issue while the organization differs from
// the file, closed when they match again. It reads what GitHub Actions provides: GITHUB_API_URL,
// GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_TOKEN.
import { appendFileSync, readFileSync } from "node:fs";
import type { CliContext } from "../context.js";
import { CliFailure, describeFailure, EXIT, UsageError } from "../failures.js";
import { gitHubRest, type GitHubRest } from "./rest.js";
import { carryOut, MAX_PASSES } from "../iac/apply-session.js";
import { guardViolations } from "../iac/guards.js";
import { FileProblems, problemLines, type IdentityFile } from "../iac/identity-file.js";
import { readIdentityFiles } from "../iac/read-identity-files.js";
import { offlineProblems } from "../iac/offline-checks.js";
import { makePlan, type Planned } from "../iac/planning.js";
import { ciRunUrl, requestSummary } from "../iac/render.js";
import { renderPlanMarkdown } from "../iac/render-markdown.js";

/** Hidden markers that find our own comment and issue again. */
export const PLAN_MARKER = "<!-- uipath-identity:plan -->";
export const DRIFT_MARKER = "<!-- uipath-identity:drift -->";

interface Actions {
  env: Record<string, string | undefined>;
  runUrl: string | undefined;
  summary(markdown: string): void;
  output(name: string, value: string): void;
  rest(): GitHubRest;
}

function actions(ctx: CliContext): Actions {
  const env = ctx.io.env;
  return {
    env,
    runUrl: ciRunUrl(env),
    summary: (markdown) => {
      if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown.trimEnd()}\n`);
    },
    output: (name, value) => {
      if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}\n`);
    },
    rest: () => {
      if (!env.GITHUB_TOKEN) throw new UsageError("GITHUB_TOKEN is not set: pass the workflow's token (the action's github-token input)");
      if (!env.GITHUB_REPOSITORY) throw new UsageError("GITHUB_REPOSITORY is not set: run this in a GitHub Actions workflow");
      return gitHubRest({
        apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
        token: env.GITHUB_TOKEN,
        repository: env.GITHUB_REPOSITORY,
      });
    },
  };
}

/** The secret never shows in the log: GitHub masks what a step announces with add-mask. */
function maskSecret(ctx: CliContext): void {
  const secret = ctx.io.env.UIPATH_CLIENT_SECRET;
  if (secret) ctx.io.stdout.write(`::add-mask::${secret}\n`);
}

const hasCredentials = (env: Actions["env"]) =>
  Boolean(env.UIPATH_CLIENT_ID && (env.UIPATH_CLIENT_SECRET || env.UIPATH_CLIENT_SECRET_FILE));

/** A failure as the comment, issue or summary shows it. */
function failureMarkdown(title: string, error: unknown, ctx: CliContext): string {
  const message = describeFailure(error, { baseUrl: ctx.baseUrl() }).message;
  return `${title}\n\n**Not planned:**\n\n\`\`\`\n${message}\n\`\`\`\n`;
}

async function planFor(ctx: CliContext, file: IdentityFile): Promise<Planned> {
  const pm = await ctx.client();
  return makePlan(pm, file, { rateLimit: ctx.rateLimit(), drift: true });
}

function guardsMarkdown(violations: string[]): string {
  return violations.length === 0
    ? ""
    : `\n**Refused by the guards** (nothing will be applied):\n\n${violations.map((v) => `- ${v}`).join("\n")}\n`;
}

export async function plan(ctx: CliContext, options: { file: string[]; maxRemovals: string }): Promise<void> {
  maskSecret(ctx);
  const gh = actions(ctx);
  const event = readEvent(gh.env);
  const pr = event.pull_request as
    { number?: number; head?: { repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } } } | undefined;
  if (pr?.number === undefined) throw new UsageError("github plan runs on pull_request events (GITHUB_EVENT_PATH has no pull_request)");
  const fork = pr.head?.repo?.full_name !== pr.base?.repo?.full_name;
  const title = "### uipath-identity plan";
  if (fork || !hasCredentials(gh.env)) {
    const why = fork
      ? "this pull request comes from a fork, and GitHub gives a fork's workflow no secrets"
      : "no UiPath credentials are configured for this workflow (UIPATH_CLIENT_ID and UIPATH_CLIENT_SECRET)";
    const problems = await offlineCheck(options.file, ctx);
    const verdict =
      problems.length === 0
        ? "The files were validated offline: no problems. A maintainer's branch gets the full plan."
        : `The files were validated offline, with problems:\n\n\`\`\`\n${problems.join("\n")}\n\`\`\``;
    gh.summary(`${title}\n\nNot planned: ${why}.\n\n${verdict}\n`);
    ctx.note(`Not planned: ${why}. ${problems.length === 0 ? "The files are valid." : "The files have problems."}`);
    if (problems.length > 0) throw new FileProblems(problems);
    return;
  }
  const fullPlanAt = gh.runUrl;
  let body: string;
  let failed: Error | undefined;
  let changes = false;
  try {
    const file = await readIdentityFiles(options.file, ctx.io);
    const planned = await planFor(ctx, file);
    const violations = guardViolations(planned.plan.changes, planned.live, Number(options.maxRemovals));
    body = renderPlanMarkdown(planned.plan, { title, ...(fullPlanAt && { fullPlanAt }) }) + guardsMarkdown(violations);
    changes = planned.steps.length > 0;
    if (violations.length > 0) failed = new CliFailure(`The guards refuse this plan:\n${violations.map((v) => `  - ${v}`).join("\n")}`);
  } catch (error) {
    body = failureMarkdown(title, error, ctx);
    failed = error instanceof Error ? error : new Error(String(error));
  }
  const rest = gh.rest();
  const comment = `${PLAN_MARKER}\n${body}`;
  const mine = (await rest.issueComments(pr.number)).find((c) => c.body.startsWith(PLAN_MARKER));
  if (mine) await rest.updateComment(mine.id, comment);
  else await rest.createComment(pr.number, comment);
  ctx.note(`${mine ? "Updated" : "Posted"} the plan on pull request #${pr.number}.`);
  gh.summary(body);
  gh.output("changes", String(changes));
  if (failed !== undefined) throw failed;
}

export async function apply(ctx: CliContext, options: { file: string[]; maxRemovals: string; concurrency: string }): Promise<void> {
  maskSecret(ctx);
  const gh = actions(ctx);
  const title = "### uipath-identity apply";
  const file = await readIdentityFiles(options.file, ctx.io);
  let planned: Planned;
  try {
    planned = await planFor(ctx, file);
  } catch (error) {
    gh.summary(failureMarkdown(title, error, ctx));
    throw error;
  }
  const markdown = renderPlanMarkdown(planned.plan, { title, ...(gh.runUrl && { fullPlanAt: gh.runUrl }) });
  const violations = guardViolations(planned.plan.changes, planned.live, Number(options.maxRemovals));
  if (violations.length > 0) {
    gh.summary(markdown + guardsMarkdown(violations));
    throw new CliFailure(`Refusing the plan; nothing was sent:\n${violations.map((v) => `  - ${v}`).join("\n")}`);
  }
  gh.output("changes", String(planned.steps.length > 0));
  if (planned.steps.length === 0) {
    gh.summary(markdown);
    ctx.note("No changes: the organization matches the files.");
    return;
  }
  const pm = await ctx.client();
  try {
    const code = await carryOut(ctx, pm, planned, {
      file,
      files: file.sources.map((s) => s.path),
      concurrency: Number(options.concurrency),
      maxRemovals: Number(options.maxRemovals),
    });
    gh.summary(`${markdown}\n**${code === EXIT.ok ? "Applied." : "Interrupted"}** ${requestsLine(ctx)}\n`);
    ctx.exitCode = code;
  } catch (error) {
    gh.summary(
      `${markdown}\n**Apply failed** (up to ${MAX_PASSES} passes):\n\n\`\`\`\n${describeFailure(error, { baseUrl: ctx.baseUrl() }).message}\n\`\`\`\n`,
    );
    throw error;
  }
}

export async function drift(ctx: CliContext, options: { file: string[]; label: string }): Promise<void> {
  maskSecret(ctx);
  const gh = actions(ctx);
  const file = await readIdentityFiles(options.file, ctx.io);
  const planned = await planFor(ctx, file);
  const rest = gh.rest();
  const open = (await rest.openIssues(options.label)).find((i) => (i.body ?? "").startsWith(DRIFT_MARKER));
  const drifted = planned.steps.length > 0;
  gh.output("changes", String(drifted));
  const where = gh.runUrl ? ` ([run](${gh.runUrl}))` : "";
  if (drifted) {
    const intro =
      `The organization differs from ${file.sources.map((s) => `\`${s.path}\``).join(", ")}: someone changed it by hand, or a change was ` +
      `not applied. Review the plan below; apply the files to undo the drift, or change the files to keep it.${where}`;
    const body = `${DRIFT_MARKER}\n${intro}\n\n${renderPlanMarkdown(planned.plan, { title: "### Drift", ...(gh.runUrl && { fullPlanAt: gh.runUrl }), limit: 64_000 })}`;
    if (open) {
      await rest.updateIssue(open.number, { body });
      ctx.note(`Drift found: updated issue #${open.number}.`);
    } else {
      const issue = await rest.createIssue({
        title: "Identity drift: the organization differs from the files",
        body,
        labels: [options.label],
      });
      ctx.note(`Drift found: opened issue #${issue.number}.`);
    }
    gh.summary(body.slice(DRIFT_MARKER.length + 1));
  } else {
    if (open) {
      await rest.createComment(open.number, `The organization matches the files again${where}. Closing.`);
      await rest.updateIssue(open.number, { state: "closed", state_reason: "completed" });
      ctx.note(`No drift: closed issue #${open.number}.`);
    } else ctx.note("No drift: the organization matches the files.");
    gh.summary("### Drift\n\n**No drift.** The organization matches the files.\n");
  }
}

/** What `validate` says of the files: problem lines, none when they are valid. */
async function offlineCheck(paths: string[], ctx: CliContext): Promise<string[]> {
  let file: IdentityFile;
  try {
    file = await readIdentityFiles(paths, ctx.io);
  } catch (error) {
    if (error instanceof FileProblems) return error.problems;
    throw error;
  }
  return problemLines(offlineProblems(file));
}

function readEvent(env: Record<string, string | undefined>): Record<string, unknown> {
  if (!env.GITHUB_EVENT_PATH) throw new UsageError("GITHUB_EVENT_PATH is not set: run this in a GitHub Actions workflow");
  try {
    return JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`Cannot read the event at GITHUB_EVENT_PATH: ${(error as Error).message}`);
  }
}

function requestsLine(ctx: CliContext): string {
  return `Requests: ${requestSummary(ctx)}.`;
}
