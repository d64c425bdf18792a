// One organization's groups, directory users and robot accounts, with the service's rules.
// Robot-account membership is kept on the robot account only (its groupIds), so the two views of
// membership cannot drift apart; directory-user membership is kept on the group.
import { randomUUID } from "node:crypto";
import type { components } from "../../generated/schema.js";
import { conflict, identityFailure, invalid, notFound } from "./errors.js";
import type { SeedData, SeedUser } from "./seed.js";

type Group = components["schemas"]["Group"];
type RobotAccount = components["schemas"]["RobotAccount"];
type DirectoryEntity = components["schemas"]["DirectoryEntity"];
type CreateGroup = components["schemas"]["CreateGroup"];
type UpdateGroup = components["schemas"]["UpdateGroup"];
type CreateRobotAccount = components["schemas"]["CreateRobotAccount"];
type UpdateRobotAccount = components["schemas"]["UpdateRobotAccount"];
type GroupMemberPage = components["schemas"]["GroupMemberPage"];
type RobotAccountPage = components["schemas"]["RobotAccountPage"];
type SortOrder = components["schemas"]["SortOrder"];

interface GroupRecord {
  id: string;
  name: string;
  type: 0 | 1;
  creationTime: string;
  lastModificationTime: string | null;
  /** Directory users, in the order they joined. */
  userIds: string[];
}

interface RobotRecord {
  id: string;
  name: string;
  displayName: string | null;
  creationTime: string;
  lastLoginTime: string | null;
  groupIds: string[];
}

export interface RobotQuery {
  searchTerm?: string;
  top: number;
  skip: number;
  sortBy?: string;
  sortOrder?: SortOrder;
}

const SORTABLE = ["name", "displayName", "creationTime", "lastLoginTime"] as const;
type SortKey = (typeof SORTABLE)[number];

const lower = (id: string) => id.toLowerCase();
const sameName = (a: string | null, b: string | null) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

export class OrganizationStore {
  private readonly users = new Map<string, SeedUser>();
  private readonly groups = new Map<string, GroupRecord>();
  private readonly robots = new Map<string, RobotRecord>();

  constructor(
    seed: SeedData,
    private readonly now: () => number,
  ) {
    for (const u of seed.users ?? []) this.users.set(lower(u.identifier), { ...u, identifier: lower(u.identifier) });
    for (const g of seed.groups ?? []) {
      this.groups.set(lower(g.id), {
        id: lower(g.id),
        name: String(g.name),
        type: g.type === 0 || g.type === "builtIn" ? 0 : 1,
        creationTime: g.creationTime ?? this.timestamp(),
        lastModificationTime: g.lastModificationTime ?? null,
        userIds: (g.memberIds ?? []).map(lower),
      });
    }
    for (const r of seed.robotAccounts ?? []) {
      this.robots.set(lower(r.id), {
        id: lower(r.id),
        name: String(r.name),
        displayName: r.displayName ?? String(r.name),
        creationTime: r.creationTime ?? this.timestamp(),
        lastLoginTime: r.lastLoginTime ?? null,
        groupIds: sortIds((r.groupIds ?? []).map(lower)),
      });
    }
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }

  // ---- groups

  listGroups(): Group[] {
    // The list leaves members out, as the service does; the members endpoint has them.
    return [...this.groups.values()].map((g) => this.groupView(g, false));
  }

  getGroup(id: string): Group {
    return this.groupView(this.requireGroup(id), true);
  }

  createGroup(body: CreateGroup): Group {
    const id = lower(body.id);
    if (this.groups.has(id)) throw conflict(`A group with id '${id}' already exists.`);
    this.assertGroupNameFree(body.name);
    const userIds = this.requireUsers(body.directoryUserMemberIDs ?? [], "directoryUserMemberIDs");
    const record: GroupRecord = { id, name: body.name, type: 1, creationTime: this.timestamp(), lastModificationTime: null, userIds: unique(userIds) };
    this.groups.set(id, record);
    return this.groupView(record, true);
  }

  updateGroup(id: string, body: UpdateGroup): Group {
    const group = this.requireGroup(id);
    if (group.type === 0) throw conflict(`The built-in group '${group.name}' cannot be changed.`);
    this.assertGroupNameFree(body.name, group.id);
    const add = this.requireUsers(body.directoryUserIDsToAdd ?? [], "directoryUserIDsToAdd");
    const remove = new Set((body.directoryUserIDsToRemove ?? []).map(lower));
    group.name = body.name;
    group.userIds = unique([...group.userIds, ...add]).filter((u) => !remove.has(u));
    group.lastModificationTime = this.timestamp();
    return this.groupView(group, true);
  }

  deleteGroup(id: string): void {
    const group = this.requireGroup(id);
    this.deleteGroupsById([group.id]);
  }

  /** Unknown ids are ignored; a built-in group among them stops the whole call. */
  deleteGroups(ids: string[]): void {
    const found = unique(ids.map(lower)).filter((id) => this.groups.has(id));
    this.deleteGroupsById(found);
  }

  private deleteGroupsById(ids: string[]): void {
    const builtIn = ids.map((id) => this.groups.get(id)!).find((g) => g.type === 0);
    if (builtIn) throw conflict(`The built-in group '${builtIn.name}' cannot be deleted.`);
    const gone = new Set(ids);
    for (const id of ids) this.groups.delete(id);
    for (const robot of this.robots.values()) robot.groupIds = robot.groupIds.filter((g) => !gone.has(g));
  }

