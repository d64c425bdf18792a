import { describe, expect, it, afterAll } from "@jest/globals";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);

interface SpectralResult {
  code: string;
  message: string;
  severity: number;
  source?: string;
  path: string[];
}

/** Runs Spectral with JSON output; exit code 1 only means "problems found", which the caller inspects. */
async function spectral(cwd: string): Promise<SpectralResult[]> {
  const { stdout } = await run(bin("spectral"), ["lint", "openapi/openapi.yaml", "-f", "json", "--quiet"], { cwd }).catch(
    (err: { stdout?: string; code?: number }) => {
      if (err.code === 1 && err.stdout) return { stdout: err.stdout };
      throw err;
    },
  );
  return stdout.trim() === "" ? [] : (JSON.parse(stdout) as SpectralResult[]);
}

const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("linters", () => {
  it("Spectral (oas + OWASP + our rules) reports no error, warning, info or hint", async () => {
    const results = await spectral(root);
    expect(results.map((r) => `${r.code}: ${r.message} (${r.source ?? ""})`)).toEqual([]);
  });

  it("Redocly (recommended, tightened) reports no error or warning", async () => {
    const { stdout } = await run(bin("redocly"), ["lint", "identity", "--format=json"], { cwd: root });
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it("our custom Spectral rules catch what they exist for", async () => {
    const dir = mkdtempSync(join(tmpdir(), "identity-lint-"));
    copies.push(dir);
    for (const entry of ["openapi", "lint", ".spectral.yaml"]) cpSync(join(root, entry), join(dir, entry), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    const edit = (file: string, from: string | RegExp, to: string) => {
      const path = join(dir, "openapi/paths", file);
      const text = readFileSync(path, "utf8");
      const next = text.replace(from, to);
      expect(next).not.toEqual(text);
      writeFileSync(path, next);
    };
    // createGroup: an undeclared scope, no narrow write scope, and a request body without examples.
    edit("group.yaml", "- clientCredentials: [PM.Group.Write]", "- clientCredentials: [PM.Groups.Admin]");
    edit("group.yaml", / {8}examples:\n {10}gryffindors:\n[\s\S]*?(?= {2}responses:)/, "");
    // createRobotAccount: a 201 JSON response without a schema.
    edit("robot-account.yaml", / {10}schema:\n {12}\$ref: \.\.\/components\/schemas\/RobotAccount\.yaml\n/, "");
    // deleteRobotAccount: no security at all.
    edit("robot-account_partitionGlobalId_robotAccountId.yaml", /(deleteRobotAccount[\s\S]*?) {2}security:\n( {4}- .*\n)+/, "$1");

    const found = (await spectral(dir))
      .filter((r) => r.code.startsWith("identity-"))
      .map((r) => `${r.code} ${basename(r.source ?? "")}#${r.path.join(".")}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "identity-security-scopes-defined group.yaml#post.security.1.clientCredentials",
        "identity-write-accepts-write-scope group.yaml#post.security",
        "identity-examples-request group.yaml#post.requestBody.content.application/json",
        "identity-2xx-json-has-schema robot-account.yaml#post.responses.201.content.application/json",
        "identity-security-scopes-defined robot-account_partitionGlobalId_robotAccountId.yaml#delete",
      ]),
    );
  });
});
