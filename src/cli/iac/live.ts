// Reading the live organization, spending as few GETs (the scarcer read budget) as the plan needs:
// the groups (one request), the robot accounts (their groups come with them), and the users'
// memberships either from the user list (each user carries its groups) or per group, whichever
// takes fewer requests; e-mail addresses become ids in one directory lookup, a POST.
import { createHash } from "node:crypto";
import { IdentityApiError, type Group, type IdentityClient, type RobotAccount, type User } from "../../client/index.js";

export interface UserRef {
  id: string;
  email: string;
  userName: string;
  name?: string | null | undefined;
  surname?: string | null | undefined;
}

export interface LiveState {
  partitionGlobalId: string;
  baseUrl: string;
  groups: Group[];
  robots: RobotAccount[];
  /** Users' (not robot accounts') ids per group, for the groups whose members were read. */
  userMembers: Map<string, Set<string>>;
  /** Users met while reading, by id. */
  usersById: Map<string, UserRef>;
  /** The same users by lower-cased e-mail address and user name. */
  usersByName: Map<string, UserRef>;
  /** Names asked about that no user has (lower-cased). */
  unknownNames: Set<string>;
}

export interface ReadNeeds {
  /** Existing groups (ids) whose user members the plan must know. */
  memberGroups: string[];
  /** User e-mail addresses or user names to turn into ids. */
  userNames: string[];
  /** Every user and membership (export). */
  allUsers?: boolean;
}

const lower = (s: string) => s.toLowerCase();

async function readGroupsAndRobots(pm: IdentityClient): Promise<Pick<LiveState, "partitionGlobalId" | "baseUrl" | "groups" | "robots">> {
  const partitionGlobalId = await pm.partitionGlobalId();
  const groups = await pm.groups.list();
  const robots = await pm.robotAccounts.list().toArray();
  return { partitionGlobalId, baseUrl: pm.baseUrl, groups, robots };
}

/** Reads the organization; what else to read is decided once the groups and robot accounts are known. */
export async function readLive(pm: IdentityClient, needsFor: (groups: Group[], robots: RobotAccount[]) => ReadNeeds): Promise<LiveState> {
  const base = await readGroupsAndRobots(pm);
  const needs = needsFor(base.groups, base.robots);
  const state: LiveState = { ...base, userMembers: new Map(), usersById: new Map(), usersByName: new Map(), unknownNames: new Set() };
  const robotIds = new Set(base.robots.map((r) => lower(r.id)));
  const remember = (u: User) => {
    const ref: UserRef = { id: lower(u.id), email: u.email ?? "", userName: u.userName ?? "", name: u.name, surname: u.surname };
    state.usersById.set(ref.id, ref);
    if (ref.email) state.usersByName.set(lower(ref.email), ref);
    if (ref.userName) state.usersByName.set(lower(ref.userName), ref);
  };
  const names = [...new Set(needs.userNames.map(lower))];
  const groups = needs.memberGroups.map(lower);

  // The whole user list costs ceil(users / 1000) GETs and answers both questions at once; reading
  // each group's members costs one GET per group. Page one tells how many users there are.
  let listAll = needs.allUsers === true;
  let firstPage: User[] | undefined;
  if (!listAll && groups.length >= 2) {
    const page = await pm.users.listPage({ top: 1000, skip: 0, sortBy: "Id" });
    firstPage = page.results;
    listAll = Math.ceil(page.totalCount / 1000) <= groups.length;
    if (!listAll) firstPage.forEach(remember);
  }
  if (listAll) {
    let skip = 0;
    for (;;) {
      const results = firstPage ?? (await pm.users.listPage({ top: 1000, skip, sortBy: "Id" })).results;
      firstPage = undefined;
      results.forEach(remember);
      for (const u of results) {
        for (const g of u.groupIDs ?? []) {
          const set = state.userMembers.get(lower(g)) ?? new Set<string>();
          set.add(lower(u.id));
          state.userMembers.set(lower(g), set);
        }
      }
      skip += results.length;
      if (results.length < 1000) break;
    }
    for (const g of groups) if (!state.userMembers.has(g)) state.userMembers.set(g, new Set());
    for (const n of names) if (!state.usersByName.has(n)) state.unknownNames.add(n);
    return state;
  }

  for (const g of groups) {
    const members = new Set<string>();
    for await (const m of pm.groups.listMembers(g)) if (!robotIds.has(lower(m.id))) members.add(lower(m.id));
    state.userMembers.set(g, members);
  }
  const unresolved = names.filter((n) => !state.usersByName.has(n));
  if (unresolved.length > 0) await resolveNames(pm, state, unresolved);
  return state;
}

