// Identity as code for the whole organization, through the real binary against the emulator: the
// default groups' members, directory groups and users in the file; the guards; the plan as data,
// checked against the schema the package exports; Ctrl-C while waiting for the budget; a run
// killed halfway; and one apply converging under injected faults.
import { afterAll, describe, expect, it } from "@jest/globals";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { createIdentityClient } from "../../src/client/index.js";
import { DEMO_CLIENT } from "../../src/emulator/index.js";
import type { SeedData } from "../../src/emulator/seed.js";
import { EMAILS, LUNA } from "../fixtures/walkthrough.js";
import { cliEmulatorPerTest, membersOf, ROOT, runCli, sandbox, startCli } from "./helpers.js";

const box = sandbox();
afterAll(() => box.cleanup());
const start = cliEmulatorPerTest(box);
const file = box.file;

const MINERVA = "minerva.mcgonagall@hogwarts.example";
const demo = JSON.parse(readFileSync(join(ROOT, "src/emulator/demo-seed.json"), "utf8")) as SeedData;

/** The demo organization with a group of ten students. */
function withStudents(): SeedData {
  const students = Array.from({ length: 10 }, (_, i) => ({
    objectType: "DirectoryUser" as const,
    identifier: `00000000-0000-4000-8000-0000000001${String(i).padStart(2, "0")}`,
    email: `student${i}@hogwarts.example`,
    firstName: `Student${i}`,
  }));
  const quidditch = {
    id: "00000000-0000-4000-8000-000000000200",
    name: "Quidditch",
    type: 1 as const,
    memberIds: students.map((s) => s.identifier),
  };
  return { ...demo, users: [...(demo.users ?? []), ...students], groups: [...(demo.groups ?? []), quidditch] };
}

