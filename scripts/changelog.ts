// CHANGELOG.md sections, for two jobs:
//   tsx scripts/changelog.ts check                package.json's version has an entry, and the contract's
//                                                 info.version is the same (npm run lint)
//   tsx scripts/changelog.ts release-notes <tag>  for the release workflow: the tag is package.json's
//                                                 version with a `v` (v1.2.0), its entry is dated,
//                                                 and the entry is printed as the release's notes
// An entry is a `## <version>` heading (anything may follow the version, e.g. `— 2026-12-01` or
// `— unreleased`) and runs until the next `## ` heading.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The version's section: its heading line and its body, trimmed; undefined when there is none or it is empty. */
export function changelogEntry(changelog: string, version: string): { heading: string; body: string } | undefined {
  const heading = new RegExp(`^## \\[?v?${escape(version)}\\]?(?=\\s|$).*$`, "m");
  const match = heading.exec(changelog);
  if (!match) return undefined;
  const rest = changelog.slice(match.index + match[0].length);
  const next = rest.search(/^## /m);
  const body = (next === -1 ? rest : rest.slice(0, next)).trim();
  return body === "" ? undefined : { heading: match[0], body };
}

function main(args: string[], root: string): number {
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  const entry = changelogEntry(readFileSync(join(root, "CHANGELOG.md"), "utf8"), version);
  const missing = `CHANGELOG.md has no entry for ${version}: add a \`## ${version}\` section saying what changed.`;
  if (args[0] === "check") {
    // The contract's version moves with the package's (see CHANGELOG.md's version policy).
    const contract = /^info:\n(?:[ \t].*\n)*?[ \t]+version:[ \t]*['"]?([^'"\s]+)/m.exec(
      readFileSync(join(root, "openapi/openapi.yaml"), "utf8"),
    )?.[1];
    const problems = [
      ...(entry ? [] : [missing]),
      ...(contract === version
        ? []
        : [`openapi/openapi.yaml's info.version is ${contract ?? "missing"}, package.json's version ${version}: they move together.`]),
    ];
    for (const p of problems) console.error(p);
    if (problems.length === 0) console.log(`CHANGELOG.md has an entry for ${version}, and the contract is version ${version} too.`);
    return problems.length === 0 ? 0 : 1;
  }
  if (args[0] === "release-notes" && args[1]) {
    const problem =
      args[1] !== `v${version}`
        ? `the tag ${args[1]} does not name package.json's version ${version} (expected v${version}).`
        : !entry
          ? missing
          : /unreleased/i.test(entry.heading)
            ? `CHANGELOG.md still calls ${version} unreleased (\`${entry.heading}\`): put the release date there.`
            : undefined;
    if (problem) {
      console.error(`release: ${problem}`);
      return 1;
    }
    console.log(entry!.body);
    return 0;
  }
  console.error("usage: tsx scripts/changelog.ts check | release-notes <tag>");
  return 2;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? "")).href) {
  process.exitCode = main(process.argv.slice(2), process.cwd());
}
