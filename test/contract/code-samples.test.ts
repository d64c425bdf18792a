import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { DEMO_CLIENT, PM_SCOPES, type EmulatorHandle } from "../../src/emulator/index.js";
import { listOperations, loadDocument } from "../helpers/contract.js";
import { emulatorPerFile } from "../helpers/emulator.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const doc = loadDocument();

type Sample = { lang: string; label: string; source: string };
const samplesOf = (operationId: string): Sample[] => {
  const op = listOperations(doc).find((o) => o.operationId === operationId)!;
  return (doc.paths as Record<string, Record<string, { "x-codeSamples"?: Sample[] }>>)[op.path]![op.method]!["x-codeSamples"] ?? [];
};
const sample = (operationId: string, lang: string) => samplesOf(operationId).find((s) => s.lang === lang)?.source ?? "";

describe("request samples in the contract (what the rendered docs show)", () => {
  it("every operation has a TypeScript and a curl sample", () => {
    for (const op of listOperations(doc)) {
      expect({ op: op.operationId, langs: samplesOf(op.operationId).map((s) => s.lang) }).toEqual({
        op: op.operationId,
        langs: ["TypeScript", "Shell"],
      });
    }
  });

  it("the TypeScript samples compile, strictly, against the client in src/", async () => {
    const dir = join(root, "build/code-samples");
    mkdirSync(dir, { recursive: true });
    const bodies = listOperations(doc).map(
      (op) => `export async function ${op.operationId}Sample(): Promise<void> {\n${sample(op.operationId, "TypeScript")}\n}\n`,
    );
    writeFileSync(
      join(dir, "samples.ts"),
      [
        "import type { IdentityClient } from '../../src/client/index.js';",
        "declare const pm: IdentityClient;",
        "declare const ron: string, harry: string, hermione: string;",
        "declare const gryffindorsId: string, alumniId: string, robyId: string;",
        ...bodies,
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          noUnusedLocals: false,
          types: ["node"],
          skipLibCheck: true,
        },
        files: ["samples.ts"],
      }),
    );
    const result = await run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", dir]).catch(
      (err: { stdout: string }) => ({ stdout: err.stdout }),
    );
    expect(result.stdout).toBe("");
  });

  describe("the curl samples, run as printed against the emulator", () => {
    const start = emulatorPerFile();
    let emulator: EmulatorHandle;
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      emulator = await start({ clients: [DEMO_CLIENT] });
      env = {
        ...process.env,
        BASE: emulator.baseUrl(),
        AUDIT_BASE: emulator.auditBaseUrl(),
        TOKEN: emulator.issueToken({ scopes: [...PM_SCOPES] }),
      };
    });
    afterAll(() => {
      rmSync(join(root, "build/code-samples"), { recursive: true, force: true });
    });

    // An order in which each sample's ids exist (or are free) when it runs, on the demo data.
    const order: Array<[string, number]> = [
      ["listUsers", 200],
      ["getUser", 200],
      ["createUser", 200],
      ["createUsers", 200],
      ["inviteUsers", 200],
      ["updateUser", 200],
      ["searchDirectory", 200],
      ["resolveDirectoryNames", 200],
      ["deleteUser", 204],
      ["deleteUsers", 204],
      ["listGroups", 200],
      ["getGroup", 200],
      ["listGroupMembers", 200],
      ["updateGroup", 200],
      ["listRobotAccounts", 200],
      ["getRobotAccount", 200],
      ["updateRobotAccount", 200],
      ["deleteRobotAccount", 204],
      ["createRobotAccount", 201],
      ["deleteRobotAccounts", 204],
      ["deleteGroup", 204],
      ["createGroup", 201],
      ["deleteGroups", 204],
      ["listAuditEvents", 200],
      ["listAuditEventSources", 200],
      ["downloadAuditEvents", 200],
      ["queryAuditRecords", 200],
      ["downloadAuditRecords", 200],
    ];

    it("cover every operation", () => {
      expect(order.map(([id]) => id).sort()).toEqual(
        listOperations(doc)
          .map((o) => o.operationId)
          .sort(),
      );
    });

    it.each(order)("%s answers %i", async (operationId, status) => {
      const command = `${sample(operationId, "Shell").trim()} -s -o /dev/null -w '%{http_code}'`;
      const { stdout } = await run("bash", ["-c", command], { env });
      expect(stdout).toBe(String(status));
      expect(emulator.violations).toEqual([]);
    });
  });
});
