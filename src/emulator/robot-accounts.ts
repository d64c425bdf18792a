// Robot accounts: identity users with a name and display name, whose group membership is kept on
// the account (its groupIds).
import { randomUUID } from "node:crypto";
import type { components } from "../../generated/schema.js";
import { lower, sortIds, unique, type OrganizationData, type RobotAccountRecord } from "./data.js";
import { identityFailure } from "./errors.js";
import { order, page, timeValue, type SortValue } from "./listing.js";
import { robotAccountView } from "./views.js";

type Schemas = components["schemas"];

export interface RobotAccountQuery {
  searchTerm?: string;
  top: number;
  skip: number;
  sortBy?: string;
  sortOrder?: Schemas["SortOrder"];
}

/** The fields `sortBy` may name (matched ignoring case); anything else keeps the creation order. */
const SORTABLE: Record<string, (r: RobotAccountRecord) => SortValue> = {
  name: (r) => r.name,
  displayName: (r) => r.displayName,
  creationTime: (r) => timeValue(r.creationTime),
  lastLoginTime: (r) => timeValue(r.lastLoginTime),
};

export class RobotAccountOperations {
  constructor(private readonly data: OrganizationData) {}

  list(q: RobotAccountQuery): Schemas["RobotAccountPage"] {
    const term = q.searchTerm?.trim().toLowerCase();
    let list = [...this.data.robotAccounts.values()];
    if (term) list = list.filter((r) => r.name.toLowerCase().includes(term) || (r.displayName ?? "").toLowerCase().includes(term));
    const key = Object.keys(SORTABLE).find((k) => k.toLowerCase() === q.sortBy?.toLowerCase());
    return page(order(list, key ? SORTABLE[key] : undefined, q.sortOrder), q.skip, q.top, robotAccountView);
  }

  get(id: string): Schemas["RobotAccount"] {
    return robotAccountView(this.data.requireRobotAccount(id));
  }

  create(body: Schemas["CreateRobotAccount"]): Schemas["RobotAccount"] {
    if (this.data.userNameTaken(body.name)) {
      // Inferred: robot accounts are identity users, so a taken name (a user's or another robot
      // account's) fails as user creation does.
      throw identityFailure("DuplicateUserName", `User name '${body.name}' is already taken.`);
    }
    const groupIds = this.data.requireGroups(body.groupIDsToAdd ?? [], "groupIDsToAdd");
    let id = randomUUID();
    while (this.data.idTaken(id)) id = randomUUID();
    const record: RobotAccountRecord = {
      id,
      name: body.name,
      displayName: body.displayName ?? body.name,
      creationTime: this.data.timestamp(),
      lastLoginTime: null,
      groupIds: sortIds(unique(groupIds)),
    };
    this.data.robotAccounts.set(record.id, record);
    return robotAccountView(record);
  }

  update(id: string, body: Schemas["UpdateRobotAccount"]): Schemas["RobotAccount"] {
    const account = this.data.requireRobotAccount(id);
    const add = this.data.requireGroups(body.groupIDsToAdd ?? [], "groupIDsToAdd");
    const remove = new Set((body.groupIDsToRemove ?? []).map(lower));
    if (body.displayName !== undefined && body.displayName !== null) account.displayName = body.displayName;
    account.groupIds = sortIds(unique([...account.groupIds, ...add]).filter((g) => !remove.has(g)));
    return robotAccountView(account);
  }

  delete(id: string): void {
    this.data.robotAccounts.delete(this.data.requireRobotAccount(id).id);
  }

  deleteMany(ids: string[]): void {
    for (const id of ids) this.data.robotAccounts.delete(lower(id));
  }
}
