// Guards against the one bad apply (Peribolos's --maximum-removal-delta, Terraform's "you can lock
// yourself out"): a plan that removes more than a share of a group's members, or deletes more than
// a share of the groups, robot accounts or users, is refused before anything is sent, whenever at
// least a handful would go; and no plan may leave Administrators without a member.
import { CliFailure } from "../failures.js";
import { ADMINISTRATORS, currentMembers, isBuiltIn } from "./differ.js";
import type { LiveState } from "./live.js";
import { RESOURCE_LABEL, type Change, type ResourceKind } from "./model.js";

/** The share of removals allowed without --max-removals, in percent. */
export const DEFAULT_MAX_REMOVALS = 25;
/** Fewer removals than this never trip the share guard (removing 2 of 3 is a normal edit). */
export const GUARD_MIN_COUNT = 5;

const lower = (s: string) => s.toLowerCase();
const percent = (part: number, whole: number) => Math.round((100 * part) / Math.max(1, whole));

/** What the guards refuse, one line each; empty when the plan may go ahead. */
export function guardViolations(changes: Change[], live: LiveState, maxRemovals = DEFAULT_MAX_REMOVALS): string[] {
  const out: string[] = [];
  const over = (removed: number, total: number) => removed >= GUARD_MIN_COUNT && (100 * removed) / Math.max(1, total) > maxRemovals;
  const raise = (removed: number, total: number) => `--max-removals ${Math.min(100, Math.ceil((100 * removed) / Math.max(1, total)))}`;

  for (const c of changes) {
    if (c.resource !== "group" || c.action !== "update" || c.id === undefined) continue;
    const removed = c.members.filter((m) => m.action === "remove").length;
    const total = currentMembers(live, c.id).size;
    if (over(removed, total)) {
      out.push(
        `the plan removes ${removed} of the ${total} members of group ${JSON.stringify(c.name)} (${percent(removed, total)}%), ` +
          `more than ${maxRemovals}%: check the file, or allow it with ${raise(removed, total)}`,
      );
    }
  }

  const totals: Record<ResourceKind, number> = {
    group: live.groups.filter((g) => !isBuiltIn(g)).length,
    robotAccount: live.robotAccounts.length,
    user: (live.allUsers ?? []).filter((u) => u.local).length,
  };
  for (const kind of ["group", "robotAccount", "user"] as const) {
    const deleted = changes.filter((c) => c.action === "delete" && c.resource === kind).length;
    if (over(deleted, totals[kind])) {
      out.push(
        `the plan deletes ${deleted} of the ${totals[kind]} ${RESOURCE_LABEL[kind]}s (${percent(deleted, totals[kind])}%), ` +
          `more than ${maxRemovals}%: check the file and its prune settings, or allow it with ${raise(deleted, totals[kind])}`,
      );
    }
  }

  const admins = administratorsAfter(changes, live);
  if (admins && admins.after === 0) {
    out.push(
      `the plan leaves ${JSON.stringify(admins.name)} with no member (it removes all ${admins.before}), and nobody could ` +
        "administer the organization: keep at least one member (no flag allows this)",
    );
  }
  return out;
}

/** Administrators' member count before and after the plan, when the plan takes any member away. */
function administratorsAfter(changes: Change[], live: LiveState): { name: string; before: number; after: number } | undefined {
  const group = live.groups.find((g) => isBuiltIn(g) && lower(g.name ?? "") === ADMINISTRATORS);
  if (!group) return undefined;
  const id = lower(group.id);
  const members = currentMembers(live, id);
  const before = members.size;
  const change = changes.find((c) => c.resource === "group" && c.id === id);
  const deleted = new Set(changes.filter((c) => c.action === "delete" && c.resource !== "group").map((c) => c.id));
  const removed = [
    ...(change?.members ?? []).filter((m) => m.action === "remove").map((m) => m.id),
    ...[...members.keys()].filter((m) => deleted.has(m)),
  ];
  if (removed.length === 0) return undefined;
  for (const m of removed) if (m !== undefined) members.delete(m);
  const added = (change?.members ?? []).filter((m) => m.action === "add").length;
  return { name: group.name ?? "Administrators", before, after: members.size + added };
}

/** Refuses a plan the guards stop: exit 1 before anything is sent, with the flag that would allow it. */
export function assertGuards(planned: { plan: { changes: Change[] }; live: LiveState }, maxRemovals: number): void {
  const violations = guardViolations(planned.plan.changes, planned.live, maxRemovals);
  if (violations.length > 0) throw new GuardRefusal(violations);
}

export class GuardRefusal extends CliFailure {
  constructor(readonly violations: string[]) {
    super(`Refusing the plan; nothing was sent:\n${violations.map((v) => `  - ${v}`).join("\n")}`);
  }
}
