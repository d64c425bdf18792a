// The plan as a review comment (a pull request's, a merge request's, a drift issue's): the summary,
// the requests and the time at the budgets first, then the changes per resource kind in `diff`
// blocks (GitHub colours + and -; `!` marks an update), long sections collapsed. Never longer than
// the limit (GitHub refuses comments over 65,536 characters): past it, the summary stays, as many
// changes as fit follow, and a last line says how many were left out and where the full plan is.
import { changeHeading, changeLines, summaryLine } from "./render-text.js";
import type { Change, PlanDocument, ResourceKind } from "./model.js";
import { formatDuration } from "../progress.js";

/** Under GitHub's 65,536 characters for a comment or an issue body, with room for a marker. */
export const MARKDOWN_LIMIT = 65_000;
/** A section longer than this many lines is collapsed. */
const COLLAPSE_AFTER = 30;
const SECTIONS: Array<[ResourceKind, string]> = [
  ["group", "Groups"],
  ["robotAccount", "Robot accounts"],
  ["user", "Users"],
];
const METHODS = ["GET", "POST", "PUT", "DELETE"];

export interface MarkdownOptions {
  /** Where the whole plan can be read when this one is cut short (a CI run's page, say). */
  fullPlanAt?: string;
  /** The most characters the result may have. */
  limit?: number;
  /** A heading line of the caller's; the default names the tool. */
  title?: string;
}

/** `diff` lines of one change: `+`/`-` as they are, an update's `~` as `!` (which GitHub colours too). */
function changeBlock(c: Change): string[] {
  const sign = (s: "+" | "~" | "-") => (s === "~" ? "!" : s);
  const head = `${sign(c.action === "create" ? "+" : c.action === "delete" ? "-" : "~")} ${changeHeading(c)}`;
  const body = changeLines(c).map(([s, text]) => `${sign(s)}     ${text}`);
  const drift = (c.drift ?? []).map((e) => `#     last changed ${e.at} by ${e.actor}: ${e.summary}`);
  return [head, ...body, ...drift];
}

function requestsLine(plan: PlanDocument): string {
  const counts = METHODS.filter((m) => plan.requests[m]).map((m) => `${plan.requests[m]} ${m}`);
  if (counts.length === 0) return "";
  if (plan.rateLimits === null) return `**Requests:** ${counts.join(", ")} (no rate limits configured).`;
  const { windowMs, budgets } = plan.rateLimits;
  const limits = METHODS.filter((m) => plan.requests[m] && budgets[m] !== undefined).map((m) => `${m} ${budgets[m]}`);
  const per = windowMs % 60_000 === 0 ? `${windowMs / 60_000} min` : `${Math.round(windowMs / 1000)} s`;
  const wait = plan.minimumDurationMs === 0 ? "no waiting" : `at least ${formatDuration(plan.minimumDurationMs)}`;
  return `**Requests:** ${counts.join(", ")}; at the budgets (${limits.join(", ")} per ${per}) they need ${wait}.`;
}

function section(title: string, count: number, lines: string[]): string {
  const block = ["```diff", ...lines, "```"].join("\n");
  const heading = `${title} (${count} change${count === 1 ? "" : "s"})`;
  return lines.length > COLLAPSE_AFTER ? `<details><summary>${heading}</summary>\n\n${block}\n\n</details>` : `#### ${heading}\n\n${block}`;
}

export function renderPlanMarkdown(plan: PlanDocument, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? MARKDOWN_LIMIT;
  const { baseUrl, partitionGlobalId } = plan.organization;
  const head = [
    options.title ?? "### uipath-identity plan",
    "",
    plan.changes.length === 0 ? "**No changes.** The organization matches the file." : `**${summaryLine(plan)}**`,
    requestsLine(plan),
    `Organization: \`${baseUrl}\` (\`${partitionGlobalId}\`)`,
    ...plan.notes.map((n) => `> ${n}`),
  ]
    .filter((l, i, all) => l !== "" || all[i - 1] !== "")
    .join("\n");
  if (plan.changes.length === 0) return `${head}\n`;

  // Sections are filled change by change while they fit, keeping room for the closing line.
  const omittedNote = (n: number) =>
    `\n\n_${n} more change${n === 1 ? "" : "s"} left out: the comment would pass ${limit.toLocaleString("en")} characters. ` +
    `${options.fullPlanAt ? `The full plan: ${options.fullPlanAt}` : "Run `uipath-identity plan` for the full plan."}_\n`;
  const reserve = omittedNote(plan.changes.length).length + 200;
  let body = head;
  let shown = 0;
  for (const [kind, title] of SECTIONS) {
    const changes = plan.changes.filter((c) => c.resource === kind);
    if (changes.length === 0) continue;
    const lines: string[] = [];
    let taken = 0;
    // A section's own markup (heading, fences, <details>) is under this many characters.
    let size = body.length + 200;
    for (const c of changes) {
      const block = changeBlock(c);
      const grown = size + block.reduce((n, l) => n + l.length + 1, 0);
      if (grown > limit - reserve) break;
      lines.push(...block);
      size = grown;
      taken += 1;
    }
    if (taken > 0) body += `\n\n${section(title, taken, lines)}`;
    shown += taken;
    if (taken < changes.length) break;
  }
  const left = plan.changes.length - shown;
  return left > 0 ? `${body}${omittedNote(left)}` : `${body}\n`;
}