describe("the whole organization as code", () => {
  it("adds a user and a directory group to Administrators, makes Automation Developers exclusive, adds three users (one inactive); re-plans to no changes", async () => {
    const { e, env } = await start();
    const wanted = file(`groups:
  - name: Administrators
    members: [${MINERVA}, { group: UiPath-Admins }]
  - name: Automation Developers
    exclusive: true
    members: [${EMAILS.ron}, ${EMAILS.harry}, Roby]
users:
  - email: ${MINERVA}
    name: Minerva
    surname: McGonagall
  - email: filius.flitwick@hogwarts.example
    name: Filius
    groups: [Automation Developers]
  - email: argus.filch@hogwarts.example
    active: false
`);
    const plan = await runCli(["plan", "-f", wanted], { env });
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      '  ~ group "Administrators" (built-in)\n' + "      + UiPath-Admins (directory group)\n" + `      + ${MINERVA} (new user)\n`,
    );
    expect(plan.stdout).toContain(
      '  ~ group "Automation Developers" (built-in, exclusive)\n' +
        `      + ${EMAILS.ron}\n` +
        `      + ${EMAILS.harry}\n` +
        "      + Roby (robot account)\n" +
        "      + filius.flitwick@hogwarts.example (new user)\n" +
        `      - ${EMAILS.hermione}\n`,
    );
    expect(plan.stdout).toContain('  + user "argus.filch@hogwarts.example"\n      + active false\n');
    expect(plan.stdout).toContain("Plan: 3 to add, 2 to change, 0 to remove.");

    const applied = await runCli(["apply", "-f", wanted, "--yes"], { env });
    expect(applied.stderr).toMatch(/Apply complete: 3 added, 2 changed, 0 removed/);
    expect(applied.code).toBe(0);
    expect(membersOf(e, "Administrators")).toEqual([EMAILS.albus, MINERVA, "group:UiPath-Admins"].sort());
    expect(membersOf(e, "Automation Developers")).toEqual(["Roby", EMAILS.harry, EMAILS.ron, "filius.flitwick@hogwarts.example"].sort());
    const users = e.state().users;
    expect(users.find((u) => u.email === MINERVA)).toMatchObject({ name: "Minerva", surname: "McGonagall", isActive: true });
    expect(users.find((u) => u.email === "argus.filch@hogwarts.example")).toMatchObject({ isActive: false });

    const again = await runCli(["plan", "-f", wanted, "--detailed-exitcode"], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No changes. The organization matches the file.");
  });

  it("a fresh export of the demo organization, built-in groups and users included, plans to no changes", async () => {
    const { env } = await start();
    // Something in a default group, and a directory group, so the export has them to write.
    const setup = file(`groups:\n  - name: Automation Users\n    members: [${EMAILS.luna}, { group: UiPath-Admins }]\n`);
    expect((await runCli(["apply", "-f", setup, "--yes"], { env })).code).toBe(0);
    const exported = await runCli(["export"], { env });
    expect(exported.code).toBe(0);
    const doc = parse(exported.stdout) as {
      groups: Array<{ name: string; builtIn?: boolean; members?: unknown[] }>;
      users: Array<{ email: string; active?: boolean }>;
    };
    expect(doc.groups.find((g) => g.name === "Automation Users")).toEqual({
      name: "Automation Users",
      builtIn: true,
      members: [EMAILS.luna, { group: "Hogwarts-Staff" }, { group: "UiPath-Admins" }],
    });
    // Everyone is listed, without members: every user is in it.
    expect(doc.groups.find((g) => g.name === "Everyone")).toEqual({ name: "Everyone", builtIn: true });
    expect(doc.users.map((u) => u.email)).toEqual(Object.values(EMAILS).sort());
    const plan = await runCli(["plan", "-f", file(exported.stdout), "--detailed-exitcode"], { env });
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("No changes. The organization matches the file.");
  });

  it("Everyone's members are a file error that says why; a name that matches nothing suggests the closest; nothing is sent", async () => {
    const { e, env } = await start();
    const before = JSON.stringify(e.state());
    const wrong = file(`groups:
  - name: Everyone
    members: [${EMAILS.ron}]
  - name: Gryffindors
    members: [hermione.granjer@hogwarts.example, { group: UiPath-Admns }]
robotAccounts:
  - name: Roby
    groups: [Gryfindors]
`);
    const out = await runCli(["plan", "-f", wrong], { env });
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      "Error: The files have 4 problems; nothing was sent:\n" +
        `  ${wrong}:2:5: "Everyone" cannot list members: every user of the organization is in it (leave members out)\n` +
        `  ${wrong}:5:15: no user or robot account is named "hermione.granjer@hogwarts.example" (did you mean "${EMAILS.hermione}"?)\n` +
        `  ${wrong}:5:59: no directory group is named "UiPath-Admns" (the directory does not know it)\n` +
        `  ${wrong}:8:14: group "Gryfindors" does not exist (neither in this organization nor in the file) (did you mean "Gryffindors"?)\n`,
    );
    expect(JSON.stringify(e.state())).toBe(before);
  });
});

describe("who caused the drift", () => {
  it("plan shows the actor and time of an out-of-band change made with another client; without the audit scope, one note says why not", async () => {
    const intruder = { clientId: "nightly-sync", clientSecret: "nightly-sync-secret", scopes: ["PM.Group"] };
    // Granted everything but the audit log's scopes.
    const noAudit = {
      clientId: "no-audit",
      clientSecret: "no-audit-secret",
      scopes: ["PM.Group", "PM.RobotAccount", "PM.User", "PM.Directory"],
    };
    const { e, env } = await start({ clients: [DEMO_CLIENT, intruder, noAudit] });
    const path = file(`groups:\n  - name: Prefects\n    exclusive: true\n    members: [${EMAILS.hermione}, ${EMAILS.ron}]\n`);
    // Another application adds Luna to Prefects behind the file's back.
    const other = createIdentityClient({ baseUrl: e.baseUrl(), credentials: { ...intruder }, rateLimit: false });
    const prefects = (await other.groups.list()).find((g) => g.name === "Prefects")!;
    await other.groups.addMembers(prefects.id, [LUNA]);
    const at = e.auditEvents().at(-1)!.createdOn;

    // No scopes configured: each request asks for what it needs, the audit reads PM.Audit.
    const plan = await runCli(["plan", "-f", path], { env });
    expect(plan.stderr).toBe("");
    expect(plan.stdout).toContain(`  ~ group "Prefects" (exclusive)\n      - ${EMAILS.luna}\n      last changed ${at} by nightly-sync: `);
    const json = JSON.parse((await runCli(["plan", "-f", path, "-o", "json"], { env })).stdout) as {
      changes: Array<{ name: string; drift?: Array<{ at: string; actor: string }> }>;
    };
    expect(json.changes.find((c) => c.name === "Prefects")?.drift?.[0]).toMatchObject({ at, actor: "nightly-sync" });

    const blind = await runCli(["plan", "-f", path], {
      env: { ...env, UIPATH_CLIENT_ID: noAudit.clientId, UIPATH_CLIENT_SECRET: noAudit.clientSecret },
    });
    expect(blind.code).toBe(0);
    expect(blind.stderr).toBe(
      "Who changed these objects is not shown: this application may not read the audit log (grant it PM.Audit.Read).\n",
    );
    expect(blind.stdout).not.toContain("last changed");
  });
});