/** Names to ids: one directory lookup (POST); without the directory scope, one user search each (GET). */
async function resolveNames(pm: IdentityClient, state: LiveState, names: string[]): Promise<void> {
  try {
    const found = await pm.directory.resolve(names, "user");
    for (const n of names) {
      const entity = found.get(n);
      if (!entity?.identifier) {
        state.unknownNames.add(n);
        continue;
      }
      const ref: UserRef = {
        id: lower(entity.identifier),
        email: entity.email ?? "",
        userName: n,
        name: entity.firstName,
        surname: entity.lastName,
      };
      state.usersById.set(ref.id, ref);
      state.usersByName.set(n, ref);
    }
    return;
  } catch (error) {
    if (!(error instanceof IdentityApiError && (error.kind === "forbidden" || error.kind === "not_found"))) throw error;
  }
  for (const n of names) {
    for await (const u of pm.users.list({ search: n })) {
      if (lower(u.email ?? "") === n || lower(u.userName ?? "") === n) {
        const ref: UserRef = { id: lower(u.id), email: u.email ?? "", userName: u.userName ?? "", name: u.name, surname: u.surname };
        state.usersById.set(ref.id, ref);
        state.usersByName.set(n, ref);
      }
    }
    if (!state.usersByName.has(n)) state.unknownNames.add(n);
  }
}

/**
 * Adds users known only by id to the state: one GET each for a few, the whole list (a GET per
 * 1000) for many. Returns whether it read anything.
 */
export async function nameUsers(pm: IdentityClient, state: LiveState, ids: string[]): Promise<boolean> {
  if (ids.length === 0) return false;
  const remember = (u: User) => {
    const ref: UserRef = { id: lower(u.id), email: u.email ?? "", userName: u.userName ?? "", name: u.name, surname: u.surname };
    state.usersById.set(ref.id, ref);
  };
  if (ids.length <= 10) {
    for (const id of ids) {
      try {
        remember(await pm.users.get(id));
      } catch (error) {
        // A member that is not a user (a directory group, an application) keeps its id as its name.
        if (!(error instanceof IdentityApiError && error.kind === "not_found")) throw error;
      }
    }
  } else {
    for await (const u of pm.users.list()) remember(u);
  }
  return true;
}

/** A digest of everything the plan was computed from, so a saved plan can tell it is stale. */
export function fingerprint(state: LiveState): string {
  const sorted = <T>(list: T[], key: (t: T) => string) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
  const digest = {
    groups: sorted(state.groups, (g) => lower(g.id)).map((g) => [lower(g.id), g.name, g.type]),
    robots: sorted(state.robots, (r) => lower(r.id)).map((r) => [
      lower(r.id),
      r.name,
      r.displayName,
      [...(r.groupIds ?? [])].map(lower).sort(),
    ]),
    members: [...state.userMembers].sort(([a], [b]) => a.localeCompare(b)).map(([g, m]) => [g, [...m].sort()]),
    names: [...state.usersByName].sort(([a], [b]) => a.localeCompare(b)).map(([n, u]) => [n, u.id]),
    unknown: [...state.unknownNames].sort(),
  };
  return createHash("sha256").update(JSON.stringify(digest)).digest("hex");
}
