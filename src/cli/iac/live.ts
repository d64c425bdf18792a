// Reading the live organization, spending as few GETs (the scarcer read budget) as the plan needs:
// the groups (one request), the robot accounts (their groups come with them), and members either
// from the user list (each user carries its groups: users only) or per group from `/Members`
// (users and directory groups), whichever the plan needs and costs fewer requests; e-mail
// addresses and directory-group names become ids in one directory lookup each, a POST.
import { createHash } from "node:crypto";
import { IdentityApiError, type Group, type IdentityClient, type RobotAccount, type User } from "../../client/index.js";

export interface UserRef {
  id: string;
  email: string;
  userName: string;
  name?: string | null | undefined;
  surname?: string | null | undefined;
  active?: boolean | undefined;
  /** A local user (not one of the linked directory's): the only kind export writes and prune deletes. */
  local?: boolean | undefined;
}

export interface DirectoryGroupRef {
  id: string;
  name: string;
}

/** Who a group's member is, beside robot accounts (which carry their groups themselves). */
export type MemberKindRead = "user" | "directoryGroup";

export interface LiveState {
  partitionGlobalId: string;
  baseUrl: string;
  groups: Group[];
  robotAccounts: RobotAccount[];
  /** Members that are users or directory groups, per group (lower-cased id), for the groups read. */
  members: Map<string, Map<string, MemberKindRead>>;
  /** Groups read through `/Members`, so their directory-group members are known too. */
  fullyRead: Set<string>;
  /** Users met while reading, by id. */
  usersById: Map<string, UserRef>;
  /** The same users by lower-cased e-mail address and user name. */
  usersByName: Map<string, UserRef>;
  /** Every user, when the whole list was read (export, prune of users). */
  allUsers?: UserRef[];
  directoryGroupsById: Map<string, DirectoryGroupRef>;
  /** Directory groups by lower-cased name. */
  directoryGroupsByName: Map<string, DirectoryGroupRef>;
  /** User names and addresses asked about that no user has (lower-cased). */
  unknownNames: Set<string>;
  /** Directory-group names the directory does not know (lower-cased), and what it found instead. */
  unknownGroupNames: Map<string, string | undefined>;
  /** For unknown user names: the addresses of users a search found near them ("did you mean"). */
  suggestions: Map<string, string[]>;
}

export interface ReadNeeds {
  /** Groups (ids) whose every member the plan must know: read through `/Members`. */
  fullMembers: string[];
  /** Groups (ids) whose user members are enough: the user list or `/Members`, whichever is cheaper. */
  userMembers: string[];
  /** User e-mail addresses or user names to turn into ids. */
  userNames: string[];
  /** Directory-group names to turn into ids. */
  directoryGroupNames: string[];
  /** Every user (export, prune of users). */
  allUsers?: boolean;
}

const lower = (s: string) => s.toLowerCase();
const PAGE = 1000;
/** The UserType integers `/Members` sends: 0 user, 2 directory user, 3 directory group (4, robot accounts, come from their own list). */
const MEMBER_TYPE: Record<number, MemberKindRead> = { 0: "user", 2: "user", 3: "directoryGroup" };
const MEMBER_TYPE_NAME: Record<string, MemberKindRead> = { user: "user", directoryUser: "user", directoryGroup: "directoryGroup" };

function userRef(u: User): UserRef {
  const type = u.type as unknown;
  const category = (u as { category?: unknown }).category;
  return {
    id: lower(u.id),
    email: u.email ?? "",
    userName: u.userName ?? "",
    name: u.name,
    surname: u.surname,
    active: u.isActive,
    // Type 0 is a user (2 a directory user); category 0 local, 1 linked to the directory, 2 directory.
    local: (type === 0 || type === "user") && (category === undefined || category === 0),
  };
}

/** What a read starts from: the groups and robot accounts, nothing else known yet. */
export function emptyLiveState(base: Pick<LiveState, "partitionGlobalId" | "baseUrl" | "groups" | "robotAccounts">): LiveState {
  return {
    ...base,
    members: new Map(),
    fullyRead: new Set(),
    usersById: new Map(),
    usersByName: new Map(),
    directoryGroupsById: new Map(),
    directoryGroupsByName: new Map(),
    unknownNames: new Set(),
    unknownGroupNames: new Map(),
    suggestions: new Map(),
  };
}

export function rememberUser(state: LiveState, ref: UserRef, alsoAs?: string): void {
  state.usersById.set(ref.id, { ...state.usersById.get(ref.id), ...ref });
  if (ref.email) state.usersByName.set(lower(ref.email), ref);
  if (ref.userName) state.usersByName.set(lower(ref.userName), ref);
  if (alsoAs) state.usersByName.set(lower(alsoAs), ref);
}

