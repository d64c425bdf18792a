import { afterAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { OPERATION_SCOPES, SCOPES } from "../../generated/scopes.js";
import { indexOperations, loadBundledDocument } from "../../src/emulator/document.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function check(cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run("node", ["scripts/generate.mjs", "--check"], { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe("generated/", () => {
  it("is up to date with openapi/", async () => {
    const result = await check(root);
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain("generated/ is up to date.");
  });

  it("is reported stale after a change to openapi/ that was not regenerated", async () => {
    const dir = mkdtempSync(join(tmpdir(), "identity-gen-check-"));
    copies.push(dir);
    for (const entry of ["openapi", "scripts", "generated", "redocly.yaml", "package.json"]) {
      cpSync(join(root, entry), join(dir, entry), { recursive: true });
    }
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    const file = join(dir, "openapi/components/schemas/RobotAccount.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("The friendly name shown in the portal.", "Changed."));

    const result = await check(dir);
    expect(result.code).toBe(1);
    expect(result.output).toContain("generated/ is stale (openapi.json, schema.d.ts)");
  });

  it("reports the scope table stale after a change to an operation's scopes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "identity-gen-check-"));
    copies.push(dir);
    for (const entry of ["openapi", "scripts", "generated", "redocly.yaml", "package.json"]) {
      cpSync(join(root, entry), join(dir, entry), { recursive: true });
    }
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    const file = join(dir, "openapi/paths/user_InviteUsers.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("- clientCredentials: [PM.User.Write]", "- clientCredentials: [PM.User.Read]"));

    const result = await check(dir);
    expect(result.code).toBe(1);
    expect(result.output).toContain("generated/ is stale (openapi.json, scopes.js, scopes.d.ts)");
  });

  it("the scope table holds what the document says: every operation's alternatives and every declared scope", () => {
    const doc = loadBundledDocument();
    const fromDocument = Object.fromEntries(
      indexOperations(doc).map((op) => [`${op.method.toUpperCase()} ${op.pathTemplate}`, op.scopeAlternatives]),
    );
    expect(OPERATION_SCOPES).toEqual(fromDocument);
    const flows = (doc as any).components.securitySchemes.clientCredentials.flows.clientCredentials.scopes;
    expect(SCOPES).toEqual(Object.keys(flows));
  });
});
