// The requests a plan sends, and one table that says, for each kind, its method (the rate-limit
// class), its phase (later phases need what earlier ones made: groups before the robot accounts
// and users that join them, member changes next, deletes last), how it runs, and how it reads.
import type { CallOptions, IdentityClient } from "../../client/index.js";

export interface NewUser {
  email: string;
  name?: string;
  surname?: string;
}

export type Step =
  | { kind: "createGroup"; id: string; name: string; memberIds: string[] }
  | { kind: "createRobotAccount"; name: string; displayName?: string; groupIds: string[] }
  | { kind: "createUsers"; users: Array<NewUser & { id: string }>; groupIds: string[] }
  | { kind: "inviteUsers"; users: Array<NewUser & { groupIds: string[] }> }
  | { kind: "updateGroup"; id: string; name: string; add: string[]; remove: string[] }
  | { kind: "updateRobotAccount"; id: string; name: string; displayName?: string; add: string[]; remove: string[] }
  | { kind: "updateUser"; id?: string; email: string; name?: string; surname?: string; active?: boolean }
  | { kind: "deleteGroups"; ids: string[]; names: string[] }
  | { kind: "deleteRobotAccounts"; ids: string[]; names: string[] }
  | { kind: "deleteUsers"; ids: string[]; names: string[] };

export type StepKind = Step["kind"];
type Of<K extends StepKind> = Extract<Step, { kind: K }>;

