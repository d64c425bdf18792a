// What can be known wrong about identity files without an organization: beyond what reading them
// checks (syntax, the schema, duplicate names, CSV headers), the rules that need no live data.
// `validate` runs these with no credentials and no network; `plan` and `apply` run them before
// reading anything, so a file that can never work costs no request.
import { where, type DesiredMember, type FileProblem, type IdentityFile } from "./identity-file.js";

const EVERYONE = "everyone";
const ADMINISTRATORS = "administrators";
const lower = (s: string) => s.toLowerCase();

export function offlineProblems(file: IdentityFile): FileProblem[] {
  const problems: FileProblem[] = [];
  for (const g of file.groups) {
    if (lower(g.name) === EVERYONE && g.members !== undefined) {
      problems.push({
        at: g.at,
        message: `${JSON.stringify(g.name)} cannot list members: every user of the organization is in it (leave members out)`,
      });
    }
    // The guard no flag lifts, known from the file alone.
    if (lower(g.name) === ADMINISTRATORS && g.exclusive && (g.members ?? []).length === 0) {
      problems.push({
        at: g.at,
        message: `${JSON.stringify(g.name)} is exclusive with no members: it would be left with no member, and nobody could administer the organization`,
      });
    }
    const seen = new Map<string, DesiredMember>();
    for (const m of g.members ?? []) {
      const key = `${m.kind}:${lower(m.value)}`;
      const first = seen.get(key);
      if (first)
        problems.push({
          at: m.at,
          message: `${JSON.stringify(m.value)} is already a member of ${JSON.stringify(g.name)} at ${where(first.at)}`,
        });
      else seen.set(key, m);
    }
  }
  for (const ref of [...file.robotAccounts.flatMap((r) => r.groups), ...file.users.flatMap((u) => u.groups)]) {
    if (lower(ref.value) === EVERYONE) {
      problems.push({
        at: ref.at,
        message: `${JSON.stringify(ref.value)} cannot be joined: every user of the organization is in it already`,
      });
    }
  }
  return problems;
}
