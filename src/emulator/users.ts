// Users: create (one, many, or by invitation), change, delete, list. Writes answer an identity
// result, as the live service does; failures of Identity's rules are 400 identity results.
import type { components } from "../../generated/schema.js";
import { defaultDisplayName, lower, toUserType, type OrganizationData, type UserRecord } from "./data.js";
import { conflict, identityFailures } from "./errors.js";
import { emailErrors, emailTakenMessage, newUserErrors, userNameErrors, type Pending } from "./identity.js";
import { order, page, timeValue, type SortValue } from "./listing.js";
import { userView } from "./views.js";

type Schemas = components["schemas"];
type IdentityResult = Schemas["IdentityResult"];

export interface UserQuery {
  searchTerm?: string;
  top: number;
  skip: number;
  sortBy?: string;
  sortOrder?: Schemas["SortOrder"];
}

const SUCCEEDED: IdentityResult = { succeeded: true, errors: [] };

/** The id an invitation that failed reports. */
const NO_ID = "00000000-0000-0000-0000-000000000000";

/** The PascalCase names the contract lists for `sortBy`, matched ignoring case; others keep the creation order. */
const SORTABLE: Record<string, (u: UserRecord) => SortValue> = {
  Id: (u) => u.id,
  UserName: (u) => u.userName,
  Email: (u) => u.email,
  EmailConfirmed: (u) => u.emailConfirmed,
  Name: (u) => u.name,
  Surname: (u) => u.surname,
  DisplayName: (u) => u.displayName,
  CreationTime: (u) => timeValue(u.creationTime),
  LastModificationTime: (u) => timeValue(u.lastModificationTime),
  LastLoginTime: (u) => timeValue(u.lastLoginTime),
  IsActive: (u) => u.isActive,
  Type: (u) => u.type,
  Category: (u) => u.category,
  InvitationAccepted: (u) => u.invitationAccepted,
};

/** `searchTerm` matches anywhere in these, ignoring case (live: "contains" per UiPath's SDK, fields unconfirmed). */
const SEARCHED: Array<(u: UserRecord) => string | null> = [
  (u) => u.userName,
  (u) => u.email,
  (u) => u.name,
  (u) => u.surname,
  (u) => u.displayName,
];

/**
 * An accepted invitation link: the portal's accept page naming this organization. The host is not
 * checked, since each deployment has its own portal host.
 */
function redirectAccepted(redirectUrl: string, partitionGlobalId: string): boolean {
  let url: URL;
  try {
    url = new URL(redirectUrl);
  } catch {
    return false;
  }
  return url.pathname === "/portal_/acceptInvite" && lower(url.searchParams.get("organizationId") ?? "") === lower(partitionGlobalId);
}

export class UserOperations {
  constructor(private readonly data: OrganizationData) {}

  list(q: UserQuery): Schemas["UserPage"] {
    const term = q.searchTerm?.trim().toLowerCase();
    let list = [...this.data.users.values()];
    if (term) list = list.filter((u) => SEARCHED.some((field) => (field(u) ?? "").toLowerCase().includes(term)));
    const key = Object.keys(SORTABLE).find((k) => k.toLowerCase() === q.sortBy?.toLowerCase());
    return page(order(list, key ? SORTABLE[key] : undefined, q.sortOrder), q.skip, q.top, (u) => userView(this.data, u));
  }

  /** A robot account's id is not a user here (404): the emulator's choice, the live answer is not recorded. */
  get(id: string): Schemas["User"] {
    return userView(this.data, this.data.requireUser(id));
  }

  /** Checks in this order: groups, user name and e-mail (reported together, as Identity does), then the id. */
  create(body: Schemas["CreateUser"]): IdentityResult {
    const groupIds = this.data.requireGroups(body.groupIDs ?? [], "groupIDs");
    const email = body.email ?? "";
    const errors = newUserErrors(this.data, body.userName, email);
    if (errors.length > 0) throw identityFailures(errors);
    this.assertIdFree(body.id);
    this.add(this.newRecord(body), groupIds);
    return SUCCEEDED;
  }

  /** All or nothing: every user is checked, against the others in the request too, before any is created. */
  createMany(body: Schemas["CreateUsers"]): Schemas["CreatedUsers"] {
    const groupIds = this.data.requireGroups(body.groupIDs ?? [], "groupIDs");
    const pending: Pending = { userNames: new Set(), emails: new Set() };
    const ids = new Set<string>();
    for (const item of body.users) {
      const email = item.email ?? "";
      const errors = newUserErrors(this.data, item.userName, email, pending);
      if (errors.length > 0) throw identityFailures(errors);
      if (item.id !== null && item.id !== undefined) {
        if (ids.has(lower(item.id))) throw conflict(`A user with id '${lower(item.id)}' already exists.`);
        this.assertIdFree(item.id);
        ids.add(lower(item.id));
      }
      pending.userNames.add(item.userName.toLowerCase());
      if (email !== "") pending.emails.add(email.toLowerCase());
    }
    const created = body.users.map((item) => this.add(this.newRecord(item), groupIds));
    return { result: SUCCEEDED, users: created.map((u) => userView(this.data, u)) };
  }

