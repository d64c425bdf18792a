// From "what the file says" and "what the organization has" to the fewest requests that close the
// gap. The budgets decide the shape: PUT and DELETE (160 per 5 minutes) are scarce, POST (24,000)
// is plentiful. So a group's whole membership change is one PUT; new robot accounts and users join
// their groups inside their own create (a POST); prunes are one bulk DELETE per kind; and a robot
// account that needs a PUT anyway (a new display name) carries its own group changes in it.
import { isGuid } from "../../client/index.js";
import type { DesiredGroup, IdentityFile, Located, Position } from "./identity-file.js";
import { where } from "./identity-file.js";
import type { LiveState } from "./live.js";

export type Step =
  | { kind: "createGroup"; id: string; name: string; memberIds: string[] }
  | { kind: "createRobot"; name: string; displayName?: string; groupIds: string[] }
  | { kind: "createUsers"; users: Array<{ email: string; name?: string; surname?: string }>; groupIds: string[] }
  | { kind: "updateGroup"; id: string; name: string; add: string[]; remove: string[] }
  | { kind: "updateRobot"; id: string; name: string; displayName?: string; add: string[]; remove: string[] }
  | { kind: "updateUser"; id: string; email: string; name?: string; surname?: string }
  | { kind: "deleteGroups"; ids: string[]; names: string[] }
  | { kind: "deleteRobots"; ids: string[]; names: string[] };

export type StepKind = Step["kind"];

/** The HTTP method (rate-limit class) of each step, and the phase it runs in (later phases need earlier ones). */
export const STEP_METHOD: Record<StepKind, "POST" | "PUT" | "DELETE"> = {
  createGroup: "POST",
  createRobot: "POST",
  createUsers: "POST",
  updateGroup: "PUT",
  updateRobot: "PUT",
  updateUser: "PUT",
  deleteGroups: "DELETE",
  deleteRobots: "DELETE",
};
export const STEP_PHASE: Record<StepKind, number> = {
  createGroup: 1,
  createRobot: 2,
  createUsers: 2,
  updateGroup: 3,
  updateRobot: 3,
  updateUser: 3,
  deleteGroups: 4,
  deleteRobots: 4,
};

export interface Change {
  op: "+" | "~" | "-";
  what: "group" | "robot account" | "user";
  name: string;
  /** Indented lines under the change: members added (+) and removed (-), fields changed (~). */
  details: Array<{ op: "+" | "-" | "~"; text: string }>;
}

export interface Plan {
  changes: Change[];
  steps: Step[];
  /** Groups the file lists as built in, or that are built in: shown, never changed. */
  notes: string[];
}

/** A member, robot account or user the file names that does not resolve; thrown all together. */
export interface PlanProblem {
  at: Position;
  message: string;
}

/** New users per bulk create; the service documents no limit, this keeps each body moderate. */
export const USERS_PER_BULK_CREATE = 500;

const lower = (s: string) => s.toLowerCase();
const isBuiltIn = (type: unknown) => type === 0 || type === "builtIn";

interface MemberRef {
  id: string;
  label: string;
  robot: boolean;
}