function memberSet(state: LiveState, groupId: string): Map<string, MemberKindRead> {
  let set = state.members.get(groupId);
  if (!set) {
    set = new Map<string, MemberKindRead>();
    state.members.set(groupId, set);
  }
  return set;
}

/** Reads the organization; what else to read is decided once the groups and robot accounts are known. */
export async function readLive(pm: IdentityClient, needsFor: (groups: Group[], robots: RobotAccount[]) => ReadNeeds): Promise<LiveState> {
  const partitionGlobalId = await pm.partitionGlobalId();
  const groups = await pm.groups.list();
  const robotAccounts = await pm.robotAccounts.list().toArray();
  const state = emptyLiveState({ partitionGlobalId, baseUrl: pm.baseUrl, groups, robotAccounts });
  const needs = needsFor(groups, robotAccounts);
  const full = [...new Set(needs.fullMembers.map(lower))];
  const usersOnly = [...new Set(needs.userMembers.map(lower))].filter((g) => !full.includes(g));

  // The whole user list costs ceil(users / 1000) GETs and gives every user's groups at once;
  // `/Members` costs a GET per group. Page one tells how many users there are.
  let listAll = needs.allUsers === true;
  let firstPage: User[] | undefined;
  if (!listAll && usersOnly.length >= 2) {
    const page = await pm.users.listPage({ top: PAGE, skip: 0, sortBy: "Id" });
    firstPage = page.results;
    listAll = Math.ceil(page.totalCount / PAGE) <= usersOnly.length;
    if (!listAll) for (const u of firstPage) rememberUser(state, userRef(u));
  }
  if (listAll) {
    const all: UserRef[] = [];
    for (let skip = 0; ;) {
      const results = firstPage ?? (await pm.users.listPage({ top: PAGE, skip, sortBy: "Id" })).results;
      firstPage = undefined;
      for (const u of results) {
        const ref = userRef(u);
        all.push(ref);
        rememberUser(state, ref);
        for (const g of u.groupIDs ?? []) memberSet(state, lower(g)).set(ref.id, "user");
      }
      skip += results.length;
      if (results.length < PAGE) break;
    }
    state.allUsers = all;
    for (const g of usersOnly) memberSet(state, g);
  } else {
    for (const g of usersOnly) await readMembers(pm, state, g);
  }
  for (const g of full) await readMembers(pm, state, g);

  const names = [...new Set(needs.userNames.map(lower))].filter((n) => !state.usersByName.has(n));
  if (names.length > 0) {
    if (state.allUsers) for (const n of names) state.unknownNames.add(n);
    else await resolveUserNames(pm, state, names);
  }
  const groupNames = [...new Set(needs.directoryGroupNames.map(lower))];
  if (groupNames.length > 0) await resolveDirectoryGroups(pm, state, groupNames);
  return state;
}

/** One group's members through `/Members`: users and directory groups (robot accounts are known already). */
async function readMembers(pm: IdentityClient, state: LiveState, groupId: string): Promise<void> {
  const set = memberSet(state, groupId);
  // What the user list said is replaced by the whole truth.
  set.clear();
  for await (const m of pm.groups.listMembers(groupId)) {
    const kind = typeof m.type === "number" ? MEMBER_TYPE[m.type] : MEMBER_TYPE_NAME[String(m.type)];
    if (kind) set.set(lower(m.id), kind);
  }
  state.fullyRead.add(groupId);
}

/** Names to ids: one directory lookup (POST); without the directory scope, one user search each (GET). */
async function resolveUserNames(pm: IdentityClient, state: LiveState, names: string[]): Promise<void> {
  try {
    const found = await pm.directory.resolve(names, "user");
    for (const n of names) {
      const entity = found.get(n);
      if (!entity?.identifier) {
        state.unknownNames.add(n);
        continue;
      }
      const ref = {
        id: lower(entity.identifier),
        email: entity.email ?? "",
        userName: n,
        name: entity.firstName,
        surname: entity.lastName,
      };
      rememberUser(state, ref, n);
    }
    return;
  } catch (error) {
    if (!(error instanceof IdentityApiError && (error.kind === "forbidden" || error.kind === "not_found"))) throw error;
  }
  for (const n of names) {
    for await (const u of pm.users.list({ search: n })) {
      if (lower(u.email ?? "") === n || lower(u.userName ?? "") === n) rememberUser(state, userRef(u), n);
    }
    if (!state.usersByName.has(n)) state.unknownNames.add(n);
  }
}

