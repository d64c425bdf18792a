// How records look on the wire: the User, the directory entity a user or group is elsewhere, the
// Group and the RobotAccount. Every view is derived from the records, never stored beside them.
import type { components } from "../../generated/schema.js";
import type { DirectoryGroupRecord, GroupRecord, OrganizationData, RobotAccountRecord, UserRecord } from "./data.js";

type Schemas = components["schemas"];

export function userView(data: OrganizationData, u: UserRecord): Schemas["User"] {
  return {
    id: u.id,
    userName: u.userName,
    email: u.email,
    emailConfirmed: u.emailConfirmed,
    name: u.name,
    surname: u.surname,
    displayName: u.displayName,
    creationTime: u.creationTime,
    lastModificationTime: u.lastModificationTime,
    lastLoginTime: u.lastLoginTime,
    groupIDs: data.groupIdsOf(u.id),
    legacyId: u.legacyId,
    isActive: u.isActive,
    bypassBasicAuthRestriction: u.bypassBasicAuthRestriction,
    type: u.type as Schemas["UserType"],
    invitationAccepted: u.invitationAccepted,
    category: u.category,
  };
}

/**
 * A user as the directory describes it (a group's `members`, a resolved name): the seeded directory
 * attributes, with the name fields following the user's current ones. `name` is the first name, as
 * in UiPath's examples; `source` is `local` unless the seed says otherwise.
 */
export function directoryUserView(u: UserRecord): Schemas["DirectoryEntity"] {
  return {
    source: "local",
    ...structuredClone(u.directory),
    objectType: "DirectoryUser",
    identifier: u.id,
    name: u.name,
    email: u.email,
    displayName: u.displayName,
    firstName: u.name,
    lastName: u.surname,
  };
}

export function directoryGroupView(g: GroupRecord | DirectoryGroupRecord): Schemas["DirectoryEntity"] {
  return { objectType: "DirectoryGroup", source: "source" in g ? g.source : "local", identifier: g.id, name: g.name, displayName: g.name };
}

export function groupView(data: OrganizationData, g: GroupRecord, withMembers: boolean): Schemas["Group"] {
  return {
    id: g.id,
    name: g.name,
    displayName: g.name,
    type: g.type,
    creationTime: g.creationTime,
    lastModificationTime: g.lastModificationTime,
    // Users and directory groups, as before the members endpoint existed; robot accounts are listed by /Members.
    members: withMembers
      ? [
          ...[...g.userIds].map((id) => directoryUserView(data.users.get(id)!)),
          ...[...g.directoryGroupIds].map((id) => directoryGroupView(data.directoryGroups.get(id)!)),
        ]
      : [],
  };
}

export function robotAccountView(r: RobotAccountRecord): Schemas["RobotAccount"] {
  return {
    id: r.id,
    name: r.name,
    displayName: r.displayName,
    creationTime: r.creationTime,
    lastLoginTime: r.lastLoginTime,
    groupIds: [...r.groupIds],
  };
}
