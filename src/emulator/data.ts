// What one organization holds: users, groups and robot accounts as records, with the indexes and
// lookups the operations share. A user's membership is kept on the group and a robot account's on
// the robot account, so each fact is stored once and the views derived from it cannot drift apart.
import { randomUUID } from "node:crypto";
import { invalid, notFound } from "./errors.js";
import { seedUserName, type SeedData, type SeedUser } from "./seed.js";

export interface UserRecord {
  id: string;
  userName: string;
  /** An empty string for a user without one, as the live service sends it. */
  email: string;
  emailConfirmed: boolean;
  /** The first name. */
  name: string | null;
  surname: string | null;
  displayName: string | null;
  creationTime: string;
  lastModificationTime: string | null;
  lastLoginTime: string | null;
  legacyId: number;
  isActive: boolean;
  bypassBasicAuthRestriction: boolean;
  /** UserType as the wire's integer, 0 to 5. */
  type: number;
  invitationAccepted: boolean;
  category: number;
  /** Directory attributes (source, jobTitle, city, extensionUserAttributes, ...), as seeded. */
  directory: Record<string, unknown>;
}

export interface GroupRecord {
  id: string;
  name: string;
  type: 0 | 1;
  creationTime: string;
  lastModificationTime: string | null;
  /** Member users, in the order they joined (a Set keeps insertion order). */
  userIds: Set<string>;
  /** Member groups of the linked directory (Entra ID, Active Directory). */
  directoryGroupIds: Set<string>;
}

/** A group of the linked directory: it can be a member of the organization's groups, never changed here. */
export interface DirectoryGroupRecord {
  id: string;
  name: string;
  /** The directory it comes from, never `local`. */
  source: string;
}

export interface RobotAccountRecord {
  id: string;
  name: string;
  displayName: string | null;
  creationTime: string;
  lastLoginTime: string | null;
  groupIds: string[];
}

/** UserType's names, in the order of the integers the live service sends. */
export const USER_TYPES = ["user", "robot", "directoryUser", "directoryGroup", "robotAccount", "application"] as const;

export const lower = (id: string) => id.toLowerCase();
export const sameName = (a: string | null | undefined, b: string | null | undefined) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

export function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/** Group ids come back in a fixed order (the service's examples list them sorted). */
export function sortIds(ids: Iterable<string>): string[] {
  return [...ids].sort();
}

export function toUserType(value: number | string | undefined): number {
  if (typeof value === "number") return value;
  const index = USER_TYPES.indexOf(value as (typeof USER_TYPES)[number]);
  return index >= 0 ? index : 0;
}

/** Fields of a seeded user that become user fields; the rest are directory attributes. */
const USER_FIELDS = new Set([
  "identifier",
  "objectType",
  "name",
  "firstName",
  "lastName",
  "email",
  "displayName",
  "creationTime",
  "userName",
  "surname",
  "type",
  "isActive",
  "invitationAccepted",
  "emailConfirmed",
  "lastModificationTime",
  "lastLoginTime",
  "legacyId",
  "category",
  "bypassBasicAuthRestriction",
]);

export class OrganizationData {
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly directoryGroups = new Map<string, DirectoryGroupRecord>();
  readonly robotAccounts = new Map<string, RobotAccountRecord>();
  /** Lower-cased user name and e-mail to user id, for the uniqueness rules. */
  private readonly userNames = new Map<string, string>();
  private readonly emails = new Map<string, string>();
  private lastLegacyId = 0;

  constructor(
    seed: SeedData,
    readonly now: () => number,
  ) {
    for (const u of seed.users ?? []) this.addUser(this.seededUser(u));
    for (const d of seed.directoryGroups ?? []) {
      this.directoryGroups.set(lower(d.id), { id: lower(d.id), name: d.name, source: d.source ?? "azuread" });
    }
    for (const g of seed.groups ?? []) {
      const members = (g.memberIds ?? []).map(lower);
      this.groups.set(lower(g.id), {
        id: lower(g.id),
        name: String(g.name),
        type: g.type === 0 || g.type === "builtIn" ? 0 : 1,
        creationTime: g.creationTime ?? this.timestamp(),
        lastModificationTime: g.lastModificationTime ?? null,
        userIds: new Set(members.filter((m) => !this.directoryGroups.has(m))),
        directoryGroupIds: new Set(members.filter((m) => this.directoryGroups.has(m))),
      });
    }
    for (const r of seed.robotAccounts ?? []) {
      this.robotAccounts.set(lower(r.id), {
        id: lower(r.id),
        name: String(r.name),
        displayName: r.displayName ?? String(r.name),
        creationTime: r.creationTime ?? this.timestamp(),
        lastLoginTime: r.lastLoginTime ?? null,
        groupIds: sortIds(unique((r.groupIds ?? []).map(lower))),
      });
    }
  }

  timestamp(): string {
    return new Date(this.now()).toISOString();
  }

