// The plan for a person at a terminal, Terraform's way: `+ ~ -` per resource, an indented line per
// member or field, the closing count, and the requests with the least time the budgets allow.
// Rendered from the plan model only; the JSON output is that model itself.
import { formatDuration } from "../progress.js";
import { MEMBER_LABEL, RESOURCE_LABEL, type Change, type MemberChange, type PlanDocument } from "./model.js";

type Paint = (style: "green" | "yellow" | "red" | "dim", text: string) => string;

const SIGN = { create: "+", update: "~", delete: "-", add: "+", remove: "-" } as const;
const COLOUR = { "+": "green", "~": "yellow", "-": "red" } as const;
const METHODS = ["GET", "POST", "PUT", "DELETE"];

export function memberLabel(m: MemberChange): string {
  if (m.kind === "user") return m.new ? `${m.name} (new user)` : m.name;
  return `${m.name} (${m.new ? "new " : ""}${MEMBER_LABEL[m.kind]})`;
}

const show = (v: string | boolean | null | undefined) => (typeof v === "boolean" ? String(v) : JSON.stringify(v ?? ""));
const ATTRIBUTE = { displayName: "display name", name: "name", surname: "surname", active: "active" } as const;

/** The indented lines under a change, as [sign, text]. */
export function changeLines(c: Change): Array<["+" | "~" | "-", string]> {
  const lines: Array<["+" | "~" | "-", string]> = [];
  for (const a of c.attributes) {
    if (c.action === "create") lines.push(["+", `${ATTRIBUTE[a.attribute]} ${show(a.after)}`]);
    else lines.push(["~", `${ATTRIBUTE[a.attribute]} ${show(a.before)} → ${show(a.after)}`]);
  }
  for (const m of c.members) lines.push([SIGN[m.action], memberLabel(m)]);
  for (const g of c.groups)
    lines.push([SIGN[g.action], `${g.action === "add" ? "in" : "out of"} ${g.group}${g.new ? " (new group)" : ""}`]);
  if (c.action === "create" && c.exclusive) lines.push(["~", "exclusive: members not in the file will be removed"]);
  return lines;
}

export function changeHeading(c: Change): string {
  const tags = [c.builtIn && "built-in", c.exclusive && c.action !== "create" && "exclusive", c.invite && "invited"].filter(Boolean);
  return `${RESOURCE_LABEL[c.resource]} ${JSON.stringify(c.name)}${tags.length > 0 ? ` (${tags.join(", ")})` : ""}`;
}

export function summaryLine(plan: PlanDocument): string {
  return `Plan: ${plan.summary.add} to add, ${plan.summary.change} to change, ${plan.summary.remove} to remove.`;
}

/** The requests by method class, and the least time the budgets allow for them. */
export function budgetLine(plan: PlanDocument): string {
  const counts = METHODS.filter((m) => plan.requests[m])
    .map((m) => `${plan.requests[m]} ${m}`)
    .join(", ");
  if (plan.rateLimits === null) return `Requests: ${counts}; no rate limits are configured.`;
  const { windowMs, budgets } = plan.rateLimits;
  const limits = METHODS.filter((m) => plan.requests[m] && budgets[m] !== undefined).map((m) => `${m} ${budgets[m]}`);
  const per = windowMs % 60_000 === 0 ? `${windowMs / 60_000} min` : windowMs % 1000 === 0 ? `${windowMs / 1000} s` : `${windowMs} ms`;
  const wait = plan.minimumDurationMs === 0 ? "no waiting" : `at least ${formatDuration(plan.minimumDurationMs)}`;
  return `Requests: ${counts}. At the budgets (${limits.join(", ")} per ${per}) they need ${wait}.`;
}

/** Who last touched an object, under its change (from the audit log). */
function driftLines(c: Change): string[] {
  return (c.drift ?? []).map((e) => `      last changed ${e.at} by ${e.actor}: ${e.summary}`);
}

export function renderPlanText(plan: PlanDocument, header: string, paint: Paint): string {
  const lines = [header, ""];
  if (plan.changes.length === 0) return `${lines.join("\n")}No changes. The organization matches the file.\n`;
  for (const c of plan.changes) {
    const sign = SIGN[c.action];
    lines.push(paint(COLOUR[sign], `  ${sign} ${changeHeading(c)}`));
    for (const [s, text] of changeLines(c)) lines.push(paint(COLOUR[s], `      ${s} ${text}`));
    for (const d of driftLines(c)) lines.push(paint("dim", d));
  }
  lines.push("", summaryLine(plan), budgetLine(plan));
  return `${lines.join("\n")}\n`;
}
