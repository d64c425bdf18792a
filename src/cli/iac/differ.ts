// From "what the file says" and "what the organization has" to the changes (the plan as data) and
// the fewest requests that make them. The budgets decide the shape: PUT and DELETE (160 per 5
// minutes) are scarce, POST (24,000) is plentiful. So a group's whole membership change is one PUT;
// new robot accounts and users join their groups inside their own create (a POST); prunes are one
// bulk DELETE per kind; and a robot account that needs a PUT anyway (a new display name) carries
// its own group changes in it. Built-in groups have their members managed like any group's, and
// are never renamed or deleted; Everyone's membership is implicit and cannot be listed.
import { distance } from "fastest-levenshtein";
import type { Group, RobotAccount } from "../../client/index.js";
import { isGuid } from "../../client/validate.js";
import { closest } from "../names.js";
import type { DesiredMember, FileProblem, IdentityFile, Located, Position } from "./identity-file.js";
import { where } from "./identity-file.js";
import type { LiveState, ReadNeeds } from "./live.js";
import { orderChanges, type Change, type GroupChange, type MemberChange, type MemberKind } from "./model.js";
import type { NewUser, Step } from "./steps.js";

export interface Computed {
  changes: Change[];
  steps: Step[];
  notes: string[];
  /** Members, robot accounts or users the file names that do not resolve; reported all together. */
  problems: FileProblem[];
}

export interface DiffOptions {
  /** Chooses the ids of new groups and users (the service takes a client-chosen id, which makes a re-run safe). */
  newId?: () => string;
  /** Whether missing users are invited (Automation Cloud) rather than created, unless an entry says. */
  invite?: boolean;
}

/** New users per bulk create or invitation; the service documents no limit, this keeps each body moderate. */
export const USERS_PER_REQUEST = 500;
export const EVERYONE = "everyone";
export const ADMINISTRATORS = "administrators";

const lower = (s: string) => s.toLowerCase();
export const isBuiltIn = (g: Pick<Group, "type">) => g.type === 0 || g.type === "builtIn";
const isEveryone = (g: Group) => isBuiltIn(g) && lower(g.name ?? "") === EVERYONE;

interface Member {
  id: string;
  kind: MemberKind;
  name: string;
}

/** What the plan must read beyond groups and robot accounts: the fewest memberships and names. */
export function needsFor(file: IdentityFile, groups: Group[], robots: RobotAccount[]): ReadNeeds {
  const robotNames = new Set([...robots.map((r) => lower(r.name ?? "")), ...file.robotAccounts.map((r) => lower(r.name))]);
  const existing = new Map(groups.map((g) => [lower(g.name ?? ""), g]));
  const full = new Set<string>();
  const usersOnly = new Set<string>();
  for (const g of file.groups) {
    const live = existing.get(lower(g.name));
    if (!live || g.members === undefined || isEveryone(live)) continue;
    // Exclusive groups must know every member to remove the others; a directory group shows only in /Members.
    if (g.exclusive || g.members.some((m) => m.kind === "directoryGroup")) full.add(live.id);
    else usersOnly.add(live.id);
  }
  for (const u of file.users) {
    for (const ref of u.groups) {
      const live = existing.get(lower(ref.value));
      if (live && !isEveryone(live)) usersOnly.add(live.id);
    }
  }
  // Deleting users or robot accounts may empty Administrators: the guard must know its members.
  const admins = groups.find((g) => isBuiltIn(g) && lower(g.name ?? "") === ADMINISTRATORS);
  if (admins && (file.prune.users || file.prune.robotAccounts)) full.add(admins.id);
  const members = file.groups.flatMap((g) => g.members ?? []);
  const userNames = [
    ...members.filter((m) => m.kind === "any" && !isGuid(m.value) && !robotNames.has(lower(m.value))).map((m) => m.value),
    ...file.users.map((u) => u.email),
  ];
  return {
    fullMembers: [...full],
    userMembers: [...usersOnly].filter((g) => !full.has(g)),
    userNames,
    directoryGroupNames: members.filter((m) => m.kind === "directoryGroup").map((m) => m.value),
    ...(file.prune.users && { allUsers: true }),
  };
}

