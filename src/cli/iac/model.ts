// The plan as data: what `plan -o json` prints, what a saved plan holds beside its requests, and
// what every renderer (text, JSON, markdown) reads. Each member added or removed is its own element
// with its kind, so a policy check can read "who joins Administrators" without parsing prose.
// Its JSON Schema ships as `uipath-identity-toolkit/plan.schema.json` (schema/plan.schema.json).

/** Bumped when a field changes meaning or goes away; additions keep the version. */
export const PLAN_FORMAT_VERSION = 1;

export type ResourceKind = "group" | "robotAccount" | "user";
export type MemberKind = "user" | "robotAccount" | "directoryGroup";
export type ChangeAction = "create" | "update" | "delete";

/** A member joining or leaving a group, named as a person would name it. */
export interface MemberChange {
  action: "add" | "remove";
  kind: MemberKind;
  /** A user's e-mail address (or user name), a robot account's or directory group's name; the id when no name is known. */
  name: string;
  /** Absent for a robot account or user this plan creates. */
  id?: string;
  /** True for a robot account or user this plan creates. */
  new?: boolean;
}

/** A robot account or user joining or leaving a group. */
export interface GroupChange {
  action: "add" | "remove";
  group: string;
  /** True for a group this plan creates. */
  new?: boolean;
}

export interface AttributeChange {
  attribute: "displayName" | "name" | "surname" | "active";
  /** Absent for a resource this plan creates. */
  before?: string | boolean | null;
  after: string | boolean | null;
}

/** Who last changed an object, from the audit log (when the token may read it): who, when, what. */
export interface DriftEvent {
  at: string;
  actor: string;
  summary: string;
}

export interface Change {
  action: ChangeAction;
  resource: ResourceKind;
  name: string;
  /** Absent for what this plan creates. */
  id?: string;
  /** A built-in group (Administrators and the like): its members change, nothing else. */
  builtIn?: boolean;
  /** A group whose members not in the file are removed. */
  exclusive?: boolean;
  /** A user made by invitation rather than created. */
  invite?: boolean;
  attributes: AttributeChange[];
  /** Groups: members added and removed, whichever request carries them. */
  members: MemberChange[];
  /** Robot accounts and users: groups joined and left. */
  groups: GroupChange[];
  /** Latest audit events that touched this object, newest first (only for objects that already exist). */
  drift?: DriftEvent[];
}

export interface PlanSummary {
  add: number;
  change: number;
  remove: number;
}

export interface PlanDocument {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  organization: { baseUrl: string; partitionGlobalId: string };
  summary: PlanSummary;
  /** Requests the plan sends, by method. */
  requests: Record<string, number>;
  /** The client's rate limits the requests are paced by (null: none), and the least time they allow. */
  rateLimits: { windowMs: number; budgets: Record<string, number> } | null;
  minimumDurationMs: number;
  changes: Change[];
  /** Things worth knowing that change nothing (a group marked builtIn that is custom, say). */
  notes: string[];
}

export function summarize(changes: Change[]): PlanSummary {
  return {
    add: changes.filter((c) => c.action === "create").length,
    change: changes.filter((c) => c.action === "update").length,
    remove: changes.filter((c) => c.action === "delete").length,
  };
}

export const RESOURCE_LABEL: Record<ResourceKind, string> = { group: "group", robotAccount: "robot account", user: "user" };
export const MEMBER_LABEL: Record<MemberKind, string> = { user: "user", robotAccount: "robot account", directoryGroup: "directory group" };

/** Terraform's order: additions, changes, removals; within each, groups, robot accounts, users. */
export function orderChanges(changes: Change[]): Change[] {
  const action = { create: 0, update: 1, delete: 2 } as const;
  const kind = { group: 0, robotAccount: 1, user: 2 } as const;
  return [...changes].sort((a, b) => action[a.action] - action[b.action] || kind[a.resource] - kind[b.resource]);
}

/** The least time the budgets allow for the requests: the first budget goes at once, each further one waits a window. */
export function minimumDuration(requests: Record<string, number>, limits: PlanDocument["rateLimits"]): number {
  if (!limits) return 0;
  let total = 0;
  for (const [method, n] of Object.entries(requests)) {
    const budget = limits.budgets[method];
    if (budget !== undefined && n > 0) total += Math.max(0, Math.ceil(n / budget) - 1) * limits.windowMs;
  }
  return total;
}
