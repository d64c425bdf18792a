// The GitHub workflows: all validated by `npm run lint`, and the promises the release makes.
import { afterAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const workflow = (name: string) => readFileSync(join(root, ".github/workflows", name), "utf8");
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("workflows", () => {
  it("lint:workflows validates every workflow file, the action and the example workflow, and names a broken one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "identity-workflows-"));
    dirs.push(dir);
    mkdirSync(join(dir, ".github"));
    cpSync(join(root, ".github/workflows"), join(dir, ".github/workflows"), { recursive: true });
    cpSync(join(root, "action.yml"), join(dir, "action.yml"));
    cpSync(join(root, "examples/github"), join(dir, "examples/github"), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    const lint = () =>
      run(process.execPath, [join(root, "scripts/lint-workflows.mjs")], { cwd: dir }).then(
        ({ stdout }) => ({ code: 0, out: stdout }),
        (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
      );

    const valid = await lint();
    expect(valid.code).toBe(0);
    for (const name of ["docs.yml", "pull-request.yml", "release.yml"]) expect(valid.out).toContain(`.github/workflows/${name}`);
    expect(valid.out).toContain("action.yml, examples/github/.github/workflows/identity.yml");
    writeFileSync(join(dir, ".github/workflows/docs.yml"), workflow("docs.yml").replace("runs-on: ubuntu-24.04", "runs-onn: ubuntu-24.04"));
    expect(await lint()).toMatchObject({ code: 1, out: expect.stringContaining(".github/workflows/docs.yml failed validation") });
    const action = readFileSync(join(root, "action.yml"), "utf8");
    writeFileSync(join(dir, "action.yml"), action.replace("using: composite", "using: compost"));
    expect(await lint()).toMatchObject({ code: 1, out: expect.stringContaining("action.yml failed validation") });
  });

  it("release publishes with provenance through OIDC, with no stored npm token", () => {
    const release = workflow("release.yml");
    expect(release).toContain("id-token: write");
    expect(release).toContain("npm publish --provenance");
    expect(release).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN|secrets\./);
    expect(release).toContain('scripts/changelog.ts release-notes "$GITHUB_REF_NAME"');
  });

  it("pull requests run the breaking-change check against their base with full history", () => {
    const pr = workflow("pull-request.yml");
    expect(pr).toContain("fetch-depth: 0");
    expect(pr).toContain('npm run breaking -- --base "origin/$BASE_REF" --github $ALLOW');
  });
});