  listMembers(id: string, top: number, skip: number): GroupMemberPage {
    const group = this.requireGroup(id);
    const all = [
      ...group.userIds.map((u) => ({ id: u, type: "DirectoryUser" })),
      ...[...this.robots.values()].filter((r) => r.groupIds.includes(group.id)).map((r) => ({ id: r.id, type: "DirectoryRobotUser" })),
    ];
    return { totalCount: all.length, results: all.slice(skip, skip + top) };
  }

  // ---- robot accounts

  listRobotAccounts(q: RobotQuery): RobotAccountPage {
    const term = q.searchTerm?.trim().toLowerCase();
    let list = [...this.robots.values()];
    if (term) list = list.filter((r) => r.name.toLowerCase().includes(term) || (r.displayName ?? "").toLowerCase().includes(term));
    const key = SORTABLE.find((k) => k.toLowerCase() === q.sortBy?.toLowerCase());
    if (key) list.sort((a, b) => compare(a, b, key));
    if (q.sortOrder === "desc") list.reverse();
    return { totalCount: list.length, results: list.slice(q.skip, q.skip + q.top).map((r) => this.robotView(r)) };
  }

  getRobotAccount(id: string): RobotAccount {
    return this.robotView(this.requireRobot(id));
  }

  createRobotAccount(body: CreateRobotAccount): RobotAccount {
    if ([...this.robots.values()].some((r) => sameName(r.name, body.name))) {
      // Inferred: robot accounts are identity users, so a taken name fails as user creation does.
      throw identityFailure("DuplicateUserName", `User name '${body.name}' is already taken.`);
    }
    const groupIds = this.requireGroups(body.groupIDsToAdd ?? [], "groupIDsToAdd");
    const record: RobotRecord = {
      id: randomUUID(),
      name: body.name,
      displayName: body.displayName ?? body.name,
      creationTime: this.timestamp(),
      lastLoginTime: null,
      groupIds: sortIds(unique(groupIds)),
    };
    this.robots.set(record.id, record);
    return this.robotView(record);
  }

  updateRobotAccount(id: string, body: UpdateRobotAccount): RobotAccount {
    const robot = this.requireRobot(id);
    const add = this.requireGroups(body.groupIDsToAdd ?? [], "groupIDsToAdd");
    const remove = new Set((body.groupIDsToRemove ?? []).map(lower));
    if (body.displayName !== undefined && body.displayName !== null) robot.displayName = body.displayName;
    robot.groupIds = sortIds(unique([...robot.groupIds, ...add]).filter((g) => !remove.has(g)));
    return this.robotView(robot);
  }

  deleteRobotAccount(id: string): void {
    this.robots.delete(this.requireRobot(id).id);
  }

  deleteRobotAccounts(ids: string[]): void {
    for (const id of ids) this.robots.delete(lower(id));
  }

  // ---- views and checks

  snapshot(): { users: DirectoryEntity[]; groups: Group[]; robotAccounts: RobotAccount[] } {
    return structuredClone({
      users: [...this.users.values()].map((u) => this.userView(u)),
      groups: [...this.groups.values()].map((g) => this.groupView(g, true)),
      robotAccounts: [...this.robots.values()].map((r) => this.robotView(r)),
    });
  }

  private groupView(g: GroupRecord, withMembers: boolean): Group {
    return {
      id: g.id,
      name: g.name,
      displayName: g.name,
      type: g.type,
      creationTime: g.creationTime,
      lastModificationTime: g.lastModificationTime,
      members: withMembers ? g.userIds.map((u) => this.userView(this.users.get(u)!)) : [],
    };
  }

  private userView(u: SeedUser): DirectoryEntity {
    return { ...structuredClone(u), objectType: "DirectoryUser" };
  }

  private robotView(r: RobotRecord): RobotAccount {
    return { id: r.id, name: r.name, displayName: r.displayName, creationTime: r.creationTime, lastLoginTime: r.lastLoginTime, groupIds: [...r.groupIds] };
  }

  private requireGroup(id: string): GroupRecord {
    const g = this.groups.get(lower(id));
    if (!g) throw notFound(`No group with id '${lower(id)}'.`);
    return g;
  }

  private requireRobot(id: string): RobotRecord {
    const r = this.robots.get(lower(id));
    if (!r) throw notFound(`No robot account with id '${lower(id)}'.`);
    return r;
  }

  private requireUsers(ids: string[], field: string): string[] {
    const out = ids.map(lower);
    const unknown = out.find((id) => !this.users.has(id));
    if (unknown) throw invalid(field, `No directory user with id '${unknown}'.`);
    return out;
  }

  private requireGroups(ids: string[], field: string): string[] {
    const out = ids.map(lower);
    const unknown = out.find((id) => !this.groups.has(id));
    if (unknown) throw invalid(field, `No group with id '${unknown}'.`);
    return out;
  }

  private assertGroupNameFree(name: string, except?: string): void {
    const clash = [...this.groups.values()].find((g) => g.id !== except && sameName(g.name, name));
    if (clash) throw conflict(`A group named '${clash.name}' already exists.`);
  }
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/** Group ids come back in a fixed order (the service's examples list them sorted). */
function sortIds(ids: string[]): string[] {
  return [...ids].sort();
}

/** Case-insensitive, nulls first, ties broken by id so pages never overlap. */
function compare(a: RobotRecord, b: RobotRecord, key: SortKey): number {
  const x = a[key];
  const y = b[key];
  if (x === y) return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  if (x === null) return -1;
  if (y === null) return 1;
  const c = x.toLowerCase().localeCompare(y.toLowerCase(), "en");
  return c !== 0 ? c : a.id < b.id ? -1 : 1;
}
