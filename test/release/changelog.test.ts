// CHANGELOG.md entries: the lint check that package.json's version has one, and the release notes.
import { afterAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { changelogEntry } from "../../scripts/changelog.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const changelog = `# Changelog

## Version policy

Semantic versioning.

## 1.10.0 — unreleased

- Users.

## 1.1.0 — 2026-12-01

- **Breaking:** \`groups.list\` pages.
- Robot accounts.

### Fixed

- Retries.

## 1.0.0 — 2026-11-01

- First release.
`;

/** Runs the script in a folder holding just a package.json and a CHANGELOG.md. */
async function script(version: string, ...args: string[]) {
  return scriptWith(version, version, ...args);
}

/** The script in a scratch project whose contract's info.version may differ from the package's. */
async function scriptWith(version: string, contractVersion: string, ...args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "identity-changelog-"));
  dirs.push(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "x", version }));
  writeFileSync(join(dir, "CHANGELOG.md"), changelog);
  mkdirSync(join(dir, "openapi"));
  writeFileSync(join(dir, "openapi/openapi.yaml"), `openapi: 3.1.0\ninfo:\n  title: x\n  version: ${contractVersion}\n  summary: y\n`);
  try {
    const { stdout, stderr } = await run(join(root, "node_modules/.bin/tsx"), [join(root, "scripts/changelog.ts"), ...args], { cwd: dir });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe("CHANGELOG.md entries", () => {
  it("takes a version's whole section, subsections included, and nothing of the next", () => {
    expect(changelogEntry(changelog, "1.1.0")).toEqual({
      heading: "## 1.1.0 — 2026-12-01",
      body: "- **Breaking:** `groups.list` pages.\n- Robot accounts.\n\n### Fixed\n\n- Retries.",
    });
    expect(changelogEntry(changelog, "1.0.0")?.body).toBe("- First release.");
  });

  it("matches the version exactly", () => {
    expect(changelogEntry(changelog, "1.1")).toBeUndefined();
    expect(changelogEntry(changelog, "1.0.0")?.heading).toBe("## 1.0.0 — 2026-11-01");
    expect(changelogEntry(changelog, "10.0")).toBeUndefined();
    expect(changelogEntry(changelog, "1.1.0-rc.1")).toBeUndefined();
  });

  it("check: passes for an entry, even one still unreleased, and names a missing one", async () => {
    expect(await script("1.10.0", "check")).toEqual({
      code: 0,
      out: "CHANGELOG.md has an entry for 1.10.0, and the contract is version 1.10.0 too.\n",
    });
    expect(await script("1.2.0", "check")).toMatchObject({ code: 1, out: expect.stringContaining("CHANGELOG.md has no entry for 1.2.0") });
  });

  it("check: the contract's info.version moves with the package's", async () => {
    expect(await scriptWith("1.10.0", "1.0.0", "check")).toEqual({
      code: 1,
      out: "openapi/openapi.yaml's info.version is 1.0.0, package.json's version 1.10.0: they move together.\n",
    });
  });

  it("release-notes: prints the entry of the tagged, dated version", async () => {
    expect(await script("1.1.0", "release-notes", "v1.1.0")).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^- \*\*Breaking:\*\*[\s\S]*- Retries\.\n$/),
    });
    expect(await script("1.0.0", "release-notes", "v1.0.0")).toEqual({ code: 0, out: "- First release.\n" });
  });

  it("release-notes: refuses a tag that is not package.json's version, a missing entry and an undated one", async () => {
    expect(await script("1.1.0", "release-notes", "v1.1.1")).toEqual({
      code: 1,
      out: "release: the tag v1.1.1 does not name package.json's version 1.1.0 (expected v1.1.0).\n",
    });
    expect(await script("1.1.0", "release-notes", "1.1.0")).toMatchObject({ code: 1, out: expect.stringContaining("(expected v1.1.0)") });
    expect(await script("1.2.0", "release-notes", "v1.2.0")).toMatchObject({
      code: 1,
      out: expect.stringContaining("CHANGELOG.md has no entry for 1.2.0"),
    });
    expect(await script("1.10.0", "release-notes", "v1.10.0")).toMatchObject({
      code: 1,
      out: expect.stringContaining("still calls 1.10.0 unreleased"),
    });
    expect(await script("1.1.0", "release-notes")).toMatchObject({ code: 2, out: expect.stringContaining("usage:") });
  });

  it("finds the entry for the version in package.json in the real CHANGELOG.md", async () => {
    const { stdout } = await run(join(root, "node_modules/.bin/tsx"), [join(root, "scripts/changelog.ts"), "check"], { cwd: root });
    expect(stdout).toMatch(/^CHANGELOG\.md has an entry for \d+\.\d+\.\d+/);
  });
});
