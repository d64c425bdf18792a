// Robot accounts: identity users with a name and display name, whose group membership is kept on
// the account (its groupIds).
import { randomUUID } from "node:crypto";
import type { components } from "../../generated/schema.js";
import { lower, sortIds, unique, type OrganizationData, type RobotRecord } from "./data.js";
import { identityFailure } from "./errors.js";
import { order, page, timeValue, type SortValue } from "./listing.js";
import { robotView } from "./views.js";

type Schemas = components["schemas"];

export interface RobotQuery {
  searchTerm?: string;
  top: number;
  skip: number;
  sortBy?: string;
  sortOrder?: Schemas["SortOrder"];
}

/** The fields `sortBy` may name (matched ignoring case); anything else keeps the creation order. */
const SORTABLE: Record<string, (r: RobotRecord) => SortValue> = {
  name: (r) => r.name,
  displayName: (r) => r.displayName,
  creationTime: (r) => timeValue(r.creationTime),
  lastLoginTime: (r) => timeValue(r.lastLoginTime),
};

export class RobotOperations {
  constructor(private readonly data: OrganizationData) {}

  list(q: RobotQuery): Schemas["RobotAccountPage"] {
    const term = q.searchTerm?.trim().toLowerCase();
    let list = [...this.data.robots.values()];
    if (term) list = list.filter((r) => r.name.toLowerCase().includes(term) || (r.displayName ?? "").toLowerCase().includes(term));
    const key = Object.keys(SORTABLE).find((k) => k.toLowerCase() === q.sortBy?.toLowerCase());
    return page(order(list, key ? SORTABLE[key] : undefined, q.sortOrder), q.skip, q.top, robotView);
  }

  get(id: string): Schemas["RobotAccount"] {
    return robotView(this.data.requireRobot(id));
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
    const record: RobotRecord = {
      id,
      name: body.name,
      displayName: body.displayName ?? body.name,
      creationTime: this.data.timestamp(),
      lastLoginTime: null,
      groupIds: sortIds(unique(groupIds)),
    };
    this.data.robots.set(record.id, record);
    return robotView(record);
  }

  update(id: string, body: Schemas["UpdateRobotAccount"]): Schemas["RobotAccount"] {
    const robot = this.data.requireRobot(id);
    const add = this.data.requireGroups(body.groupIDsToAdd ?? [], "groupIDsToAdd");
    const remove = new Set((body.groupIDsToRemove ?? []).map(lower));
    if (body.displayName !== undefined && body.displayName !== null) robot.displayName = body.displayName;
    robot.groupIds = sortIds(unique([...robot.groupIds, ...add]).filter((g) => !remove.has(g)));
    return robotView(robot);
  }

  delete(id: string): void {
    this.data.robots.delete(this.data.requireRobot(id).id);
  }

  deleteMany(ids: string[]): void {
    for (const id of ids) this.data.robots.delete(lower(id));
  }
}