  /**
   * Each invitation succeeds or fails on its own; only an unknown group fails the whole request
   * (before anyone is invited). The user name is the e-mail address.
   */
  invite(entries: Schemas["UserInvitation"][], partitionGlobalId: string): Schemas["InvitedUsers"] {
    const groups = entries.map((e) => this.data.requireGroups(e.groupIDs ?? [], "groupIDs"));
    const users = entries.map((entry, i) => {
      const failed = (errorMsg: string) => ({ email: entry.email, id: NO_ID, errorMsg, success: false });
      if (!redirectAccepted(entry.redirectUrl, partitionGlobalId)) return failed("Redirect URL is not valid");
      if (this.data.userByEmail(entry.email)) return failed(emailTakenMessage(entry.email));
      const nameError = userNameErrors(this.data, entry.email)[0];
      if (nameError) return failed(nameError.description);
      const record = this.newRecord({
        userName: entry.email,
        email: entry.email,
        name: entry.name ?? null,
        surname: entry.surname ?? null,
        invitationAccepted: false,
      });
      this.add(record, groups[i]!);
      return { email: entry.email, id: record.id, errorMsg: null, success: true };
    });
    return { result: SUCCEEDED, users };
  }

  /** A partial update: what is left out or null keeps its value. The password is accepted and not kept. */
  update(id: string, body: Schemas["UpdateUser"]): IdentityResult {
    const user = this.data.requireUser(id);
    const add = this.data.requireGroups(body.groupIDsToAdd ?? [], "groupIDsToAdd");
    if (body.email !== null && body.email !== undefined) {
      const errors = emailErrors(this.data, body.email, user.id);
      if (errors.length > 0) throw identityFailures(errors);
      this.data.setEmail(user, body.email);
    }
    if (body.name !== null && body.name !== undefined) user.name = body.name;
    if (body.surname !== null && body.surname !== undefined) user.surname = body.surname;
    if (body.displayName !== null && body.displayName !== undefined) user.displayName = body.displayName;
    if (body.isActive !== null && body.isActive !== undefined) user.isActive = body.isActive;
    if (body.bypassBasicAuthRestriction !== null && body.bypassBasicAuthRestriction !== undefined)
      user.bypassBasicAuthRestriction = body.bypassBasicAuthRestriction;
    if (body.invitationAccepted !== null && body.invitationAccepted !== undefined) user.invitationAccepted = body.invitationAccepted;
    this.updateAttributes(user, body.extensionUserAttributesToAddOrUpdate ?? {}, body.extensionUserAttributesToRemove ?? []);
    for (const groupId of add) this.data.groups.get(groupId)!.userIds.add(user.id);
    // Leaving a group one is not in, or that does not exist, changes nothing.
    for (const groupId of (body.groupIDsToRemove ?? []).map(lower)) this.data.groups.get(groupId)?.userIds.delete(user.id);
    user.lastModificationTime = this.data.timestamp();
    return SUCCEEDED;
  }

  delete(id: string): void {
    this.data.removeUsers([this.data.requireUser(id).id]);
  }

  /** Ids that name no user (robot accounts included) are ignored. */
  deleteMany(ids: string[]): void {
    this.data.removeUsers(ids);
  }

  private newRecord(body: Schemas["NewUser"]): UserRecord {
    const name = body.name ?? null;
    const surname = body.surname ?? null;
    return {
      id: this.data.newUserId(body.id),
      userName: body.userName,
      email: body.email ?? "",
      emailConfirmed: false,
      name,
      surname,
      displayName: body.displayName ?? defaultDisplayName(name, surname, body.userName),
      creationTime: this.data.timestamp(),
      lastModificationTime: null,
      lastLoginTime: null,
      legacyId: body.legacyId ?? this.data.nextLegacyId(),
      isActive: true,
      bypassBasicAuthRestriction: body.bypassBasicAuthRestriction ?? false,
      type: toUserType(body.type),
      invitationAccepted: body.invitationAccepted ?? false,
      category: 0,
      directory: {},
    };
  }

  private add(user: UserRecord, groupIds: string[]): UserRecord {
    this.data.addUser(user);
    for (const groupId of groupIds) this.data.groups.get(groupId)!.userIds.add(user.id);
    return user;
  }

  /** A chosen id already used by a user or robot account is 409, as a taken group id is (the live answer is not recorded). */
  private assertIdFree(id: string | null | undefined): void {
    if (id !== null && id !== undefined && this.data.idTaken(id)) throw conflict(`A user with id '${lower(id)}' already exists.`);
  }

  private updateAttributes(user: UserRecord, set: Record<string, string>, remove: string[]): void {
    if (Object.keys(set).length === 0 && remove.length === 0) return;
    // A Map, so that a key such as "__proto__" is kept as data.
    const current = user.directory.extensionUserAttributes;
    const attributes = new Map<string, string>(
      current && typeof current === "object" ? Object.entries(current as Record<string, string>) : [],
    );
    for (const [k, v] of Object.entries(set)) attributes.set(k, v);
    for (const k of remove) attributes.delete(k);
    user.directory.extensionUserAttributes = Object.fromEntries(attributes);
  }
}
