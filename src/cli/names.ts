// Names instead of GUIDs: a group by its name, a robot account by its name, a user by e-mail
// address or user name, each resolved exactly (ignoring case). No match, or several, is an error
// that lists the candidates (the closest names when nothing matched).
import { distance } from "fastest-levenshtein";
import type { Group, IdentityClient, LookupCandidate, RobotAccount } from "../client/index.js";
import { IdentityApiError, IdentityLookupError } from "../client/errors.js";
import { isGuid } from "../client/validate.js";

export type MemberKind = "user" | "robot account";

export interface ResolvedMember {
  /** As the person wrote it. */
  ref: string;
  id: string;
  kind: MemberKind | "id";
  /** A name to show: the e-mail address, user name or robot name. */
  name: string;
}

/** The nearest names to `wanted` among `all`, best first, for "did you mean" lists. */
export function closest<T>(wanted: string, all: T[], nameOf: (item: T) => string, count = 3): T[] {
  const w = wanted.toLowerCase();
  return all
    .map((item) => ({ item, d: distance(w, nameOf(item).toLowerCase()) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, count)
    .map((x) => x.item);
}

const same = (a: string | null | undefined, b: string) => (a ?? "").toLowerCase() === b.toLowerCase();

/** The organization's groups, listed once per command (a cache of the list, not the Directory API), found by name or id. */
export class GroupListing {
  private groups: Promise<Group[]> | undefined;
  constructor(private readonly pm: IdentityClient) {}

  all(): Promise<Group[]> {
    return (this.groups ??= this.pm.groups.list());
  }

  async find(ref: string): Promise<Group> {
    const groups = await this.all();
    const found = isGuid(ref) ? groups.filter((g) => same(g.id, ref)) : groups.filter((g) => same(g.name, ref));
    if (found.length === 1) return found[0] as Group;
    const kind = found.length === 0 ? "not_found" : "ambiguous";
    const candidates = (kind === "ambiguous" ? found : closest(ref, groups, (g) => g.name ?? "")).map(groupCandidate);
    throw new IdentityLookupError(kind, "group", ref, candidates, isGuid(ref) ? "id" : "name");
  }

  /** The ids of several groups by name or id (one listing for all of them). */
  async ids(refs: string[] = []): Promise<string[]> {
    const out: string[] = [];
    for (const ref of refs) out.push((await this.find(ref)).id);
    return out;
  }
}

/** The organization's robot accounts, listed once per command when first needed, found by name or id. */
export class RobotAccountListing {
  private robots: Promise<RobotAccount[]> | undefined;
  constructor(private readonly pm: IdentityClient) {}

  all(): Promise<RobotAccount[]> {
    return (this.robots ??= this.pm.robotAccounts.list().toArray());
  }

  async lookup(ref: string): Promise<RobotAccount | undefined> {
    const robots = await this.all();
    return robots.find((r) => (isGuid(ref) ? same(r.id, ref) : same(r.name, ref)));
  }

  async find(ref: string): Promise<RobotAccount> {
    const found = await this.lookup(ref);
    if (found) return found;
    const robots = await this.all();
    throw new IdentityLookupError(
      "not_found",
      "robot account",
      ref,
      closest(ref, robots, (r) => r.name ?? "").map(robotCandidate),
      isGuid(ref) ? "id" : "name",
    );
  }

  /** Several robot accounts by name or id (one listing for all of them). */
  async findAll(refs: string[]): Promise<RobotAccount[]> {
    const out: RobotAccount[] = [];
    for (const ref of refs) out.push(await this.find(ref));
    return out;
  }
}

/**
 * Users by e-mail address or user name, many at once: one directory lookup (a POST, the largest
 * budget) when the token may use the directory, else the user list's search (GETs).
 */
export async function resolveUsers(pm: IdentityClient, refs: string[]): Promise<Map<string, { id: string; name: string } | undefined>> {
  const out = new Map<string, { id: string; name: string } | undefined>();
  if (refs.length === 0) return out;
  try {
    const found = await pm.directory.resolve(refs, "user");
    for (const ref of refs) {
      const entity = found.get(ref);
      out.set(ref, entity?.identifier ? { id: entity.identifier, name: entity.email || entity.name || ref } : undefined);
    }
    return out;
  } catch (error) {
    // No directory scope, or a deployment without the route: fall back to the documented list.
    if (!(error instanceof IdentityApiError && (error.kind === "forbidden" || error.kind === "not_found"))) throw error;
  }
  for (const ref of refs) {
    try {
      const user = await pm.users.findByEmail(ref);
      out.set(ref, { id: user.id, name: user.email || user.userName || ref });
    } catch (error) {
      if (!(error instanceof IdentityLookupError && error.kind === "not_found")) throw error;
      out.set(ref, undefined);
    }
  }
  return out;
}

/**
 * Group members as people write them: an e-mail address or user name (a user), a robot account's
 * name, or an id. Unknown names fail together, each with its nearest candidates.
 */
export async function resolveMembers(pm: IdentityClient, refs: string[], robots = new RobotAccountListing(pm)): Promise<ResolvedMember[]> {
  const names = [...new Set(refs.filter((r) => !isGuid(r)))];
  const users = await resolveUsers(pm, names);
  const out: ResolvedMember[] = [];
  const missing: string[] = [];
  for (const ref of refs) {
    if (isGuid(ref)) {
      out.push({ ref, id: ref.toLowerCase(), kind: "id", name: ref });
      continue;
    }
    const user = users.get(ref);
    if (user) {
      out.push({ ref, id: user.id, kind: "user", name: user.name });
      continue;
    }
    const robot = await robots.lookup(ref);
    if (robot) out.push({ ref, id: robot.id, kind: "robot account", name: robot.name ?? ref });
    else missing.push(ref);
  }
  if (missing.length > 0) throw await notFoundMembers(pm, missing, robots);
  return out;
}

async function notFoundMembers(pm: IdentityClient, missing: string[], robots: RobotAccountListing): Promise<IdentityLookupError> {
  const ref = missing[0] as string;
  // The nearest users by the part before the @, and the nearest robot names.
  const stem = ref.split("@")[0]?.slice(0, 3) || ref;
  const users = await pm.users.listPage({ search: stem, top: 50 }).then(
    (p) => p.results,
    () => [],
  );
  const pool: LookupCandidate[] = [
    ...users.map((u) => ({ id: u.id, name: u.email || u.userName || u.id, displayName: u.displayName })),
    ...(await robots.all()).map(robotCandidate),
  ];
  const error = new IdentityLookupError(
    "not_found",
    "user or robot account",
    ref,
    closest(ref, pool, (c) => c.name),
  );
  if (missing.length > 1)
    error.message += ` (also not found: ${missing
      .slice(1)
      .map((m) => JSON.stringify(m))
      .join(", ")})`;
  return error;
}

function groupCandidate(g: Group): LookupCandidate {
  return { id: g.id, name: g.name ?? g.id };
}

function robotCandidate(r: RobotAccount): LookupCandidate {
  return { id: r.id, name: r.name ?? r.id, displayName: r.displayName };
}
