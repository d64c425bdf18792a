// Groups and their members. Members named from the group side may be users, robot accounts (UiPath
// documents user ids only; UiPathOrch relies on robot account ids working live) or groups of the
// linked directory: a user's or directory group's membership is kept on the group, a robot
// account's on the robot account. Built-in groups keep their names and cannot be deleted, but
// their members change like any group's (UiPath's admin guide grants roles that way); Everyone is
// the exception, as every user is in it.
import type { components } from "../../generated/schema.js";
import { lower, sortIds, sameName, unique, type GroupRecord, type OrganizationData } from "./data.js";
import { conflict, invalid } from "./errors.js";
import { groupView } from "./views.js";

type Schemas = components["schemas"];

/** The UserType integers the members endpoint sends (the live service's encoding; 4 for robot accounts is inferred). */
const MEMBER_TYPE = { user: 0, directoryGroup: 3, robotAccount: 4 } as const;

const isEveryone = (g: GroupRecord) => g.type === 0 && g.name.toLowerCase() === "everyone";

export class GroupOperations {
  constructor(private readonly data: OrganizationData) {}

  list(): Schemas["Group"][] {
    // The list leaves members out, as the service does; the members endpoint has them.
    return [...this.data.groups.values()].map((g) => groupView(this.data, g, false));
  }

  get(id: string): Schemas["Group"] {
    return groupView(this.data, this.data.requireGroup(id), true);
  }

  create(body: Schemas["CreateGroup"]): Schemas["Group"] {
    const id = lower(body.id);
    if (this.data.groups.has(id)) throw conflict(`A group with id '${id}' already exists.`);
    this.assertNameFree(body.name);
    const members = this.members(body.directoryUserMemberIDs ?? [], "directoryUserMemberIDs");
    const record: GroupRecord = {
      id,
      name: body.name,
      type: 1,
      creationTime: this.data.timestamp(),
      lastModificationTime: null,
      userIds: new Set(members.users),
      directoryGroupIds: new Set(members.directoryGroups),
    };
    this.data.groups.set(id, record);
    this.joinRobotAccounts(members.robotAccounts, id);
    return groupView(this.data, record, true);
  }

  update(id: string, body: Schemas["UpdateGroup"]): Schemas["Group"] {
    const group = this.data.requireGroup(id);
    if (group.type === 0 && !sameName(body.name, group.name)) throw conflict(`The built-in group '${group.name}' cannot be renamed.`);
    const add = this.members(body.directoryUserIDsToAdd ?? [], "directoryUserIDsToAdd");
    // Removing someone who is not a member (or does not exist) changes nothing.
    const remove = new Set((body.directoryUserIDsToRemove ?? []).map(lower));
    if (isEveryone(group) && (add.all.length > 0 || remove.size > 0)) {
      throw conflict(`The members of '${group.name}' cannot be changed: every user of the organization is in it.`);
    }
    this.assertNameFree(body.name, group.id);
    group.name = group.type === 0 ? group.name : body.name;
    for (const u of add.users) if (!remove.has(u)) group.userIds.add(u);
    for (const d of add.directoryGroups) if (!remove.has(d)) group.directoryGroupIds.add(d);
    for (const u of remove) {
      group.userIds.delete(u);
      group.directoryGroupIds.delete(u);
    }
    this.joinRobotAccounts(
      add.robotAccounts.filter((r) => !remove.has(r)),
      group.id,
    );
    for (const account of this.data.robotAccounts.values())
      if (remove.has(account.id)) account.groupIds = account.groupIds.filter((g) => g !== group.id);
    group.lastModificationTime = this.data.timestamp();
    return groupView(this.data, group, true);
  }

  delete(id: string): void {
    this.deleteById([this.data.requireGroup(id).id]);
  }

  /** Unknown ids are ignored; a built-in group among them stops the whole call. */
  deleteMany(ids: string[]): void {
    this.deleteById(unique(ids.map(lower)).filter((id) => this.data.groups.has(id)));
  }

  listMembers(id: string, top: number, skip: number): Schemas["GroupMemberPage"] {
    const group = this.data.requireGroup(id);
    const all = [
      ...[...group.userIds].map((u) => ({ id: u, type: MEMBER_TYPE.user })),
      ...[...group.directoryGroupIds].map((d) => ({ id: d, type: MEMBER_TYPE.directoryGroup })),
      ...[...this.data.robotAccounts.values()]
        .filter((r) => r.groupIds.includes(group.id))
        .map((r) => ({ id: r.id, type: MEMBER_TYPE.robotAccount })),
    ];
    return { totalCount: all.length, results: all.slice(skip, skip + top) };
  }

  private deleteById(ids: string[]): void {
    const builtIn = ids.map((id) => this.data.groups.get(id)!).find((g) => g.type === 0);
    if (builtIn) throw conflict(`The built-in group '${builtIn.name}' cannot be deleted.`);
    const gone = new Set(ids);
    for (const id of ids) this.data.groups.delete(id);
    for (const account of this.data.robotAccounts.values()) account.groupIds = account.groupIds.filter((g) => !gone.has(g));
  }

  /** Splits member ids into users, robot accounts and directory groups; an id that is none is 400, keyed by the field. */
  private members(ids: string[], field: string): { all: string[]; users: string[]; robotAccounts: string[]; directoryGroups: string[] } {
    const all = unique(ids.map(lower));
    const out = { all, users: [] as string[], robotAccounts: [] as string[], directoryGroups: [] as string[] };
    for (const id of all) {
      if (this.data.users.has(id)) out.users.push(id);
      else if (this.data.robotAccounts.has(id)) out.robotAccounts.push(id);
      else if (this.data.directoryGroups.has(id)) out.directoryGroups.push(id);
      else throw invalid(field, `No directory user, directory group or robot account with id '${id}'.`);
    }
    return out;
  }

  private joinRobotAccounts(robotAccountIds: string[], groupId: string): void {
    for (const id of robotAccountIds) {
      const account = this.data.robotAccounts.get(id)!;
      account.groupIds = sortIds(unique([...account.groupIds, groupId]));
    }
  }

  private assertNameFree(name: string, except?: string): void {
    const clash = [...this.data.groups.values()].find((g) => g.id !== except && sameName(g.name, name));
    if (clash) throw conflict(`A group named '${clash.name}' already exists.`);
  }
}
