// The organization as a file of names, the start of identity as code: every group (built-in ones
// too, with their members, so that a plan of the export has nothing to do), members by e-mail
// address or name, directory groups as { group: NAME }, robot accounts with their groups, and the
// local users. Reads every group's members (a GET each) and the whole user list.
import type { IdentityClient } from "../../client/index.js";
import { EVERYONE, isBuiltIn } from "./differ.js";
import { nameMembers, readLive, type LiveState } from "./live.js";

type ExportMember = string | { group: string };

export interface ExportDocument {
  groups: Array<{ name: string; builtIn?: true; members?: ExportMember[] }>;
  robotAccounts: Array<{ name: string; displayName?: string; groups?: string[] }>;
  users: Array<{ email: string; name?: string; surname?: string; active?: false }>;
  prune: { groups: false; robotAccounts: false; users: false };
}

const lower = (s: string) => s.toLowerCase();
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, "en", { sensitivity: "base" });

export async function readForExport(pm: IdentityClient): Promise<LiveState> {
  const live = await readLive(pm, (groups) => ({
    // Everyone holds every user by definition: its members are not listed.
    fullMembers: groups.filter((g) => !(isBuiltIn(g) && lower(g.name ?? "") === EVERYONE)).map((g) => g.id),
    userMembers: [],
    userNames: [],
    directoryGroupNames: [],
    allUsers: true,
  }));
  await nameMembers(pm, live, [...live.members.keys()]);
  return live;
}

export function exportDocument(live: LiveState): ExportDocument {
  const groupName = new Map(live.groups.map((g) => [lower(g.id), g.name ?? g.id]));
  const groups = live.groups
    .map((g) => {
      const members: ExportMember[] = [];
      for (const [id, kind] of live.members.get(lower(g.id)) ?? []) {
        if (kind === "directoryGroup") members.push({ group: live.directoryGroupsById.get(id)?.name ?? id });
        else {
          const u = live.usersById.get(id);
          members.push(u ? u.email || u.userName || id : id);
        }
      }
      members.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
      return { name: g.name ?? g.id, ...(isBuiltIn(g) && { builtIn: true as const }), ...(members.length > 0 && { members }) };
    })
    .sort(byName);
  const robotAccounts = live.robotAccounts
    .map((r) => {
      const names = (r.groupIds ?? []).map((id) => groupName.get(lower(id)) ?? id).sort();
      return {
        name: r.name ?? r.id,
        ...(r.displayName !== null && r.displayName !== undefined && r.displayName !== r.name && { displayName: r.displayName }),
        ...(names.length > 0 && { groups: names }),
      };
    })
    .sort(byName);
  const users = (live.allUsers ?? [])
    .filter((u) => u.local && u.email !== "")
    .map((u) => ({
      email: u.email,
      ...(u.name && { name: u.name }),
      ...(u.surname && { surname: u.surname }),
      ...(u.active === false && { active: false as const }),
    }))
    .sort((a, b) => a.email.localeCompare(b.email));
  return { groups, robotAccounts, users, prune: { groups: false, robotAccounts: false, users: false } };
}

/** Users first, then directory groups, each by name. */
function sortKey(m: ExportMember): string {
  return typeof m === "string" ? `0${m}` : `1${m.group}`;
}