export function computePlan(file: IdentityFile, live: LiveState, options: DiffOptions = {}): Computed {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const problems: FileProblem[] = [];
  const notes: string[] = [];
  const problem = (at: Position, message: string) => problems.push({ at, message });

  const liveGroupByName = new Map(live.groups.map((g) => [lower(g.name ?? ""), g]));
  const liveGroupById = new Map(live.groups.map((g) => [lower(g.id), g]));
  const liveRobotByName = new Map(live.robotAccounts.map((r) => [lower(r.name ?? ""), r]));
  const robotById = new Map(live.robotAccounts.map((r) => [lower(r.id), r]));
  const fileRobots = new Map(file.robotAccounts.map((r) => [lower(r.name), r]));
  const fileUsers = new Map(file.users.map((u) => [lower(u.email), u]));
  const newUserEmails = new Set(file.users.filter((u) => !live.usersByName.has(lower(u.email))).map((u) => lower(u.email)));

  // Every group the plan can point at: existing ones by their id, new ones by an id chosen now.
  const groupIdByName = new Map<string, string>(live.groups.map((g) => [lower(g.name ?? ""), lower(g.id)]));
  const newGroups = new Map<string, { id: string; name: string; exclusive: boolean }>();
  for (const g of file.groups) {
    const existing = liveGroupByName.get(lower(g.name));
    if (existing) {
      // Everyone's members and joining it are refused before any read (offline-checks.ts).
      if (g.builtIn && !isBuiltIn(existing)) {
        notes.push(`${where(g.at)}: ${JSON.stringify(g.name)} is marked builtIn but is a custom group; it is managed like any other.`);
      }
      continue;
    }
    if (g.builtIn) {
      problem(g.at, `built-in group ${JSON.stringify(g.name)} does not exist in this organization${suggest(g.name, groupNames())}`);
      continue;
    }
    const id = lower(newId());
    newGroups.set(id, { id, name: g.name, exclusive: g.exclusive });
    groupIdByName.set(lower(g.name), id);
  }
  function groupNames(): string[] {
    return [...live.groups.map((g) => g.name ?? ""), ...[...newGroups.values()].map((n) => n.name)];
  }
  const groupName = (id: string) => newGroups.get(id)?.name ?? liveGroupById.get(id)?.name ?? id;
  /** A group a robot account or user asks to join, by name or id. */
  const groupRef = (ref: Located<string>): string | undefined => {
    const id = isGuid(ref.value)
      ? liveGroupById.has(lower(ref.value))
        ? lower(ref.value)
        : undefined
      : groupIdByName.get(lower(ref.value));
    if (!id) {
      problem(
        ref.at,
        `group ${JSON.stringify(ref.value)} does not exist (neither in this organization nor in the file)${suggest(ref.value, groupNames())}`,
      );
      return undefined;
    }
    const g = liveGroupById.get(id);
    return g && isEveryone(g) ? undefined : id;
  };

  // New robot accounts and users that groups list as members join in their own create.
  const pendingJoins = new Map<string, Set<string>>(); // lower-cased name or address -> group ids
  const pend = (key: string, groupId: string) => pendingJoins.set(key, (pendingJoins.get(key) ?? new Set()).add(groupId));

  const memberRef = (ref: DesiredMember, groupId: string): Member | undefined => {
    const v = ref.value;
    if (ref.kind === "directoryGroup") {
      const dg = live.directoryGroupsByName.get(lower(v)) ?? (isGuid(v) ? live.directoryGroupsById.get(lower(v)) : undefined);
      if (dg) return { id: dg.id, kind: "directoryGroup", name: dg.name };
      if (isGuid(v)) return { id: lower(v), kind: "directoryGroup", name: v };
      const found = live.unknownGroupNames.get(lower(v));
      problem(
        ref.at,
        found
          ? `${JSON.stringify(v)} is ${found}: only groups of the linked directory can be members`
          : `no directory group is named ${JSON.stringify(v)} (the directory does not know it)`,
      );
      return undefined;
    }
    if (isGuid(v)) {
      const id = lower(v);
      const robot = robotById.get(id);
      if (robot) return { id, kind: "robotAccount", name: robot.name ?? v };
      const dg = live.directoryGroupsById.get(id);
      if (dg) return { id, kind: "directoryGroup", name: dg.name };
      const u = live.usersById.get(id);
      return { id, kind: "user", name: u ? u.email || u.userName || v : v };
    }
    const user = live.usersByName.get(lower(v));
    if (user) return { id: user.id, kind: "user", name: user.email || user.userName || v };
    const robot = liveRobotByName.get(lower(v));
    if (robot) return { id: lower(robot.id), kind: "robotAccount", name: robot.name ?? v };
    if (fileRobots.has(lower(v)) || newUserEmails.has(lower(v))) {
      pend(lower(v), groupId);
      return undefined;
    }
    const candidates = [
      ...(live.suggestions.get(lower(v)) ?? []),
      ...[...live.usersByName.values()].map((u) => u.email || u.userName),
      ...live.robotAccounts.map((r) => r.name ?? ""),
    ];
    const hint = suggest(v, candidates) || " (the directory does not know this address or user name)";
    problem(ref.at, `no user or robot account is named ${JSON.stringify(v)}${hint}`);
    return undefined;
  };

  // What each group should have: what the file lists, plus robot accounts and users asking for it.
  const wanted = new Map<string, Map<string, Member>>();
  const want = (groupId: string, m: Member) => wanted.set(groupId, (wanted.get(groupId) ?? new Map<string, Member>()).set(m.id, m));
  const managed = new Set<string>();
  for (const g of file.groups) {
    const id = groupIdByName.get(lower(g.name));
    if (!id || g.members === undefined) continue;
    const existing = liveGroupById.get(id);
    if (existing && isEveryone(existing)) continue;
    managed.add(id);
    if (!wanted.has(id)) wanted.set(id, new Map());
    for (const ref of g.members) {
      const m = memberRef(ref, id);
      if (m) want(id, m);
    }
  }

  const steps: Step[] = [];
  const changes: Change[] = [];
  const memberChangesOf = new Map<string, MemberChange[]>(); // group id -> its member changes

  // Robot accounts: create the missing ones (joining their groups in the create); for existing
  // ones, a new display name is a PUT that can carry their group changes too.
  const robotPut = new Map<string, Extract<Step, { kind: "updateRobotAccount" }>>();
  const robotChange = new Map<string, Change>();
  for (const r of file.robotAccounts) {
    const groupIds = r.groups.map(groupRef).filter((x): x is string => x !== undefined);
    const existing = liveRobotByName.get(lower(r.name));
    if (!existing) {
      const joins = [...new Set([...groupIds, ...(pendingJoins.get(lower(r.name)) ?? [])])];
      steps.push({
        kind: "createRobotAccount",
        name: r.name,
        ...(r.displayName !== undefined && { displayName: r.displayName }),
        groupIds: joins,
      });
      changes.push({
        action: "create",
        resource: "robotAccount",
        name: r.name,
        attributes: r.displayName !== undefined ? [{ attribute: "displayName", after: r.displayName }] : [],
        members: [],
        groups: joins.map((g) => joined(g)),
      });
      for (const g of joins) addMemberChange(g, { action: "add", kind: "robotAccount", name: r.name, new: true });
      continue;
    }
    const rid = lower(existing.id);
    for (const g of groupIds) want(g, { id: rid, kind: "robotAccount", name: existing.name ?? r.name });
    if (r.displayName !== undefined && r.displayName !== existing.displayName) {
      const name = existing.name ?? r.name;
      robotPut.set(rid, { kind: "updateRobotAccount", id: rid, name, displayName: r.displayName, add: [], remove: [] });
      const change: Change = {
        action: "update",
        resource: "robotAccount",
        name,
        id: rid,
        attributes: [{ attribute: "displayName", before: existing.displayName ?? null, after: r.displayName }],
        members: [],
        groups: [],
      };
      robotChange.set(rid, change);
      changes.push(change);
    }
  }

  // Users: missing ones are invited or created (grouped by the groups they join), joining their
  // groups in that request; existing ones join through the groups' PUTs, and get a PUT of their
  // own only for new names or a new active state.
  const newUserBatches = new Map<string, { groupIds: string[]; users: Array<NewUser & { id: string }> }>();
  const invitations: Array<NewUser & { groupIds: string[] }> = [];
  const userPuts: Step[] = [];
  for (const u of file.users) {
    const groupIds = [...new Set(u.groups.map(groupRef).filter((x): x is string => x !== undefined))];
    const existing = live.usersByName.get(lower(u.email));
    const names = { ...(u.name !== undefined && { name: u.name }), ...(u.surname !== undefined && { surname: u.surname }) };
    if (!existing) {
      const joins = [...new Set([...groupIds, ...(pendingJoins.get(lower(u.email)) ?? [])])].sort();
      const invite = u.invite ?? options.invite ?? false;
      let id: string | undefined;
      if (invite) invitations.push({ email: u.email, ...names, groupIds: joins });
      else {
        id = lower(newId());
        const key = joins.join(",");
        const batch = newUserBatches.get(key) ?? { groupIds: joins, users: [] };
        batch.users.push({ id, email: u.email, ...names });
        newUserBatches.set(key, batch);
      }
      // Neither create form takes the active state: a user made inactive is switched off after.
      if (u.active === false) userPuts.push({ kind: "updateUser", ...(id !== undefined && { id }), email: u.email, active: false });
      changes.push({
        action: "create",
        resource: "user",
        name: u.email,
        ...(invite && { invite: true }),
        attributes: [
          ...(u.name !== undefined ? [{ attribute: "name" as const, after: u.name }] : []),
          ...(u.surname !== undefined ? [{ attribute: "surname" as const, after: u.surname }] : []),
          ...(u.active !== undefined ? [{ attribute: "active" as const, after: u.active }] : []),
        ],
        members: [],
        groups: joins.map((g) => joined(g)),
      });
      for (const g of joins) addMemberChange(g, { action: "add", kind: "user", name: u.email, new: true });
      continue;
    }
    for (const g of groupIds) want(g, { id: existing.id, kind: "user", name: existing.email || existing.userName });
    const attributes: Change["attributes"] = [];
    if (u.name !== undefined && u.name !== (existing.name ?? ""))
      attributes.push({ attribute: "name", before: existing.name ?? null, after: u.name });
    if (u.surname !== undefined && u.surname !== (existing.surname ?? "")) {
      attributes.push({ attribute: "surname", before: existing.surname ?? null, after: u.surname });
    }
    if (u.active !== undefined && existing.active !== undefined && u.active !== existing.active) {
      attributes.push({ attribute: "active", before: existing.active, after: u.active });
    }
    if (attributes.length > 0) {
      const email = existing.email || u.email;
      const changed = Object.fromEntries(attributes.map((a) => [a.attribute, a.after]));
      userPuts.push({ kind: "updateUser", id: existing.id, email, ...changed });
      changes.push({ action: "update", resource: "user", name: email, id: existing.id, attributes, members: [], groups: [] });
    }
  }

  // New groups: created with their existing members in the same POST.
  for (const g of newGroups.values()) {
    const members = [...(wanted.get(g.id)?.values() ?? [])];
    steps.push({ kind: "createGroup", id: g.id, name: g.name, memberIds: members.map((m) => m.id) });
    for (const m of members) addMemberChange(g.id, { action: "add", kind: m.kind, name: m.name, id: m.id });
  }

  // Existing groups: additions always; removals from exclusive groups only.
  const deltas = new Map<string, { add: Map<string, Member>; remove: Map<string, Member> }>();
  const exclusive = new Set(file.groups.filter((g) => g.exclusive).map((g) => groupIdByName.get(lower(g.name))));
  for (const [gid, members] of wanted) {
    const existing = liveGroupById.get(gid);
    if (!existing) continue;
    const current = currentMembers(live, gid);
    const delta = { add: new Map<string, Member>(), remove: new Map<string, Member>() };
    for (const m of members.values()) if (!current.has(m.id)) delta.add.set(m.id, m);
    if (managed.has(gid) && exclusive.has(gid)) {
      for (const [id, kind] of current) if (!members.has(id)) delta.remove.set(id, { id, kind, name: memberName(live, id, kind) });
    }
    if (delta.add.size > 0 || delta.remove.size > 0) deltas.set(gid, delta);
    for (const m of delta.add.values()) addMemberChange(gid, { action: "add", kind: m.kind, name: m.name, id: m.id });
    for (const m of delta.remove.values()) addMemberChange(gid, { action: "remove", kind: m.kind, name: m.name, id: m.id });
  }

  // A robot account with a PUT of its own carries its membership changes there, for free.
  for (const [gid, d] of deltas) {
    for (const [side, list] of [
      ["add", d.add],
      ["remove", d.remove],
    ] as const) {
      for (const [mid, m] of [...list]) {
        const put = robotPut.get(mid);
        if (m.kind !== "robotAccount" || !put) continue;
        put[side].push(gid);
        list.delete(mid);
        robotChange.get(mid)?.groups.push({ action: side, group: groupName(gid) });
      }
    }
  }
  for (const put of robotPut.values()) steps.push(put);
  for (const [gid, d] of deltas) {
    if (d.add.size === 0 && d.remove.size === 0) continue;
    steps.push({ kind: "updateGroup", id: gid, name: groupName(gid), add: [...d.add.keys()], remove: [...d.remove.keys()] });
  }
  steps.push(...userPuts);
  for (const batch of newUserBatches.values()) {
    for (const users of chunks(batch.users)) steps.push({ kind: "createUsers", users, groupIds: batch.groupIds });
  }
  for (const users of chunks(invitations)) steps.push({ kind: "inviteUsers", users });

  // Group changes: one per group whose members change, or that is new.
  for (const g of newGroups.values()) {
    changes.push({
      action: "create",
      resource: "group",
      name: g.name,
      ...(g.exclusive && { exclusive: true }),
      attributes: [],
      members: sortMembers(memberChangesOf.get(g.id) ?? []),
      groups: [],
    });
  }
  for (const [gid, members] of memberChangesOf) {
    const existing = liveGroupById.get(gid);
    if (!existing) continue;
    changes.push({
      action: "update",
      resource: "group",
      name: existing.name ?? gid,
      id: gid,
      ...(isBuiltIn(existing) && { builtIn: true }),
      ...(exclusive.has(gid) && { exclusive: true }),
      attributes: [],
      members: sortMembers(members),
      groups: [],
    });
  }

  // Prunes: one bulk delete per kind. Never built-in groups, never directory users, never a user
  // the file could not name (no e-mail address).
  if (file.prune.groups) {
    const keep = new Set(file.groups.map((g) => lower(g.name)));
    const gone = live.groups.filter((g) => !isBuiltIn(g) && !keep.has(lower(g.name ?? "")));
    if (gone.length > 0) steps.push({ kind: "deleteGroups", ids: gone.map((g) => lower(g.id)), names: gone.map((g) => g.name ?? g.id) });
    for (const g of gone) changes.push(deletion("group", g.name ?? g.id, g.id));
  }
  if (file.prune.robotAccounts) {
    const gone = live.robotAccounts.filter((r) => !fileRobots.has(lower(r.name ?? "")));
    if (gone.length > 0)
      steps.push({ kind: "deleteRobotAccounts", ids: gone.map((r) => lower(r.id)), names: gone.map((r) => r.name ?? r.id) });
    for (const r of gone) changes.push(deletion("robotAccount", r.name ?? r.id, r.id));
  }
  if (file.prune.users && live.allUsers) {
    const gone = live.allUsers.filter((u) => u.local && u.email !== "" && !fileUsers.has(lower(u.email)));
    if (gone.length > 0) steps.push({ kind: "deleteUsers", ids: gone.map((u) => u.id), names: gone.map((u) => u.email) });
    for (const u of gone) changes.push(deletion("user", u.email, u.id));
  }

  return { changes: orderChanges(changes), steps, notes, problems };

  function addMemberChange(groupId: string, change: MemberChange): void {
    memberChangesOf.set(groupId, [...(memberChangesOf.get(groupId) ?? []), change]);
  }
  function joined(groupId: string): GroupChange {
    return { action: "add", group: groupName(groupId), ...(newGroups.has(groupId) && { new: true }) };
  }
}

