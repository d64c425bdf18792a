// `npm run breaking` end to end, on a scratch git repository made from this tree: the tree is the
// base commit, then each scenario edits openapi/ or src/ the way a pull request would and runs the
// real command against the base. The rules themselves have one fixture each in
// contract-rules.test.ts and api-diff.test.ts; here every kind of break is made in the source
// files at once (runs are slow: each bundles twice, compiles and runs API Extractor) and each
// must be named in the output.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "identity-breaking-test-"));
const author = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.invalid",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.invalid",
};
const git = (...args: string[]) => execFileSync("git", args, { cwd: work, env: { ...process.env, ...author }, encoding: "utf8" });

beforeAll(() => {
  const copied = [
    "openapi",
    "src",
    "generated",
    "api",
    "scripts",
    "package.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "redocly.yaml",
    "CHANGELOG.md",
    ".gitignore",
  ];
  for (const entry of copied) cpSync(join(root, entry), join(work, entry), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(work, "node_modules"));
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  git("tag", "base");
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Replaces the first `from` in a file of the scratch tree; a missing `from` fails the test (the sources moved on). */
function edit(file: string, from: string, to: string) {
  const path = join(work, file);
  const text = readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}: update this test`);
  writeFileSync(path, text.replace(from, to));
}

const setVersion = (version: string) => edit("package.json", '"version": "0.1.0"', `"version": "${version}"`);

async function breaking(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run("npm", ["run", "-s", "breaking", "--", ...args], { cwd: work, maxBuffer: 10 << 20 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** Every scenario starts from the base commit with a clean tree. */
function reset() {
  git("reset", "-q", "--hard", "base");
  git("clean", "-qfd");
}

describe("npm run breaking", () => {
  it("passes an unchanged tree, comparing with where the branch left the base (not what the base gained since)", async () => {
    reset();
    const branch = git("rev-parse", "--abbrev-ref", "HEAD").trim();
    git("switch", "-q", "-c", "ahead", "base");
    edit("openapi/components/schemas/Group.yaml", "  members:\n", "  description:\n    type: [string, 'null']\n  members:\n");
    git("commit", "-q", "-am", "The base gains a field");
    git("switch", "-q", branch);
    const result = await breaking("--base", "ahead");
    expect(result.out).toMatch(/^Breaking changes against ahead \(where this branch left it: [0-9a-f]{10}\):/m);
    expect(result.out).toContain("None: every change to the contract and to the exported surface is additive.");
    expect(result.out).not.toContain("Note:"); // the committed reports match the code
    expect(result.code).toBe(0);
    git("branch", "-q", "-D", "ahead");
  });

  it("passes additions to the contract and to the exports, and says the report needs updating", async () => {
    reset();
    edit("openapi/components/schemas/Group.yaml", "  members:\n", "  description:\n    type: [string, 'null']\n  members:\n");
    edit("openapi/components/schemas/SortOrder.yaml", "enum: [asc, desc]", "enum: [asc, desc, none]");
    edit("openapi/components/schemas/UpdateGroup.yaml", "required: [partitionGlobalId, name]", "required: [partitionGlobalId]");
    edit(
      "openapi/paths/group_id.yaml",
      "    - clientCredentials: [PM.Group.Read]\n",
      "    - clientCredentials: [PM.Group.Read]\n    - clientCredentials: [PM.Directory.Read]\n",
    );
    edit(
      "src/client/index.ts",
      'export { isGuid } from "./validate.js";',
      'export { isGuid } from "./validate.js";\nexport const TOOLKIT_FEATURES = ["groups", "robotAccounts"] as const;',
    );
    const result = await breaking("--base", "base", "--github");
    expect(result.out).toContain("None: every change to the contract and to the exported surface is additive.");
    expect(result.out).toContain("Added exports: uipath-identity-toolkit.api.md: TOOLKIT_FEATURES.");
    expect(result.out).toContain(
      "::warning title=Breaking-change check::api/uipath-identity-toolkit.api.md not updated yet: run `npm run api:update`",
    );
    expect(result.out).not.toContain("::error");
    expect(result.code).toBe(0);
  });

  it("fails on every kind of contract break, names each one and annotates the source files", async () => {
    reset();
    // operation-removed (and with it schema-removed: only that operation used GroupMemberPage)
    edit(
      "openapi/openapi.yaml",
      "  /api/Group/{partitionGlobalId}/{groupId}/Members:\n    $ref: paths/group_partitionGlobalId_groupId_Members.yaml\n",
      "",
    );
    edit("openapi/paths/robot-account.yaml", "operationId: createRobotAccount", "operationId: addRobotAccount");
    edit("openapi/paths/group_id.yaml", "    - clientCredentials: [PM.Group.Read]\n", "");
    edit("openapi/paths/robot-account_id.yaml", "    - name: searchTerm\n", "    - name: searchText\n");
    edit(
      "openapi/paths/robot-account_id.yaml",
      "    - $ref: ../components/parameters/Skip.yaml\n",
      "    - $ref: ../components/parameters/Skip.yaml\n    - name: region\n      in: query\n      required: true\n      schema:\n        type: string\n",
    );
    edit(
      "openapi/paths/robot-account_partitionGlobalId_robotAccountId.yaml",
      "get:\n",
      "get:\n  requestBody:\n    required: true\n    content:\n      application/json:\n        schema:\n          type: object\n",
    );
    edit(
      "openapi/paths/robot-account.yaml",
      "        application/json:\n          schema:\n            $ref: ../components/schemas/RobotAccount.yaml",
      "        application/vnd.uipath+json:\n          schema:\n            $ref: ../components/schemas/RobotAccount.yaml",
    );
    edit("openapi/paths/group_partitionGlobalId_groupId.yaml", "    '404':\n      $ref: ../components/responses/NotFound.yaml\n", "");
    edit(
      "openapi/components/schemas/UpdateGroup.yaml",
      "required: [partitionGlobalId, name]",
      "required: [partitionGlobalId, name, directoryUserIDsToAdd]",
    );
    edit("openapi/components/schemas/CreateRobotAccount.yaml", "  displayName:\n    type: [string, 'null']\n", "");
    edit(
      "openapi/components/schemas/Group.yaml",
      "  displayName:\n    type: [string, 'null']\n    deprecated: true\n",
      "  formerDisplayName:\n    type: [string, 'null']\n    deprecated: true\n",
    );
    edit(
      "openapi/components/schemas/RobotAccount.yaml",
      "required: [id, name, displayName, creationTime]",
      "required: [id, name, creationTime]",
    );
    edit(
      "openapi/components/schemas/Group.yaml",
      "  creationTime:\n    $ref: Timestamp.yaml\n",
      "  creationTime:\n    anyOf:\n      - $ref: Timestamp.yaml\n      - type: 'null'\n",
    );
    edit("openapi/components/schemas/SortOrder.yaml", "enum: [asc, desc]", "enum: [asc]");
    edit("openapi/components/schemas/CreateGroup.yaml", "  name:\n    type: string\n", "  name:\n    type: integer\n");

    const result = await breaking("--base", "base", "--github");
    for (const expected of [
      "[operation-removed] GET /api/Group/{partitionGlobalId}/{groupId}/Members (listGroupMembers): the operation was removed",
      "[operation-id-changed] POST /api/RobotAccount (createRobotAccount): operationId changed from `createRobotAccount` to `addRobotAccount`",
      "[scope-removed] GET /api/Group/{id} (listGroups): security alternative `clientCredentials: [PM.Group.Read]` was removed",
      "[parameter-removed] GET /api/RobotAccount/{id} (listRobotAccounts): query parameter `searchTerm` was removed",
      "[parameter-required] GET /api/RobotAccount/{id} (listRobotAccounts): query parameter `region` was added as required",
      "[request-body-required] GET /api/RobotAccount/{partitionGlobalId}/{robotAccountId} (getRobotAccount): a required request body was added",
      "[media-type-removed] POST /api/RobotAccount (createRobotAccount): response 201 no longer comes as `application/json`",
      "[response-removed] GET /api/Group/{partitionGlobalId}/{groupId} (getGroup): response 404 was removed",
      "[request-field-required] UpdateGroup.directoryUserIDsToAdd: became required (requests of updateGroup",
      "[request-field-removed] CreateRobotAccount.displayName: removed (requests of createRobotAccount",
      "[response-field-removed] Group.displayName: removed (responses of",
      "[response-field-optional] RobotAccount.displayName: is no longer always present (made optional)",
      "[response-field-nullable] Group.creationTime: can now be null (responses of",
      "[enum-narrowed] SortOrder: enum value `desc` removed (requests of listRobotAccounts",
      "[type-changed] CreateGroup.name: type changed from string to integer (requests of createGroup",
      "[schema-removed] GroupMemberPage: the schema was removed",
    ]) {
      expect(result.out).toContain(expected);
    }
    expect(result.out).toContain("If intended: add a `Breaking-Change: <reason>` trailer");
    expect(result.out).toMatch(
      /^::error file=openapi\/paths\/group_id\.yaml,line=\d+,title=Breaking change \(scope-removed\)::GET \/api\/Group\/\{id\} \(listGroups\)/m,
    );
    expect(result.out).toMatch(
      /^::error file=openapi\/components\/schemas\/SortOrder\.yaml,line=1,title=Breaking change \(enum-narrowed\)::SortOrder: enum value `desc` removed/m,
    );
    expect(result.code).toBe(1);
  });

  it("fails when an export is removed or a signature changes", async () => {
    reset();
    edit("src/client/index.ts", 'export { isGuid } from "./validate.js";\n', "");
    edit("src/emulator/server.ts", "startEmulator(options: EmulatorOptions = {})", "startEmulator(options: EmulatorOptions)");
    const result = await breaking("--base", "base", "--github");
    expect(result.out).toContain("[export-removed] uipath-identity-toolkit.api.md: export `isGuid` was removed");
    expect(result.out).toContain("[export-changed] uipath-identity-toolkit-emulator.api.md: export `startEmulator` changed");
    expect(result.out).toContain("- export function startEmulator(options?: EmulatorOptions): Promise<EmulatorHandle>;");
    expect(result.out).toContain("+ export function startEmulator(options: EmulatorOptions): Promise<EmulatorHandle>;");
    expect(result.out).toMatch(
      /^::error file=api\/uipath-identity-toolkit-emulator\.api\.md,line=\d+,title=Breaking change \(export-changed\)::/m,
    );
    expect(result.code).toBe(1);
  });

  describe("an acknowledged break", () => {
    const breakSomething = () =>
      edit("openapi/paths/group_partitionGlobalId_groupId.yaml", "    '404':\n      $ref: ../components/responses/NotFound.yaml\n", "");

    it("still fails without a major version step", async () => {
      reset();
      breakSomething();
      git("commit", "-q", "-am", "Drop the 404 of getGroup\n\nBreaking-Change: the service answers 400 instead");
      const result = await breaking("--base", "base");
      expect(result.out).toContain("acknowledged by Breaking-Change: the service answers 400 instead,");
      expect(result.out).toContain("but package.json's version 0.1.0 is not a major step from the base's 0.1.0");
      expect(result.code).toBe(1);
    });

    it("passes with a trailer and a major step (0.1 -> 0.2 while 0.x), and annotates as notices", async () => {
      reset();
      breakSomething();
      setVersion("0.2.0");
      git("commit", "-q", "-am", "Drop the 404 of getGroup\n\nBreaking-Change: the service answers 400 instead");
      const result = await breaking("--base", "base", "--github");
      expect(result.out).toContain("[response-removed] GET /api/Group/{partitionGlobalId}/{groupId} (getGroup): response 404 was removed");
      expect(result.out).toContain("acknowledged by Breaking-Change: the service answers 400 instead, with the major step 0.1.0 -> 0.2.0.");
      expect(result.out).toMatch(
        /^::notice file=openapi\/paths\/group_partitionGlobalId_groupId\.yaml,line=\d+,title=Breaking change \(response-removed\)::/m,
      );
      expect(result.code).toBe(0);
    });

    it("passes with --allow-breaking (the label) and a major step, uncommitted", async () => {
      reset();
      breakSomething();
      setVersion("1.0.0");
      const result = await breaking("--base", "base", "--allow-breaking");
      expect(result.out).toContain("acknowledged by the breaking-change label (--allow-breaking), with the major step 0.1.0 -> 1.0.0.");
      expect(result.code).toBe(0);
    });
  });

  it("refuses to run without a base it can find", async () => {
    expect(await breaking()).toMatchObject({ code: 2, out: expect.stringContaining("missing --base <git-ref>") });
    expect(await breaking("--base", "no-such-ref")).toMatchObject({
      code: 2,
      out: expect.stringContaining("no-such-ref is not a commit here"),
    });
    expect(existsSync(join(work, "node_modules"))).toBe(true);
  });
});