describe("guards against the one bad apply", () => {
  const keepFour = () =>
    file(
      `groups:\n  - name: Quidditch\n    exclusive: true\n    members: [student0@hogwarts.example, student1@hogwarts.example, student2@hogwarts.example, student3@hogwarts.example]\n`,
    );

  it("refuse a plan that removes 6 of 10 members (exit 1, the flag named, nothing sent), and accept it with --max-removals", async () => {
    const { e, env } = await start({ seed: withStudents() });
    const path = keepFour();
    const before = JSON.stringify(e.state());
    for (const command of ["plan", "apply"]) {
      const refused = await runCli([command, "-f", path, ...(command === "apply" ? ["--yes"] : [])], { env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        "Error: Refusing the plan; nothing was sent:\n" +
          '  - the plan removes 6 of the 10 members of group "Quidditch" (60%), more than 25%: check the file, or allow it with --max-removals 60\n',
      );
      expect(JSON.stringify(e.state())).toBe(before);
    }
    const allowed = await runCli(["apply", "-f", path, "--yes", "--max-removals", "60"], { env });
    expect(allowed.code).toBe(0);
    expect(membersOf(e, "Quidditch")).toHaveLength(4);
  });

  it("never let Administrators lose its last member, not even with --max-removals 100", async () => {
    const { e, env } = await start();
    // Known from the file alone: an exclusive Administrators with no members.
    const empty = file("groups:\n  - name: Administrators\n    exclusive: true\n    members: []\n");
    const offline = await runCli(["apply", "-f", empty, "--yes", "--max-removals", "100"], { env });
    expect(offline.code).toBe(1);
    expect(offline.stderr).toContain('"Administrators" is exclusive with no members: it would be left with no member');
    // Known only from the organization: pruning the users deletes its one member.
    const others = Object.values(EMAILS).filter((m) => m !== EMAILS.albus);
    const prune = file(`users:\n${others.map((m) => `  - email: ${m}\n`).join("")}prune: { users: true }\n`);
    const live = await runCli(["apply", "-f", prune, "--yes", "--max-removals", "100"], { env });
    expect(live.code).toBe(1);
    expect(live.stderr).toContain('the plan leaves "Administrators" with no member (it removes all 1)');
    expect(membersOf(e, "Administrators")).toEqual([EMAILS.albus]);
    expect(e.state().users.map((u) => u.email)).toContain(EMAILS.albus);
  });
});

describe("the plan as data", () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, "schema/plan.schema.json"), "utf8")) as object);

  it("plan -o json and the saved plan validate against the exported schema; a membership change is read without parsing text", async () => {
    const { env } = await start();
    const path = file(
      `groups:\n  - name: Prefects\n    exclusive: true\n    members: [${EMAILS.hermione}, { group: UiPath-Admins }, Roby]\n`,
    );
    const out = await runCli(["plan", "-f", path, "-o", "json"], { env });
    expect(out.code).toBe(0);
    const plan = JSON.parse(out.stdout) as { formatVersion: number; changes: Array<{ name: string; members: unknown[] }> };
    expect(validate(plan) ? [] : validate.errors).toEqual([]);
    expect(plan.formatVersion).toBe(1);
    const prefects = plan.changes.find((c) => c.name === "Prefects");
    expect(prefects?.members).toEqual([
      { action: "add", kind: "directoryGroup", name: "UiPath-Admins", id: "8c4e0a6b-2d9f-4b3c-8e7a-9f1b3d5f7c50" },
      { action: "add", kind: "robotAccount", name: "Roby", id: "c3a7e1f9-2b6d-4e80-9f14-7a5c0d3e8812" },
      { action: "remove", kind: "user", name: EMAILS.ron, id: "1c6f0a3e-8b2d-4a17-9e45-0d3c7b1a0103" },
    ]);

    const saved = join(box.home, "saved-plan.json");
    expect((await runCli(["plan", "-f", path, "--out", saved], { env })).code).toBe(0);
    const savedPlan = JSON.parse(readFileSync(saved, "utf8")) as unknown;
    expect(validate(savedPlan) ? [] : validate.errors).toEqual([]);
    expect(savedPlan).toMatchObject({ changes: plan.changes, saved: { steps: [{ kind: "updateGroup" }] } });
  });

  it("the schema refuses what is not a plan", () => {
    expect(validate({ formatVersion: 1, changes: [{ action: "rename" }] })).toBe(false);
  });
});