/** A group's current members: users and directory groups as read, robot accounts from their own list. */
export function currentMembers(live: LiveState, groupId: string): Map<string, MemberKind> {
  const out = new Map<string, MemberKind>(live.members.get(groupId) ?? []);
  for (const r of live.robotAccounts) if ((r.groupIds ?? []).some((g) => lower(g) === groupId)) out.set(lower(r.id), "robotAccount");
  return out;
}

function memberName(live: LiveState, id: string, kind: MemberKind): string {
  if (kind === "robotAccount") return live.robotAccounts.find((r) => lower(r.id) === id)?.name ?? id;
  if (kind === "directoryGroup") return live.directoryGroupsById.get(id)?.name ?? id;
  const u = live.usersById.get(id);
  return u ? u.email || u.userName || id : id;
}

/** Members an exclusive group would lose that the reads named by id only (to name them, then plan again). */
export function unnamedRemovals(changes: Change[]): number {
  return changes.flatMap((c) => c.members).filter((m) => m.action === "remove" && m.id !== undefined && m.name === m.id).length;
}

/** Additions before removals; within each, members that exist before those this plan creates. */
function sortMembers(members: MemberChange[]): MemberChange[] {
  const rank = (m: MemberChange) => (m.action === "add" ? 0 : 2) + (m.new ? 1 : 0);
  return [...members].sort((a, b) => rank(a) - rank(b));
}

function deletion(resource: Change["resource"], name: string, id: string): Change {
  return { action: "delete", resource, name, id: lower(id), attributes: [], members: [], groups: [] };
}

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += USERS_PER_REQUEST) out.push(list.slice(i, i + USERS_PER_REQUEST));
  return out;
}

/** ` (did you mean "X"?)` with the closest known name, or nothing when none is close. */
function suggest(wanted: string, known: string[]): string {
  const names = [...new Set(known.filter(Boolean))];
  const [best] = closest(wanted, names, (n) => n, 1);
  // Only a near miss is worth suggesting: a few edits, relative to the name's length.
  if (best === undefined || distance(wanted.toLowerCase(), best.toLowerCase()) > Math.max(2, Math.floor(wanted.length / 3))) return "";
  return ` (did you mean ${JSON.stringify(best)}?)`;
}