interface StepType<S extends Step> {
  method: "POST" | "PUT" | "DELETE";
  phase: number;
  /** Sends the step's request; returns what it did, in words. */
  run(pm: IdentityClient, step: S, options: CallOptions): Promise<string>;
  /** The step in words, before it runs (for failures and the journal). */
  describe(step: S): string;
  /** `path (what)` of the request, for --dry-run. */
  request(step: S, partitionGlobalId: string): string;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

type BulkDelete = Of<"deleteGroups" | "deleteRobotAccounts" | "deleteUsers">;

/** Prunes: one bulk DELETE per kind, whatever the kind. */
function bulkDelete<S extends BulkDelete>(
  what: string,
  remove: (pm: IdentityClient, ids: string[], options: CallOptions) => Promise<void>,
  path: (partitionGlobalId: string) => string,
): StepType<S> {
  const describe = (s: S) => `delete ${count(s.ids.length, what)}: ${s.names.join(", ")}`;
  return {
    method: "DELETE",
    phase: 4,
    run: async (pm, s, o) => {
      await remove(pm, s.ids, o);
      return `${describe(s).replace(/^delete/, "deleted")}`;
    },
    describe,
    request: (s, pid) => `${path(pid)} (${count(s.ids.length, what)})`,
  };
}

export const STEPS: { [K in StepKind]: StepType<Of<K>> } = {
  createGroup: {
    method: "POST",
    phase: 1,
    run: async (pm, s, o) => `created group ${(await pm.groups.create({ id: s.id, name: s.name, memberIds: s.memberIds }, o)).name}`,
    describe: (s) => `create group ${s.name}`,
    request: (s) => `/api/Group (${s.name}, ${count(s.memberIds.length, "member")})`,
  },
  createRobotAccount: {
    method: "POST",
    phase: 2,
    run: async (pm, s, o) => {
      const input = {
        name: s.name,
        ...(s.displayName !== undefined && { displayName: s.displayName }),
        ...(s.groupIds.length > 0 && { groupIds: s.groupIds }),
      };
      return `created robot account ${(await pm.robotAccounts.create(input, o)).name}`;
    },
    describe: (s) => `create robot account ${s.name}`,
    request: (s) => `/api/RobotAccount (${s.name}, ${count(s.groupIds.length, "group")})`,
  },
  createUsers: {
    method: "POST",
    phase: 2,
    run: async (pm, s, o) => {
      const users = await pm.users.createMany({ users: s.users, ...(s.groupIds.length > 0 && { groupIds: s.groupIds }) }, o);
      return `created ${count(users.length, "user")}`;
    },
    describe: (s) => `create ${count(s.users.length, "user")}`,
    request: (s) => `/api/User/BulkCreate (${count(s.users.length, "user")})`,
  },
  inviteUsers: {
    method: "POST",
    phase: 2,
    run: async (pm, s, o) => {
      const invited = await pm.users.invite(
        s.users.map((u) => ({ ...u, ...(u.groupIds.length === 0 && { groupIds: undefined }) })),
        o,
      );
      const failed = invited.filter((u) => !u.success);
      if (failed.length > 0) throw new Error(failed.map((u) => `${u.email}: ${u.errorMsg ?? "not invited"}`).join("; "));
      return `invited ${count(invited.length, "user")}`;
    },
    describe: (s) => `invite ${count(s.users.length, "user")}`,
    request: (s) => `/api/User/InviteUsers (${count(s.users.length, "user")})`,
  },
  updateGroup: {
    method: "PUT",
    phase: 3,
    run: async (pm, s, o) => {
      const changes = {
        name: s.name,
        ...(s.add.length > 0 && { addMemberIds: s.add }),
        ...(s.remove.length > 0 && { removeMemberIds: s.remove }),
      };
      await pm.groups.update(s.id, changes, o);
      return `changed the members of ${s.name} (+${s.add.length} -${s.remove.length})`;
    },
    describe: (s) => `change the members of ${s.name}`,
    request: (s) => `/api/Group/${s.id} (${s.name}: +${s.add.length} -${s.remove.length})`,
  },
  updateRobotAccount: {
    method: "PUT",
    phase: 3,
    run: async (pm, s, o) => {
      const changes = {
        ...(s.displayName !== undefined && { displayName: s.displayName }),
        ...(s.add.length > 0 && { addToGroupIds: s.add }),
        ...(s.remove.length > 0 && { removeFromGroupIds: s.remove }),
      };
      await pm.robotAccounts.update(s.id, changes, o);
      return `changed robot account ${s.name}`;
    },
    describe: (s) => `change robot account ${s.name}`,
    request: (s) => `/api/RobotAccount/${s.id} (${s.name})`,
  },
  updateUser: {
    method: "PUT",
    phase: 3,
    run: async (pm, s, o) => {
      // A user invited in this run has an id only the service knows: found by address (one GET).
      const id = s.id ?? (await pm.users.findByEmail(s.email, o)).id;
      const changes = {
        ...(s.name !== undefined && { name: s.name }),
        ...(s.surname !== undefined && { surname: s.surname }),
        ...(s.active !== undefined && { isActive: s.active }),
      };
      await pm.users.update(id, changes, o);
      return `changed user ${s.email}`;
    },
    describe: (s) => `change user ${s.email}`,
    request: (s) => `/api/User/${s.id ?? `{id of ${s.email}}`} (${s.email})`,
  },
  deleteGroups: bulkDelete(
    "group",
    (pm, ids, o) => pm.groups.deleteMany(ids, o),
    (pid) => `/api/Group/${pid}`,
  ),
  deleteRobotAccounts: bulkDelete(
    "robot account",
    (pm, ids, o) => pm.robotAccounts.deleteMany(ids, o),
    (pid) => `/api/RobotAccount/${pid}`,
  ),
  deleteUsers: bulkDelete(
    "user",
    (pm, ids, o) => pm.users.deleteMany(ids, o),
    () => "/api/User",
  ),
};

/** The table's entry for a step, typed for that step. */
export function stepType<S extends Step>(step: S): StepType<S> {
  return STEPS[step.kind] as unknown as StepType<S>;
}

export const methodOf = (step: Step) => stepType(step).method;
export const describeStep = (step: Step) => stepType(step).describe(step);
export const runStep = (pm: IdentityClient, step: Step, options: CallOptions) => stepType(step).run(pm, step, options);

/** `METHOD path (what)`, for --dry-run. */
export function requestLine(step: Step, partitionGlobalId: string): string {
  const type = stepType(step);
  return `${type.method} ${type.request(step, partitionGlobalId)}`;
}

/** Requests by method. */
export function requestsByMethod(steps: Step[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of steps) out[methodOf(s)] = (out[methodOf(s)] ?? 0) + 1;
  return out;
}

/** Steps in the order they may run: by phase, keeping the plan's order within one. */
export function byPhase(steps: Step[]): Step[][] {
  const phases = [...new Set(steps.map((s) => stepType(s).phase))].sort((a, b) => a - b);
  return phases.map((p) => steps.filter((s) => stepType(s).phase === p));
}