describe("stopping, and converging", () => {
  it("Ctrl-C while apply waits for the budget: exit 130 within 3 s, no write after it; the next apply finishes", async () => {
    // Two PUTs per ten minutes: the third of five display-name changes waits minutes for the budget.
    const rate = { windowMs: 600_000, budgets: { GET: 300, POST: 24_000, PUT: 2, PATCH: 2, DELETE: 2 } };
    const { e, env } = await start();
    const names = ["Roby", "Dobby", "Hedwig", "Buckbeak"];
    const path = file(`robotAccounts:\n${names.map((n) => `  - name: ${n}\n    displayName: ${n} the brave\n`).join("")}`);
    const run = startCli(["apply", "-f", path, "--yes"], { env: { ...env, UIPATH_RATE_LIMIT: JSON.stringify(rate) } });
    await waitFor(() => /\[2\/4\]/.test(run.output().stderr));
    const snapshot = JSON.stringify(e.state());
    const interrupted = Date.now();
    run.child.kill("SIGINT");
    const done = await run.done;
    const took = Date.now() - interrupted;
    expect(done.code).toBe(130);
    expect(took).toBeLessThan(3000);
    expect(done.stderr).toContain("Interrupted: 2 of 4 requests done in 1 pass; nothing was sent after Ctrl-C.");
    expect(JSON.stringify(e.state())).toBe(snapshot);

    const resumed = await runCli(["apply", "-f", path, "--yes"], { env });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/An earlier apply stopped after 2 of 4 requests/);
    expect(e.state().robotAccounts.filter((r) => r.displayName?.endsWith("the brave"))).toHaveLength(4);
  });

  it("an apply killed with SIGKILL halfway: the next run converges, with no duplicates", async () => {
    const rate = { windowMs: 1000, budgets: { GET: 300, POST: 10, PUT: 160, PATCH: 160, DELETE: 160 } };
    const { e, env } = await start();
    const csv = file(`name,groups\n${Array.from({ length: 40 }, (_, i) => `Kill-${i},Gryffindors`).join("\n")}\n`, "csv");
    const runEnv = { ...env, UIPATH_RATE_LIMIT: JSON.stringify(rate) };
    const first = startCli(["apply", "-f", csv, "--yes"], { env: runEnv });
    await waitFor(() => /\[1[0-9]\/40\]/.test(first.output().stderr));
    first.child.kill("SIGKILL");
    await first.done;
    const made = e.state().robotAccounts.filter((r) => r.name?.startsWith("Kill-")).length;
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(40);
    const next = await runCli(["apply", "-f", csv, "--yes"], { env: runEnv });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain("An earlier apply stopped after");
    const kills = e.state().robotAccounts.filter((r) => r.name?.startsWith("Kill-"));
    expect(new Set(kills.map((r) => r.name)).size).toBe(40);
    expect(kills).toHaveLength(40);
  });

  it("a permanent failure (403) is reported once, with what to do, and not tried again in a later pass", async () => {
    // An application that may read users but not write them.
    const scopes = ["PM.Group", "PM.RobotAccount", "PM.User.Read", "PM.Directory"];
    const { e, env } = await start({ clients: [{ clientId: "reader", clientSecret: "reader-secret", scopes }] });
    const path = file(`groups:\n  - name: Hufflepuffs\nusers:\n  - email: cedric.diggory@hogwarts.example\n    invite: false\n`);
    const out = await runCli(["apply", "-f", path, "--yes"], {
      env: { ...env, UIPATH_CLIENT_ID: "reader", UIPATH_CLIENT_SECRET: "reader-secret", UIPATH_SCOPES: scopes.join(" ") },
    });
    expect(out.code).toBe(1);
    // Once as it happened, once in the closing error, which says what to do; no later pass tried it again.
    expect(out.stderr).toContain("[2/2] FAILED to create 1 user: Permission denied for POST /hogwarts/identity_/api/User/BulkCreate (403)");
    expect(out.stderr).toMatch(
      /\nError: create 1 user: Permission denied for POST \/hogwarts\/identity_\/api\/User\/BulkCreate \(403\): grant the External Application one of PM\.User, PM\.User\.Write and add it to UIPATH_SCOPES\.\n$/,
    );
    expect(out.stderr.match(/BulkCreate \(403\)/g)).toHaveLength(2);
    expect(out.stderr).toMatch(/1 request\(s\) failed \(1 of 2 requests done in 1 pass\)/);
    expect(e.state().groups.map((g) => g.name)).toContain("Hufflepuffs");
  });

  it("150 robot accounts in 12 groups under 15% transient faults: one apply ends with exit 0, the organization equal to the file", async () => {
    const { e, env } = await start({
      seed: "empty",
      faults: { seed: 20261206, rate: 0.15, kinds: ["500", "503", "drop", "lose", "delay", "429"], delayMs: 50 },
    });
    const groups = Array.from({ length: 12 }, (_, i) => `Team-${String(i).padStart(2, "0")}`);
    const robots = Array.from({ length: 150 }, (_, i) => ({ name: `Faulty-${i}`, groups: [groups[i % 12]!, groups[(i * 7) % 12]!] }));
    const path = file(
      `groups:\n${groups.map((g) => `  - name: ${g}\n`).join("")}robotAccounts:\n` +
        robots.map((r) => `  - name: ${r.name}\n    groups: [${[...new Set(r.groups)].join(", ")}]\n`).join(""),
    );
    const out = await runCli(["apply", "-f", path, "--yes", "--concurrency", "8"], { env });
    expect(out.stderr).toMatch(/Apply complete: 162 added/);
    expect(out.code).toBe(0);
    // The faults did happen, and a later pass mended what they broke.
    expect(out.stderr).toMatch(/failed for a passing reason; read the organization again/);
    const state = e.state();
    expect(
      state.groups
        .filter((g) => g.name?.startsWith("Team-"))
        .map((g) => g.name)
        .sort(),
    ).toEqual(groups);
    const made = state.robotAccounts.filter((r) => r.name?.startsWith("Faulty-"));
    expect(made).toHaveLength(150);
    expect(new Set(made.map((r) => r.name)).size).toBe(150);
    const idOf = new Map(state.groups.map((g) => [g.name, g.id]));
    for (const r of robots) {
      const account = made.find((m) => m.name === r.name);
      expect([...(account?.groupIds ?? [])].sort()).toEqual([...new Set(r.groups.map((g) => idOf.get(g)))].sort());
    }
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  // No deadline of its own: the test's timeout bounds it, so a slow machine only waits longer.
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}