export function computePlan(
  file: IdentityFile,
  live: LiveState,
  newId: () => string = () => crypto.randomUUID(),
): { plan: Plan; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const changes: Change[] = [];
  const steps: Step[] = [];
  const notes: string[] = [];

  const liveGroupByName = new Map(live.groups.map((g) => [lower(g.name ?? ""), g]));
  const liveRobotByName = new Map(live.robots.map((r) => [lower(r.name ?? ""), r]));
  const robotById = new Map(live.robots.map((r) => [lower(r.id), r]));
  const fileRobots = new Map(file.robotAccounts.map((r) => [lower(r.name), r]));

  // Every group the plan can point at: existing ones by their id, new ones by an id chosen now
  // (the service takes a client-chosen id on create, which is also what makes a re-run safe).
  const groupIdByName = new Map<string, string>();
  for (const g of live.groups) groupIdByName.set(lower(g.name ?? ""), lower(g.id));
  const newGroups = new Map<string, { id: string; desired: DesiredGroup }>();
  for (const g of file.groups) {
    const existing = liveGroupByName.get(lower(g.name));
    if (existing) {
      if (isBuiltIn(existing.type)) {
        if (!g.builtIn && g.members !== undefined) {
          problems.push({
            at: g.at,
            message: `${JSON.stringify(g.name)} is a built-in group: its members cannot be managed here (mark it builtIn: true or leave its members out)`,
          });
        }
        continue;
      }
      if (g.builtIn)
        notes.push(`${where(g.at)}: ${JSON.stringify(g.name)} is marked builtIn but is a custom group; it is managed like any other.`);
    } else {
      if (g.builtIn) {
        problems.push({ at: g.at, message: `built-in group ${JSON.stringify(g.name)} does not exist in this organization` });
        continue;
      }
      const id = lower(newId());
      newGroups.set(lower(g.name), { id, desired: g });
      groupIdByName.set(lower(g.name), id);
    }
  }
  const groupRef = (ref: Located<string>): string | undefined => {
    const id = isGuid(ref.value) ? live.groups.find((g) => lower(g.id) === lower(ref.value))?.id : groupIdByName.get(lower(ref.value));
    if (!id)
      problems.push({
        at: ref.at,
        message: `group ${JSON.stringify(ref.value)} does not exist (neither in this organization nor in the file)`,
      });
    return id ? lower(id) : undefined;
  };
  const groupName = (id: string) =>
    [...newGroups.values()].find((n) => n.id === id)?.desired.name ?? live.groups.find((g) => lower(g.id) === id)?.name ?? id;

  // Members as the file names them: a user by e-mail or user name, a robot account by name (one in
  // the organization or one this file creates), or an id.
  const pendingRobotJoins = new Map<string, Set<string>>(); // new robot name -> group ids
  const memberRef = (ref: Located<string>, groupId: string): MemberRef | undefined => {
    const v = ref.value;
    if (isGuid(v)) {
      const robot = robotById.get(lower(v));
      return { id: lower(v), label: robot?.name ?? live.usersById.get(lower(v))?.email ?? v, robot: Boolean(robot) };
    }
    const user = live.usersByName.get(lower(v));
    if (user) return { id: user.id, label: user.email || user.userName || v, robot: false };
    const robot = liveRobotByName.get(lower(v));
    if (robot) return { id: lower(robot.id), label: robot.name ?? v, robot: true };
    if (fileRobots.has(lower(v))) {
      // A robot account this file creates: it joins in its own create.
      const joins = pendingRobotJoins.get(lower(v)) ?? new Set<string>();
      joins.add(groupId);
      pendingRobotJoins.set(lower(v), joins);
      return undefined;
    }
    problems.push({
      at: ref.at,
      message: `no user or robot account is named ${JSON.stringify(v)} (the directory does not know this address or user name)`,
    });
    return undefined;
  };

  // What each existing group should gain and lose; robot accounts' own `groups` and the users of
  // the file add to it. Exclusive groups also lose whatever nobody in the file asked for.
  interface GroupDelta {
    id: string;
    name: string;
    add: Map<string, MemberRef>;
    remove: Map<string, MemberRef>;
  }
  const deltas = new Map<string, GroupDelta>();
  const delta = (id: string): GroupDelta => {
    let d = deltas.get(id);
    if (!d) deltas.set(id, (d = { id, name: groupName(id), add: new Map(), remove: new Map() }));
    return d;
  };
  const liveMembers = (groupId: string): Set<string> => {
    const users = live.userMembers.get(groupId) ?? new Set<string>();
    const robots = live.robots.filter((r) => (r.groupIds ?? []).some((g) => lower(g) === groupId)).map((r) => lower(r.id));
    return new Set([...users, ...robots]);
  };
  const wanted = new Map<string, Map<string, MemberRef>>(); // group id -> members the file asks for

  for (const g of file.groups) {
    const id = groupIdByName.get(lower(g.name));
    if (!id || g.members === undefined) continue;
    if (liveGroupByName.has(lower(g.name)) && isBuiltIn(liveGroupByName.get(lower(g.name))?.type)) continue;
    const set = wanted.get(id) ?? new Map<string, MemberRef>();
    for (const ref of g.members) {
      const m = memberRef(ref, id);
      if (m) set.set(m.id, m);
    }
    wanted.set(id, set);
  }

  // Robot accounts: create the missing ones (joining their groups in the create); for existing
  // ones, a new display name is a PUT that can carry group changes too.
  const robotPut = new Map<string, Extract<Step, { kind: "updateRobot" }>>();
  for (const r of file.robotAccounts) {
    const groupIds = r.groups.map((ref) => groupRef(ref)).filter((x): x is string => x !== undefined);
    const existing = liveRobotByName.get(lower(r.name));
    if (!existing) {
      const joins = [...new Set([...groupIds, ...(pendingRobotJoins.get(lower(r.name)) ?? [])])];
      steps.push({
        kind: "createRobot",
        name: r.name,
        ...(r.displayName !== undefined && { displayName: r.displayName }),
        groupIds: joins,
      });
      changes.push({
        op: "+",
        what: "robot account",
        name: r.name,
        details: [
          ...(r.displayName !== undefined ? [{ op: "+" as const, text: `display name ${JSON.stringify(r.displayName)}` }] : []),
          ...joins.map((g) => ({ op: "+" as const, text: `in ${groupName(g)}` })),
        ],
      });
      continue;
    }
    const rid = lower(existing.id);
    // Asked into a group: wanted there (so an exclusive group keeps it, and others add it if missing).
    for (const g of groupIds) {
      const set = wanted.get(g) ?? new Map<string, MemberRef>();
      set.set(rid, { id: rid, label: existing.name ?? r.name, robot: true });
      wanted.set(g, set);
    }
    if (r.displayName !== undefined && r.displayName !== existing.displayName) {
      robotPut.set(rid, { kind: "updateRobot", id: rid, name: existing.name ?? r.name, displayName: r.displayName, add: [], remove: [] });
      changes.push({
        op: "~",
        what: "robot account",
        name: existing.name ?? r.name,
        details: [{ op: "~", text: `display name ${JSON.stringify(existing.displayName)} → ${JSON.stringify(r.displayName)}` }],
      });
    }
  }

  // Users of the file: missing ones are created (in bulk, grouped by the groups they join); existing
  // ones join their groups through the groups' PUTs, and get a PUT of their own only for a new name.
  const newUsersByGroups = new Map<string, { groupIds: string[]; users: Array<{ email: string; name?: string; surname?: string }> }>();
  for (const u of file.users) {
    const groupIds = [...new Set(u.groups.map((ref) => groupRef(ref)).filter((x): x is string => x !== undefined))].sort();
    const existing = live.usersByName.get(lower(u.email));
    if (!existing) {
      const key = groupIds.join(",");
      const batch = newUsersByGroups.get(key) ?? { groupIds, users: [] };
      batch.users.push({
        email: u.email,
        ...(u.name !== undefined && { name: u.name }),
        ...(u.surname !== undefined && { surname: u.surname }),
      });
      newUsersByGroups.set(key, batch);
      changes.push({
        op: "+",
        what: "user",
        name: u.email,
        details: [
          ...(u.name || u.surname
            ? [{ op: "+" as const, text: `name ${JSON.stringify([u.name, u.surname].filter(Boolean).join(" "))}` }]
            : []),
          ...groupIds.map((g) => ({ op: "+" as const, text: `in ${groupName(g)}` })),
        ],
      });
      continue;
    }
    for (const g of groupIds) {
      const set = wanted.get(g) ?? new Map<string, MemberRef>();
      set.set(existing.id, { id: existing.id, label: existing.email || existing.userName, robot: false });
      wanted.set(g, set);
    }
    const nameChanges: Array<{ op: "~"; text: string }> = [];
    if (u.name !== undefined && u.name !== (existing.name ?? ""))
      nameChanges.push({ op: "~", text: `name ${JSON.stringify(existing.name ?? "")} → ${JSON.stringify(u.name)}` });
    if (u.surname !== undefined && u.surname !== (existing.surname ?? ""))
      nameChanges.push({ op: "~", text: `surname ${JSON.stringify(existing.surname ?? "")} → ${JSON.stringify(u.surname)}` });
    if (nameChanges.length > 0) {
      steps.push({
        kind: "updateUser",
        id: existing.id,
        email: existing.email || u.email,
        ...(u.name !== undefined && { name: u.name }),
        ...(u.surname !== undefined && { surname: u.surname }),
      });
      changes.push({ op: "~", what: "user", name: existing.email || u.email, details: nameChanges });
    }
  }

  // New groups: created with their existing members in the same POST.
  for (const { id, desired } of newGroups.values()) {
    const members = [...(wanted.get(id)?.values() ?? [])];
    steps.push({ kind: "createGroup", id, name: desired.name, memberIds: members.map((m) => m.id) });
    const joiningRobots = file.robotAccounts.filter(
      (r) =>
        !liveRobotByName.has(lower(r.name)) &&
        (r.groups.some((ref) => lower(ref.value) === lower(desired.name)) || pendingRobotJoins.get(lower(r.name))?.has(id)),
    );
    changes.push({
      op: "+",
      what: "group",
      name: desired.name,
      details: [
        ...members.map((m) => ({ op: "+" as const, text: m.label })),
        ...joiningRobots.map((r) => ({ op: "+" as const, text: `${r.name} (new robot account)` })),
        ...(desired.exclusive ? [{ op: "~" as const, text: "exclusive: members not in the file will be removed" }] : []),
      ],
    });
  }

  // Existing groups: additions always; removals only for exclusive ones.
  for (const g of file.groups) {
    const existing = liveGroupByName.get(lower(g.name));
    if (!existing || isBuiltIn(existing.type)) continue;
    const id = lower(existing.id);
    const current = liveMembers(id);
    const want = wanted.get(id) ?? new Map<string, MemberRef>();
    for (const m of want.values()) if (!current.has(m.id)) delta(id).add.set(m.id, m);
    if (g.exclusive) {
      for (const m of current) {
        if (want.has(m)) continue;
        // Robot accounts the file creates or names keep what they ask for; the rest leave.
        const robot = robotById.get(m);
        delta(id).remove.set(m, { id: m, label: robot?.name ?? live.usersById.get(m)?.email ?? m, robot: Boolean(robot) });
      }
    }
  }
  // Groups the file does not list can still gain members through robot accounts and users.
  const listed = new Set(file.groups.map((g) => groupIdByName.get(lower(g.name))));
  for (const [gid, want] of wanted) {
    if (listed.has(gid)) continue;
    const existing = live.groups.find((g) => lower(g.id) === gid);
    if (!existing || isBuiltIn(existing.type)) continue;
    const current = liveMembers(gid);
    for (const m of want.values()) if (!current.has(m.id)) delta(gid).add.set(m.id, m);
  }

  // A robot account with a PUT of its own carries its membership changes there, for free.
  for (const d of deltas.values()) {
    for (const [mid, m] of [...d.add]) {
      const put = robotPut.get(mid);
      if (m.robot && put) {
        put.add.push(d.id);
        d.add.delete(mid);
      }
    }
    for (const [mid, m] of [...d.remove]) {
      const put = robotPut.get(mid);
      if (m.robot && put) {
        put.remove.push(d.id);
        d.remove.delete(mid);
      }
    }
  }
  for (const put of robotPut.values()) {
    steps.push(put);
    const change = changes.find((c) => c.what === "robot account" && c.name === put.name && c.op === "~");
    change?.details.push(
      ...put.add.map((g) => ({ op: "+" as const, text: `in ${groupName(g)}` })),
      ...put.remove.map((g) => ({ op: "-" as const, text: `out of ${groupName(g)}` })),
    );
  }
  for (const d of deltas.values()) {
    if (d.add.size === 0 && d.remove.size === 0) continue;
    steps.push({ kind: "updateGroup", id: d.id, name: d.name, add: [...d.add.keys()], remove: [...d.remove.keys()] });
    changes.push({
      op: "~",
      what: "group",
      name: d.name,
      details: [
        ...[...d.add.values()].map((m) => ({ op: "+" as const, text: m.label })),
        ...[...d.remove.values()].map((m) => ({ op: "-" as const, text: m.label })),
      ],
    });
  }

  for (const batch of newUsersByGroups.values()) {
    for (let i = 0; i < batch.users.length; i += USERS_PER_BULK_CREATE) {
      steps.push({ kind: "createUsers", users: batch.users.slice(i, i + USERS_PER_BULK_CREATE), groupIds: batch.groupIds });
    }
  }

  // Prunes: one bulk delete per kind; never built-in groups.
  if (file.prune.groups) {
    const keep = new Set(file.groups.map((g) => lower(g.name)));
    const gone = live.groups.filter((g) => !isBuiltIn(g.type) && !keep.has(lower(g.name ?? "")));
    if (gone.length > 0) {
      steps.push({ kind: "deleteGroups", ids: gone.map((g) => lower(g.id)), names: gone.map((g) => g.name ?? g.id) });
      for (const g of gone) changes.push({ op: "-", what: "group", name: g.name ?? g.id, details: [] });
    }
  }
  if (file.prune.robotAccounts) {
    const gone = live.robots.filter((r) => !fileRobots.has(lower(r.name ?? "")));
    if (gone.length > 0) {
      steps.push({ kind: "deleteRobots", ids: gone.map((r) => lower(r.id)), names: gone.map((r) => r.name ?? r.id) });
      for (const r of gone) changes.push({ op: "-", what: "robot account", name: r.name ?? r.id, details: [] });
    }
  }

  steps.sort((a, b) => STEP_PHASE[a.kind] - STEP_PHASE[b.kind]);
  // Terraform's order: additions, changes, removals; within each, groups, robot accounts, users.
  changes.sort((a, b) => ORDER[a.op] - ORDER[b.op] || KINDS[a.what] - KINDS[b.what]);
  return { plan: { changes, steps, notes }, problems };
}

const ORDER = { "+": 0, "~": 1, "-": 2 } as const;
const KINDS = { group: 0, "robot account": 1, user: 2 } as const;

/** Terraform's closing line. */
export function summary(plan: Plan): { add: number; change: number; remove: number } {
  return {
    add: plan.changes.filter((c) => c.op === "+").length,
    change: plan.changes.filter((c) => c.op === "~").length,
    remove: plan.changes.filter((c) => c.op === "-").length,
  };
}

/** Requests the plan sends, by method. */
export function requestsByMethod(steps: Step[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of steps) out[STEP_METHOD[s.kind]] = (out[STEP_METHOD[s.kind]] ?? 0) + 1;
  return out;
}