  /** Seeded users are established members: active, confirmed and past their invitation unless the seed says otherwise. */
  private seededUser(u: SeedUser): UserRecord {
    const directory = Object.fromEntries(Object.entries(u).filter(([k]) => !USER_FIELDS.has(k)));
    const source = typeof directory.source === "string" ? directory.source : undefined;
    const name = u.firstName ?? u.name ?? null;
    const surname = u.surname ?? u.lastName ?? null;
    return {
      id: lower(u.identifier),
      userName: seedUserName(u),
      email: u.email ?? "",
      emailConfirmed: u.emailConfirmed ?? true,
      name,
      surname,
      displayName: u.displayName ?? defaultDisplayName(name, surname, seedUserName(u)),
      creationTime: u.creationTime ?? this.timestamp(),
      lastModificationTime: u.lastModificationTime ?? null,
      lastLoginTime: u.lastLoginTime ?? null,
      legacyId: u.legacyId ?? this.nextLegacyId(),
      isActive: u.isActive ?? true,
      bypassBasicAuthRestriction: u.bypassBasicAuthRestriction ?? false,
      type: toUserType(u.type),
      invitationAccepted: u.invitationAccepted ?? true,
      category: u.category ?? defaultCategory(source),
      directory,
    };
  }

  // ---- users and their indexes

  addUser(user: UserRecord): void {
    this.users.set(user.id, user);
    this.userNames.set(lower(user.userName), user.id);
    if (user.email !== "") this.emails.set(lower(user.email), user.id);
    this.lastLegacyId = Math.max(this.lastLegacyId, user.legacyId);
  }

  setEmail(user: UserRecord, email: string): void {
    if (this.emails.get(lower(user.email)) === user.id) this.emails.delete(lower(user.email));
    user.email = email;
    if (email !== "") this.emails.set(lower(email), user.id);
  }

  /** Removes users and their memberships; unknown ids are ignored. */
  removeUsers(ids: string[]): void {
    for (const id of ids.map(lower)) {
      const user = this.users.get(id);
      if (!user) continue;
      this.users.delete(id);
      this.userNames.delete(lower(user.userName));
      if (this.emails.get(lower(user.email)) === id) this.emails.delete(lower(user.email));
      for (const group of this.groups.values()) group.userIds.delete(id);
    }
  }

  /** Legacy ids count up from the highest one in use (the service's own numbering is internal). */
  nextLegacyId(): number {
    return ++this.lastLegacyId;
  }

  /** The user whose user name this is, ignoring case. */
  userByName(userName: string): UserRecord | undefined {
    const id = this.userNames.get(lower(userName));
    return id === undefined ? undefined : this.users.get(id);
  }

  /** The user with this e-mail address, ignoring case; nobody for the empty address. */
  userByEmail(email: string): UserRecord | undefined {
    const id = email === "" ? undefined : this.emails.get(lower(email));
    return id === undefined ? undefined : this.users.get(id);
  }

  /** Robot accounts are identity users too, so users and robot accounts share one set of names. */
  userNameTaken(name: string): boolean {
    return this.userByName(name) !== undefined || [...this.robotAccounts.values()].some((r) => sameName(r.name, name));
  }

  /** A user id and a robot-account id live in the same space. */
  idTaken(id: string): boolean {
    return this.users.has(lower(id)) || this.robotAccounts.has(lower(id)) || this.directoryGroups.has(lower(id));
  }

  /** The groups a user is in, sorted, derived from the groups' member sets. */
  groupIdsOf(userId: string): string[] {
    return sortIds([...this.groups.values()].filter((g) => g.userIds.has(userId)).map((g) => g.id));
  }

  newUserId(given: string | null | undefined): string {
    return lower(given ?? randomUUID());
  }

  // ---- lookups that fail the way the service does

  requireUser(id: string): UserRecord {
    const u = this.users.get(lower(id));
    // The message UiPath's own SDK fixtures show for an unknown user.
    if (!u) throw notFound("The entity was not found.");
    return u;
  }

  requireGroup(id: string): GroupRecord {
    const g = this.groups.get(lower(id));
    if (!g) throw notFound(`No group with id '${lower(id)}'.`);
    return g;
  }

  requireRobotAccount(id: string): RobotAccountRecord {
    const r = this.robotAccounts.get(lower(id));
    if (!r) throw notFound(`No robot account with id '${lower(id)}'.`);
    return r;
  }

  /** Every id must name a group; otherwise 400 keyed by the body field. */
  requireGroups(ids: string[], field: string): string[] {
    const out = ids.map(lower);
    const unknown = out.find((id) => !this.groups.has(id));
    if (unknown) throw invalid(field, `No group with id '${unknown}'.`);
    return out;
  }
}

/**
 * The emulator's choice when a new user has no display name: first and last name, else the user
 * name (UiPath's bulk-create example shows "Fred Weasley" for a request without one).
 */
export function defaultDisplayName(name: string | null | undefined, surname: string | null | undefined, userName: string): string {
  return [name, surname].filter((p) => p !== null && p !== undefined && p !== "").join(" ") || userName;
}

/** Where a user comes from: its seeded `source`, or `local`. */
export function userSource(u: UserRecord): string {
  return typeof u.directory.source === "string" ? u.directory.source : "local";
}

/** `category` (observed live, undocumented): 0 local, 2 from a directory; the emulator infers it from `source`. */
export function defaultCategory(source: string | undefined): number {
  return source === undefined || source === "local" ? 0 : 2;
}