/** Directory groups by name (one POST). A local group of that name is not a directory group. */
async function resolveDirectoryGroups(pm: IdentityClient, state: LiveState, names: string[]): Promise<void> {
  const found = await pm.directory.resolve(names, "group");
  for (const n of names) {
    const entity = found.get(n);
    if (entity?.identifier && entity.objectType === "DirectoryGroup" && (entity.source ?? "local") !== "local") {
      const ref = { id: lower(entity.identifier), name: entity.name ?? entity.displayName ?? n };
      state.directoryGroupsById.set(ref.id, ref);
      state.directoryGroupsByName.set(n, ref);
    } else {
      state.unknownGroupNames.set(n, entity?.identifier ? "a local group" : undefined);
    }
  }
}

/**
 * Names members known only by id, for plans and exports a person can read: users by one GET each
 * for a few or the whole list for many; directory groups from their groups' own entry (a GET per
 * group, only for groups that have such members). Returns whether it read anything.
 */
export async function nameMembers(pm: IdentityClient, state: LiveState, groupIds: string[]): Promise<boolean> {
  const unnamedUsers = new Set<string>();
  const withDirectoryGroups: string[] = [];
  for (const g of groupIds) {
    let hasGroup = false;
    for (const [id, kind] of state.members.get(g) ?? []) {
      if (kind === "user" && !state.usersById.has(id)) unnamedUsers.add(id);
      if (kind === "directoryGroup" && !state.directoryGroupsById.has(id)) hasGroup = true;
    }
    if (hasGroup) withDirectoryGroups.push(g);
  }
  if (unnamedUsers.size > 10) {
    for await (const u of pm.users.list()) rememberUser(state, userRef(u));
  } else {
    for (const id of unnamedUsers) {
      try {
        rememberUser(state, userRef(await pm.users.get(id)));
      } catch (error) {
        // A member that is no longer a user keeps its id as its name.
        if (!(error instanceof IdentityApiError && error.kind === "not_found")) throw error;
      }
    }
  }
  for (const g of withDirectoryGroups) {
    const group = await pm.groups.get(g);
    for (const m of group.members ?? []) {
      if (m.objectType === "DirectoryGroup" && m.identifier) {
        const ref = { id: lower(m.identifier), name: m.name ?? m.displayName ?? m.identifier };
        state.directoryGroupsById.set(ref.id, ref);
      }
    }
  }
  return unnamedUsers.size > 0 || withDirectoryGroups.length > 0;
}

/**
 * For names no user has: users whose address or name starts like the name's local part, found by
 * one search (GET) each, so the error can say "did you mean". Only on that error path, and for a
 * few names at most, since GETs are the scarce budget.
 */
export async function suggestUsers(pm: IdentityClient, state: LiveState, limit = 10): Promise<void> {
  const names = [...state.unknownNames].filter((n) => !state.suggestions.has(n)).slice(0, limit);
  for (const n of names) {
    const stem = n.split("@")[0]!.slice(0, 3);
    const found: string[] = [];
    if (state.allUsers) {
      for (const u of state.allUsers) found.push(u.email || u.userName);
    } else if (stem.length > 0) {
      for (const u of (await pm.users.listPage({ search: stem, top: 50 })).results) found.push(u.email || u.userName || "");
    }
    state.suggestions.set(n, found.filter(Boolean));
  }
}

/** A digest of everything the plan was computed from, so a saved plan can tell it is stale. */
export function fingerprint(state: LiveState): string {
  const sorted = <T>(list: T[], key: (t: T) => string) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
  const digest = {
    groups: sorted(state.groups, (g) => lower(g.id)).map((g) => [lower(g.id), g.name, g.type]),
    robots: sorted(state.robotAccounts, (r) => lower(r.id)).map((r) => [
      lower(r.id),
      r.name,
      r.displayName,
      [...(r.groupIds ?? [])].map(lower).sort(),
    ]),
    members: [...state.members].sort(([a], [b]) => a.localeCompare(b)).map(([g, m]) => [g, [...m.keys()].sort()]),
    users: [...state.usersById.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((u) => [u.id, u.email, u.name ?? null, u.surname ?? null, u.active ?? null]),
    names: [...state.usersByName].sort(([a], [b]) => a.localeCompare(b)).map(([n, u]) => [n, u.id]),
    directoryGroups: [...state.directoryGroupsByName].sort(([a], [b]) => a.localeCompare(b)).map(([n, g]) => [n, g.id]),
    unknown: [...state.unknownNames].sort(),
  };
  return createHash("sha256").update(JSON.stringify(digest)).digest("hex");
}
