// Which renderer shows a plan for an output format: the plan document itself for json and yaml,
// the review comment for markdown, Terraform-style text otherwise. The one place that decides.
import type { CliContext } from "../context.js";
import { render, showsData } from "../output.js";
import type { PlanDocument } from "./model.js";
import { renderPlanMarkdown } from "./render-markdown.js";
import { renderPlanText } from "./render-text.js";

export function showPlan(ctx: CliContext, plan: PlanDocument): void {
  if (showsData(ctx.format)) {
    // JSON and YAML print the whole document; JSON Lines and CSV one change per line.
    ctx.print(render(ctx.format, [], [], ctx.format === "jsonl" || ctx.format === "csv" ? plan.changes : plan));
    return;
  }
  if (ctx.format === "markdown") {
    const fullPlanAt = ciRunUrl(ctx.io.env);
    ctx.print(renderPlanMarkdown(plan, fullPlanAt ? { fullPlanAt } : {}));
    return;
  }
  for (const note of plan.notes) ctx.note(note);
  const { baseUrl, partitionGlobalId } = plan.organization;
  const header = `Read ${baseUrl} (organization ${partitionGlobalId}) with ${requestSummary(ctx)}.`;
  ctx.print(renderPlanText(plan, header, ctx.paintOut));
}

/** The Identity requests sent, by method, and the audit reads beside them (paced by no budget). */
export function requestSummary(ctx: Pick<CliContext, "requests" | "auditReads">): string {
  const parts = Object.entries(ctx.requests).map(([m, n]) => `${n} ${m}`);
  const identity = parts.length === 0 ? "no requests" : `${parts.join(", ")} request(s)`;
  const audit = ctx.auditReads();
  return audit === 0 ? identity : `${identity}, and ${audit} audit-log read(s)`;
}

/** The page of the CI run this is part of (GitHub Actions, GitLab CI, Azure Pipelines), where its full log is. */
export function ciRunUrl(env: Record<string, string | undefined>): string | undefined {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  }
  if (env.CI_JOB_URL) return env.CI_JOB_URL;
  if (env.SYSTEM_COLLECTIONURI && env.SYSTEM_TEAMPROJECT && env.BUILD_BUILDID) {
    return `${env.SYSTEM_COLLECTIONURI}${encodeURIComponent(env.SYSTEM_TEAMPROJECT)}/_build/results?buildId=${env.BUILD_BUILDID}`;
  }
  return undefined;
}
