// The resource commands, run in-process against the emulator: names instead of GUIDs, every output
// format, the connection settings, and errors a person can act on. The last tests run the real
// binary, to show the compiled program behaves the same as a process.
import { afterAll, beforeEach, describe, expect, it } from "@jest/globals";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { DEMO_CLIENT, startEmulator, type EmulatorHandle } from "../../src/emulator/index.js";
import { EMAILS, GRYFFINDORS, HARRY, RON, ROBY } from "../fixtures/walkthrough.js";
import { emulatorPerTest } from "../helpers/emulator.js";
import { cli, emulatorEnv, ESCAPES, runCli, sandbox } from "./helpers.js";

const box = sandbox();
afterAll(() => box.cleanup());
// A fresh demo organization per test; whatever the CLI sent, the emulator's answers must match the contract.
const start = emulatorPerTest();
let emulator: EmulatorHandle;
let env: Record<string, string | undefined>;
beforeEach(async () => {
  emulator = await start();
  env = { ...box.env, ...emulatorEnv(emulator) };
});

const run = (args: string[], extra: Record<string, string | undefined> = {}, input?: string) =>
  runCli(args, { env: { ...env, ...extra }, ...(input !== undefined && { input }) });

describe("uipath-identity resource commands", () => {
  it("groups list: a table by default, and json, yaml and plain on request; no escape codes off a terminal", async () => {
    const table = await run(["groups", "list"]);
    expect(table).toMatchObject({ code: 0, stderr: "" });
    expect(table.stdout.split("\n")[0]).toMatch(/^NAME +TYPE +ID$/);
    expect(table.stdout).toMatch(/^Gryffindors +custom +9d2f6a41-0c3b-4e57-8a1d-6b7c2e0f1a01$/m);
    expect(table.stdout).toMatch(/^Administrators +built-in /m);
    const json = await run(["groups", "list", "-o", "json"]);
    const groups = JSON.parse(json.stdout) as Array<{ id: string; name: string }>;
    expect(groups.find((g) => g.name === "Gryffindors")?.id).toBe(GRYFFINDORS);
    expect((parse((await run(["-o", "yaml", "groups", "list"])).stdout) as unknown[]).length).toBe(groups.length);
    const plain = await run(["groups", "list", "--output", "plain"]);
    expect(plain.stdout.split("\n")).toContain(`Gryffindors\tcustom\t${GRYFFINDORS}`);
    for (const out of [table, json, plain]) expect(out.stdout + out.stderr).not.toMatch(ESCAPES);
  });

  it("groups get by name (ignoring case) or by id; an unknown name lists the closest ones", async () => {
    const byName = await run(["groups", "get", "gryffindors", "-o", "json"]);
    expect(JSON.parse(byName.stdout)).toMatchObject({ id: GRYFFINDORS, name: "Gryffindors" });
    expect(JSON.parse((await run(["groups", "get", GRYFFINDORS, "-o", "json"])).stdout).name).toBe("Gryffindors");
    const missing = await run(["groups", "get", "Gryffindor"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `Error: No group has the name "Gryffindor" (nearest: Gryffindors (${GRYFFINDORS}), Prefects (7f3a9b2c-1d4e-4f60-8a7b-9c0d1e2f3a03), Everyone (2a9c5e1b-6f3d-4b07-9e82-4c1a7f0d5e11))\n`,
    );
    expect(missing.stdout).toBe("");
  });

  it("groups create with members by e-mail, user name and robot-account name; rename; members add, list, remove; delete", async () => {
    const created = await run([
      "groups",
      "create",
      "Duelling Club",
      "--member",
      EMAILS.harry,
      "ron.weasley@hogwarts.example",
      "Roby",
      "-o",
      "json",
    ]);
    expect(created.code).toBe(0);
    const club = JSON.parse(created.stdout) as { id: string };
    expect(created.stderr).toBe(`Created group Duelling Club (${club.id}) with 3 member(s).\n`);
    expect(emulator.state().robotAccounts.find((r) => r.id === ROBY)?.groupIds).toContain(club.id);

    const added = await run(["groups", "members", "add", "duelling club", EMAILS.hermione]);
    expect(added).toMatchObject({ code: 0, stderr: `Added ${EMAILS.hermione} to Duelling Club.\n` });
    const members = await run(["groups", "members", "list", "Duelling Club", "-o", "plain"]);
    expect(
      members.stdout
        .trim()
        .split("\n")
        .map((l) => l.split("\t").slice(0, 2).join(" "))
        .sort(),
    ).toEqual([`${EMAILS.harry} user`, `${EMAILS.hermione} user`, `${EMAILS.ron} user`, "Roby robot account"].sort());
    expect((await run(["groups", "members", "list", "Duelling Club", "--limit", "2", "-o", "json"])).stdout).toMatch(/^\[[\s\S]*\]\n$/);
    expect(JSON.parse((await run(["groups", "members", "list", "Duelling Club", "--limit", "2", "-o", "json"])).stdout)).toHaveLength(2);

    expect((await run(["groups", "members", "remove", "Duelling Club", "Roby", RON])).code).toBe(0);
    expect(emulator.state().robotAccounts.find((r) => r.id === ROBY)?.groupIds).not.toContain(club.id);
    const renamed = await run(["groups", "rename", "Duelling Club", "Dumbledore's Army"]);
    expect(renamed).toMatchObject({ code: 0, stderr: "Renamed Duelling Club to Dumbledore's Army.\n" });

    const refused = await run(["groups", "delete", "Dumbledore's Army"]);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toBe(
      "Error: Delete 1 group(s): Dumbledore's Army? Refusing without a terminal to ask on; pass --yes to go ahead.\n",
    );
    expect((await run(["groups", "delete", "Dumbledore's Army", "--yes"])).code).toBe(0);
    expect(emulator.state().groups.some((g) => g.id === club.id)).toBe(false);
  });

  it("refuses to change built-in groups, and names a member nobody has", async () => {
    const builtIn = await run(["groups", "members", "add", "Administrators", EMAILS.ron]);
    expect(builtIn).toMatchObject({ code: 1, stderr: "Error: Administrators is a built-in group; it cannot be changed.\n" });
    const nobody = await run(["groups", "members", "add", "Gryffindors", "nevile.longbottom@hogwarts.example"]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(
      /^Error: No user or robot account has the name "nevile.longbottom@hogwarts.example" \(nearest: neville.longbottom@hogwarts.example \(8b3d5f7a-/,
    );
  });

  it("robot-accounts create (joining groups by name), get, update, list, delete", async () => {
    const created = await run([
      "robot-accounts",
      "create",
      "Errol",
      "--display-name",
      "Errol the owl",
      "--add-to-group",
      "Gryffindors",
      "alumni",
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Errol +Errol the owl +Gryffindors, alumni|alumni, Gryffindors/m);
    const got = JSON.parse((await run(["robot-accounts", "get", "errol", "-o", "json"])).stdout) as { groupIds: string[]; id: string };
    expect(got.groupIds).toContain(GRYFFINDORS);
    const updated = await run(["robot-accounts", "update", "Errol", "--display-name", "Errol", "--remove-from-group", "alumni"]);
    expect(updated).toMatchObject({ code: 0, stderr: "Updated robot account Errol.\n" });
    expect(emulator.state().robotAccounts.find((r) => r.id === got.id)).toMatchObject({ displayName: "Errol", groupIds: [GRYFFINDORS] });
    const list = await run(["robot-accounts", "list", "--search", "err", "-o", "plain"]);
    expect(list.stdout).toBe(`Errol\tErrol\tGryffindors\t\t${got.id}\n`);
    expect((await run(["robot-accounts", "update", "Errol"])).code).toBe(64);
    expect((await run(["robot-accounts", "delete", "Errol", "-y"])).code).toBe(0);
    const gone = await run(["robot-accounts", "get", "Errol"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^Error: No robot account has the name "Errol" \(nearest: /);
  });

  it("an empty listing says so on stderr for a person, and stays [] for a program", async () => {
    const none = await run(["robot-accounts", "list", "--search", "zzz"]);
    expect(none).toMatchObject({ code: 0, stdout: "", stderr: 'No robot accounts match "zzz".\n' });
    const users = await run(["users", "list", "--search", "nobody-here", "-o", "plain"]);
    expect(users).toMatchObject({ code: 0, stdout: "", stderr: 'No users match "nobody-here".\n' });
    const json = await run(["robot-accounts", "list", "--search", "zzz", "-o", "json"]);
    expect(json).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it("users list, get by e-mail or id, and find several at once", async () => {
    const list = await run(["users", "list", "--search", "weasley", "-o", "plain"]);
    expect(
      list.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("\t")[1]),
    ).toEqual([EMAILS.ginny, EMAILS.ron]);
    expect((await run(["users", "list", "--limit", "2", "-o", "json"])).stdout).toMatch(/^\[/);
    expect(JSON.parse((await run(["users", "get", EMAILS.harry.toUpperCase(), "-o", "json"])).stdout).id).toBe(HARRY);
    expect(JSON.parse((await run(["users", "get", HARRY, "-o", "json"])).stdout).userName).toBe(EMAILS.harry);
    // The table names the user type the service sends as an integer (0 for a person).
    expect((await run(["users", "get", HARRY])).stdout).toMatch(/^type\s+user$/m);
    const found = await run(["users", "find", EMAILS.ron, EMAILS.harry, "-o", "json"]);
    expect((JSON.parse(found.stdout) as Array<{ id: string }>).map((u) => u.id)).toEqual([RON, HARRY]);
    const partly = await run(["users", "find", EMAILS.ron, "ron@hogwarts.example"]);
    expect(partly.code).toBe(1);
    expect(partly.stdout).toContain(EMAILS.ron);
    expect(partly.stderr).toMatch(/^Error: No user has the e-mail address "ron@hogwarts.example" \(nearest: /);
  });
});

describe("uipath-identity connection settings and errors", () => {
  it("usage errors exit 64 with a pointer to --help", async () => {
    const unknown = await run(["groups", "lisst"]);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("(run with --help for usage)");
    expect((await run(["groups", "list", "--output", "xml"])).code).toBe(64);
    expect((await run(["groups", "list", "--limit", "ten"])).code).toBe(64);
  });

  it("missing settings name the variable to set", async () => {
    const noOrg = await run(["groups", "list"], { UIPATH_BASE_URL: undefined });
    expect(noOrg.code).toBe(64);
    expect(noOrg.stderr).toMatch(/^Error: No organization to talk to: set UIPATH_ORGANIZATION/);
    const noSecret = await run(["groups", "list"], { UIPATH_CLIENT_SECRET: undefined });
    expect(noSecret.stderr).toBe(
      "Error: No client secret: set UIPATH_CLIENT_SECRET or pass --client-secret-file PATH (- reads it from stdin)\n",
    );
    expect(noSecret.code).toBe(64);
  });

  it("reads the secret from a file or stdin, never as a flag value", async () => {
    const file = join(box.home, "secret.txt");
    writeFileSync(file, `${DEMO_CLIENT.clientSecret}\n`);
    expect((await run(["groups", "list", "--client-secret-file", file], { UIPATH_CLIENT_SECRET: undefined })).code).toBe(0);
    expect(
      (await run(["groups", "list", "--client-secret-file", "-"], { UIPATH_CLIENT_SECRET: undefined }, DEMO_CLIENT.clientSecret)).code,
    ).toBe(0);
    const asFlag = await run(["groups", "list", "--client-secret", DEMO_CLIENT.clientSecret]);
    expect(asFlag.code).toBe(64);
    expect(asFlag.stderr).not.toContain(DEMO_CLIENT.clientSecret);
  });

  it("takes a profile from the config file, refusing one with a secret that others can read", async () => {
    const dir = join(box.env.XDG_CONFIG_HOME, "uipath-identity");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "config.yaml");
    writeFileSync(
      path,
      `profiles:\n  hogwarts:\n    baseUrl: ${emulator.baseUrl()}\n    clientId: ${DEMO_CLIENT.clientId}\n    clientSecret: ${DEMO_CLIENT.clientSecret}\n`,
    );
    chmodSync(path, 0o644);
    const bare = { UIPATH_BASE_URL: undefined, UIPATH_CLIENT_ID: undefined, UIPATH_CLIENT_SECRET: undefined };
    const open = await run(["--profile", "hogwarts", "groups", "list"], bare);
    expect(open.code).toBe(64);
    expect(open.stderr).toBe(`Error: ${path} holds a client secret but others can read it (mode 644): run chmod 600 ${path}\n`);
    chmodSync(path, 0o600);
    expect((await run(["--profile", "hogwarts", "groups", "list"], bare)).code).toBe(0);
    expect((await run(["groups", "list"], { ...bare, UIPATH_PROFILE: "hogwarts" })).code).toBe(0);
    expect((await run(["--profile", "durmstrang", "groups", "list"], bare)).stderr).toBe(
      `Error: ${path} has no profile "durmstrang" (it has: hogwarts)\n`,
    );
  });

  it("401: says to check the credentials and the base URL, without echoing the secret", async () => {
    const wrong = await run(["groups", "list"], { UIPATH_CLIENT_SECRET: "not-the-secret-5e1f" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /^Error: The credentials were refused at http:\/\/127\.0\.0\.1:\d+\/hogwarts\/identity_ \(400\)\. Check UIPATH_CLIENT_ID, the client secret and the base URL or organization\./,
    );
    expect(wrong.stderr).not.toContain("not-the-secret-5e1f");
  });

  it("403: names the scope to grant", async () => {
    const narrow = await run(["robot-accounts", "list"], { UIPATH_SCOPES: "PM.Group" });
    expect(narrow.code).toBe(1);
    expect(narrow.stderr).toMatch(
      /^Error: Permission denied for GET \/hogwarts\/identity_\/api\/RobotAccount\/[0-9a-f-]+ \(403\): grant the External Application one of PM\.RobotAccount, PM\.RobotAccount\.Read and add it to UIPATH_SCOPES\.\n$/,
    );
  });

  it("a stack trace only with --debug", async () => {
    const quiet = await run(["groups", "get", "Nope"]);
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    const debug = await run(["--debug", "groups", "get", "Nope"]);
    expect(debug.stderr).toMatch(
      /^debug: http:\/\/127\.0\.0\.1:\d+\/hogwarts\/identity_, client emulator-demo-client, secret from UIPATH_CLIENT_SECRET, scopes per request, from the contract\n/,
    );
    expect(debug.stderr).toMatch(/\n\s+at /);
    expect(debug.stderr).not.toContain(DEMO_CLIENT.clientSecret);
  });
});

describe("uipath-identity and scopes: none to configure", () => {
  const GROUPS_ONLY = { clientId: "groups-only", clientSecret: "groups-only-secret-4d7e", scopes: ["PM.Group"] };

  it("each command asks for what it needs; an application without PM.User gets a users command refused before it is sent", async () => {
    const limited = await startEmulator({ seed: "demo", rateLimit: false, clients: [DEMO_CLIENT, GROUPS_ONLY] });
    try {
      const as = (client: { clientId: string; clientSecret: string }, args: string[]) =>
        run(args, { ...emulatorEnv(limited), UIPATH_CLIENT_ID: client.clientId, UIPATH_CLIENT_SECRET: client.clientSecret });
      expect((await as(DEMO_CLIENT, ["users", "find", EMAILS.harry])).code).toBe(0);
      expect((await as(GROUPS_ONLY, ["groups", "list"])).code).toBe(0);
      const users = await as(GROUPS_ONLY, ["users", "list"]);
      expect(users.code).toBe(1);
      expect(users.stderr).toBe(
        "Error: GET /api/User/users/{partitionGlobalId} needs the scope PM.User or PM.User.Read, and the External Application " +
          "groups-only was not granted any of them (the token endpoint answered invalid_scope), so the call was not sent. " +
          "Grant the scope to the application in Admin → External Applications, then try again.\n",
      );
      expect(users.stderr).not.toContain(GROUPS_ONLY.clientSecret);
    } finally {
      await limited.close();
    }
  });
});

describe("uipath-identity and the rate limits", () => {
  it("429 after the retries: says when to try again", async () => {
    const limited = await start({
      rateLimit: { windowMs: 600_000, budgets: { GET: 2, POST: 100, PUT: 100, PATCH: 100, DELETE: 100 } },
    });
    // Two GETs (the robot accounts, and the groups for their names) use up the budget...
    expect((await run(["robot-accounts", "list"], emulatorEnv(limited))).code).toBe(0);
    // ...and the next GET meets a Retry-After far beyond what the client waits out by itself.
    const last = await run(["groups", "list"], emulatorEnv(limited));
    expect(last.code).toBe(1);
    expect(last.stderr).toMatch(
      /^Error: The organization's rate limit for GET requests is used up \(429 after 1 attempts\); other jobs may share it\. Try again in \d{3} s \(after .+\)\.\n$/,
    );
  });
});

describe("the real binary, as a process", () => {
  it("prints data on stdout and exits 0; a failure on stderr with exit 1; a usage error with 64", async () => {
    const table = await cli(["groups", "list"], { env });
    expect(table).toMatchObject({ code: 0, signal: null, stderr: "" });
    expect(table.stdout).toMatch(/^Gryffindors +custom +9d2f6a41-0c3b-4e57-8a1d-6b7c2e0f1a01$/m);
    expect(table.stdout + table.stderr).not.toMatch(ESCAPES);
    // The same program in-process prints exactly the same.
    expect(await run(["groups", "list"])).toEqual(table);
    const missing = await cli(["groups", "get", "Gryffindor"], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error: No group has the name "Gryffindor" \(nearest: Gryffindors /);
    const usage = await cli(["groups", "lisst"], { env });
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain("(run with --help for usage)");
  });
});
