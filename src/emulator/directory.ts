// The directory lookups: a prefix search over users, groups and robot accounts, and resolving
// names to entities in bulk. Not in UiPath's published document; the shapes are those UiPath's SDK
// and UiPathOrch read from the live service, and the matching rules below are the emulator's.
import type { components } from "../../generated/schema.js";
import {
  userSource,
  type DirectoryGroupRecord,
  type GroupRecord,
  type OrganizationData,
  type RobotAccountRecord,
  type UserRecord,
} from "./data.js";
import { directoryGroupView, directoryUserView } from "./views.js";

type Schemas = components["schemas"];
type SearchResult = Schemas["DirectorySearchResult"];
type SourceFilter = "localUsers" | "directoryUsers" | "localGroups" | "directoryGroups" | "robotAccounts" | "applications";
type Kind = "localUsers" | "directoryUsers" | "groups" | "directoryGroups" | "robotAccounts";

export interface SearchQuery {
  startsWith: string;
  entityType?: "user" | "group" | "application";
  sourceFilter?: SourceFilter[];
}

/** What each `entityType` covers: robot accounts count as users; the emulator has no applications. */
const ENTITY_KINDS: Record<NonNullable<SearchQuery["entityType"]>, Kind[]> = {
  user: ["localUsers", "directoryUsers", "robotAccounts"],
  group: ["groups", "directoryGroups"],
  application: [],
};

/** What each source filter covers; there are no applications in the emulator. */
const SOURCE_KINDS: Record<SourceFilter, Kind[]> = {
  localUsers: ["localUsers"],
  directoryUsers: ["directoryUsers"],
  localGroups: ["groups"],
  directoryGroups: ["directoryGroups"],
  robotAccounts: ["robotAccounts"],
  applications: [],
};

const ALL_KINDS: Kind[] = ["localUsers", "directoryUsers", "groups", "directoryGroups", "robotAccounts"];

/** Search `type`: 0 users (robot accounts included), 1 groups, 2 applications, as UiPath's SDK reads it. */
const SEARCH_TYPE = { user: 0, group: 1 } as const;

const isLocal = (u: UserRecord) => userSource(u) === "local";
const startsWith = (prefix: string) => (value: string | null) => (value ?? "").toLowerCase().startsWith(prefix);
const byIdentityName = (a: SearchResult, b: SearchResult) =>
  (a.identityName ?? "").toLowerCase().localeCompare((b.identityName ?? "").toLowerCase(), "en");

export class DirectoryOperations {
  constructor(private readonly data: OrganizationData) {}

  /** Prefix match ignoring case; users first, then groups, then robot accounts, each by name. No paging. */
  search(q: SearchQuery): SearchResult[] {
    const kinds = new Set(q.entityType ? ENTITY_KINDS[q.entityType] : ALL_KINDS);
    if (q.sourceFilter && q.sourceFilter.length > 0) {
      const allowed = new Set(q.sourceFilter.flatMap((f) => SOURCE_KINDS[f]));
      for (const k of kinds) if (!allowed.has(k)) kinds.delete(k);
    }
    const match = startsWith(q.startsWith.toLowerCase());
    const users = [...this.data.users.values()]
      .filter((u) => kinds.has(isLocal(u) ? "localUsers" : "directoryUsers"))
      .filter((u) => [u.userName, u.email, u.name, u.surname, u.displayName].some(match))
      .map(userResult);
    const groups = [
      ...(kinds.has("groups") ? [...this.data.groups.values()].filter((g) => match(g.name)).map(groupResult) : []),
      ...(kinds.has("directoryGroups") ? [...this.data.directoryGroups.values()].filter((g) => match(g.name)).map(groupResult) : []),
    ];
    const robotAccounts = kinds.has("robotAccounts")
      ? [...this.data.robotAccounts.values()].filter((r) => match(r.name) || match(r.displayName)).map(robotResult)
      : [];
    return [...users.sort(byIdentityName), ...groups.sort(byIdentityName), ...robotAccounts.sort(byIdentityName)];
  }

  /**
   * Each name as given mapped to what it names, or null: users by user name, else by e-mail
   * address; groups by name (the organization's own first, then the directory's); all ignoring
   * case. Applications never resolve (there are none).
   */
  resolve(body: Schemas["ResolveDirectoryNames"]): Schemas["ResolvedDirectoryNames"] {
    const found = new Map<string, Schemas["DirectoryEntity"] | null>();
    for (const name of body.entityNames) found.set(name, this.resolveOne(name, body.entityType));
    // fromEntries keeps a name such as "__proto__" as an ordinary key.
    return Object.fromEntries(found);
  }

  private resolveOne(name: string, entityType: Schemas["ResolveDirectoryNames"]["entityType"]): Schemas["DirectoryEntity"] | null {
    if (entityType === "user") {
      const user = this.data.userByName(name) ?? this.data.userByEmail(name);
      return user ? directoryUserView(user) : null;
    }
    if (entityType === "group") {
      const same = (g: { name: string }) => g.name.toLowerCase() === name.toLowerCase();
      const group = [...this.data.groups.values()].find(same) ?? [...this.data.directoryGroups.values()].find(same);
      return group ? directoryGroupView(group) : null;
    }
    return null;
  }
}

function userResult(u: UserRecord): SearchResult {
  return {
    source: userSource(u),
    identifier: u.id,
    identityName: u.userName,
    displayName: u.displayName,
    email: u.email,
    domain: null,
    type: SEARCH_TYPE.user,
    objectType: "DirectoryUser",
  };
}

function groupResult(g: GroupRecord | DirectoryGroupRecord): SearchResult {
  return {
    source: "source" in g ? g.source : "local",
    identifier: g.id,
    identityName: g.name,
    displayName: g.name,
    email: null,
    domain: null,
    type: SEARCH_TYPE.group,
    objectType: "DirectoryGroup",
  };
}

function robotResult(r: RobotAccountRecord): SearchResult {
  return {
    source: "local",
    identifier: r.id,
    identityName: r.name,
    displayName: r.displayName,
    email: null,
    domain: null,
    type: SEARCH_TYPE.user,
    objectType: "DirectoryRobotUser",
  };
}
