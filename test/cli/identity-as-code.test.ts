// Identity as code through the real binary against the emulator: export, edit, plan, apply, plan
// again; membership ownership; prune; CSV onboarding; saved plans; file errors; Ctrl-C and resume;
// what reaches the journal and the plan file; a progress bar on a real pseudo-terminal.
import { afterAll, describe, expect, it } from "@jest/globals";
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { DEMO_CLIENT } from "../../src/emulator/index.js";
import { BUILT_IN_GROUPS, EMAILS, GRYFFINDORS, PREFECTS } from "../fixtures/walkthrough.js";
import { BIN, cliEmulatorPerTest, ESCAPES, membersOf, runCli, sandbox, startCli } from "./helpers.js";

const box = sandbox();
afterAll(() => box.cleanup());
const start = cliEmulatorPerTest(box);
const file = box.file;

describe("export, plan, apply", () => {
  it("export writes names, not GUIDs; after an edit, plan shows it, apply makes it, and plan then has nothing to do", async () => {
    const { e, env } = await start();
    const exported = await runCli(["export"], { env });
    expect(exported.code).toBe(0);
    // Names only (the header comment names the organization, and may carry its id).
    expect(
      exported.stdout
        .split("\n")
        .filter((l) => !l.startsWith("#"))
        .join("\n"),
    ).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    const doc = parse(exported.stdout) as {
      groups: Array<{ name: string; builtIn?: boolean; members?: string[] }>;
      robotAccounts: Array<{ name: string; groups?: string[] }>;
    };
    expect(doc.groups.find((g) => g.name === "Administrators")).toEqual({ name: "Administrators", builtIn: true, members: [EMAILS.albus] });
    expect(doc.groups.find((g) => g.name === "Prefects")?.members).toEqual([EMAILS.hermione, EMAILS.ron]);
    expect(doc.robotAccounts.find((r) => r.name === "Roby")?.groups).toEqual(["Gryffindors"]);
    expect(JSON.parse((await runCli(["export", "-o", "json"], { env })).stdout)).toEqual(doc);

    // Re-applying the export changes nothing.
    const same = file(exported.stdout);
    const unchanged = await runCli(["plan", "-f", same, "--detailed-exitcode"], { env });
    expect(unchanged.code).toBe(0);
    expect(unchanged.stdout).toContain("No changes. The organization matches the file.");

    // The edit: a new group with members, a new member elsewhere, a new robot account in two groups.
    doc.groups.push({ name: "Ravenclaws", members: [EMAILS.luna] });
    doc.groups.find((g) => g.name === "Prefects")!.members!.push(EMAILS.neville);
    doc.robotAccounts.push({ name: "Errol", groups: ["Ravenclaws", "Gryffindors"] });
    const edited = file(stringify(doc));
    // With Automation Cloud's budgets (the client paces; this emulator does not limit).
    const plan = await runCli(["plan", "-f", edited, "--detailed-exitcode"], { env: { ...env, UIPATH_RATE_LIMIT: undefined } });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(
      new RegExp(
        [
          '  \\+ group "Ravenclaws"',
          `      \\+ ${EMAILS.luna}`,
          "      \\+ Errol \\(new robot account\\)",
          '  \\+ robot account "Errol"',
          "      \\+ in Ravenclaws \\(new group\\)",
          "      \\+ in Gryffindors",
          // A group's new members are listed under it, whichever request carries them.
          '  ~ group "Gryffindors"',
          "      \\+ Errol \\(new robot account\\)",
          '  ~ group "Prefects"',
          `      \\+ ${EMAILS.neville}`,
          "",
          "Plan: 2 to add, 2 to change, 0 to remove\\.",
          "Requests: 2 POST, 1 PUT\\. At the budgets \\(POST 24000, PUT 160 per 5 min\\) they need no waiting\\.",
        ].join("\n"),
      ),
    );
    const applied = await runCli(["apply", "-f", edited, "--yes"], { env });
    expect(applied.code).toBe(0);
    expect(applied.stderr).toMatch(
      /\[3\/3\] .*\nApply complete: 2 added, 2 changed, 0 removed \(\d+ GET, 3 POST, 1 PUT request\(s\), and 2 audit-log read\(s\)\)\.\n$/,
    );
    expect(membersOf(e, "Ravenclaws")).toEqual(["Errol", EMAILS.luna].sort());
    expect(membersOf(e, "Prefects")).toEqual([EMAILS.hermione, EMAILS.neville, EMAILS.ron].sort());
    const again = await runCli(["plan", "-f", edited, "--detailed-exitcode"], { env });
    expect(again.code).toBe(0);
    const second = await runCli(["apply", "-f", edited, "--yes"], { env });
    expect(second.stdout).toContain("No changes.");
    for (const out of [exported, plan, applied, again]) expect(out.stdout + out.stderr).not.toMatch(ESCAPES);
  });

  it("additive membership leaves others alone; exclusive removes whom the file does not name", async () => {
    const { e, env } = await start();
    const additive = file(`groups:\n  - name: Prefects\n    members: [${EMAILS.luna}]\n`);
    expect((await runCli(["apply", "-f", additive, "--yes"], { env })).code).toBe(0);
    expect(membersOf(e, "Prefects")).toEqual([EMAILS.hermione, EMAILS.luna, EMAILS.ron].sort());
    const exclusive = file(`groups:\n  - name: Prefects\n    members: [${EMAILS.luna}, ${EMAILS.hermione}]\n    exclusive: true\n`);
    const plan = await runCli(["plan", "-f", exclusive], { env });
    expect(plan.stdout).toContain(`  ~ group "Prefects" (exclusive)\n      - ${EMAILS.ron}\n`);
    expect((await runCli(["apply", "-f", exclusive, "--yes"], { env })).code).toBe(0);
    expect(membersOf(e, "Prefects")).toEqual([EMAILS.hermione, EMAILS.luna].sort());
  });

  it("prune removes only what its scope covers, never a built-in group, in one DELETE per kind", async () => {
    const { e, env } = await start();
    const groupsOnly = file("groups:\n  - name: Gryffindors\nprune: { groups: true }\n");
    const plan = await runCli(["plan", "-f", groupsOnly], { env });
    expect(plan.stdout).toContain('  - group "alumni"\n  - group "Prefects"\n');
    expect(plan.stdout).toContain("Requests: 1 DELETE; no rate limits are configured.");
    expect(plan.stdout).not.toMatch(/- group "(Administrators|Everyone)"/);
    expect((await runCli(["apply", "-f", groupsOnly, "--yes"], { env })).code).toBe(0);
    expect(
      e
        .state()
        .groups.map((g) => g.name)
        .sort(),
    ).toEqual([...BUILT_IN_GROUPS, "Gryffindors"].sort());
    expect(e.state().robotAccounts).toHaveLength(4);
    const robots = file("robotAccounts:\n  - name: Roby\nprune: { robotAccounts: true }\n");
    expect((await runCli(["apply", "-f", robots, "--yes"], { env })).code).toBe(0);
    expect(e.state().robotAccounts.map((r) => r.name)).toEqual(["Roby"]);
  });

  it("onboards 500 robot accounts from CSV, each joining its groups in its own create; a second apply has nothing to do", async () => {
    const { e, env } = await start();
    const rows = Array.from(
      { length: 500 },
      (_, i) => `Bot-${String(i).padStart(3, "0")},Bot number ${i},${i % 2 === 0 ? "Gryffindors;alumni" : "Prefects"}`,
    );
    const csv = file(`name,displayName,groups\n${rows.join("\n")}\n`, "csv");
    const applied = await runCli(["apply", "-f", csv, "--yes", "--concurrency", "16"], { env });
    expect(applied.code).toBe(0);
    // Three groups gain members, all through the creates.
    expect(applied.stderr).toMatch(
      /Apply complete: 500 added, 3 changed, 0 removed \(\d GET, 500 POST request\(s\), and 2 audit-log read\(s\)\)\./,
    );
    const robots = e.state().robotAccounts.filter((r) => r.name?.startsWith("Bot-"));
    expect(robots).toHaveLength(500);
    expect(robots.find((r) => r.name === "Bot-007")?.groupIds).toEqual([PREFECTS]);
    expect(robots.find((r) => r.name === "Bot-010")?.groupIds?.length).toBe(2);
    const again = await runCli(["apply", "-f", csv, "--yes"], { env });
    expect(again.stdout).toContain("No changes.");
  });

  it("onboards users from CSV: created in bulk, in their groups", async () => {
    const { e, env } = await start();
    const csv = file(
      "email,name,surname,groups\ncedric.diggory@hogwarts.example,Cedric,Diggory,Gryffindors\ncho.chang@hogwarts.example,Cho,Chang,alumni;Gryffindors\n",
      "csv",
    );
    const plan = await runCli(["plan", "-f", csv], { env });
    expect(plan.stdout).toContain(
      '  + user "cedric.diggory@hogwarts.example"\n      + name "Cedric"\n      + surname "Diggory"\n      + in Gryffindors\n',
    );
    expect(plan.stdout).toContain('  ~ group "alumni"\n      + cho.chang@hogwarts.example (new user)\n');
    expect(plan.stdout).toContain("Requests: 2 POST; no rate limits are configured.");
    expect((await runCli(["apply", "-f", csv, "--yes"], { env })).code).toBe(0);
    expect(membersOf(e, "Gryffindors")).toEqual(expect.arrayContaining(["cedric.diggory@hogwarts.example", "cho.chang@hogwarts.example"]));
  });

  it("a saved plan applies as planned, and is refused once the organization has changed", async () => {
    const { e, env } = await start();
    const wanted = file("groups:\n  - name: Hufflepuffs\n");
    const planPath = join(box.home, "plan.json");
    expect((await runCli(["plan", "-f", wanted, "--out", planPath], { env })).code).toBe(0);
    const saved = readFileSync(planPath, "utf8");
    expect(saved).not.toContain(DEMO_CLIENT.clientSecret);
    // Someone changes the organization meanwhile.
    expect((await runCli(["groups", "create", "Durmstrang"], { env })).code).toBe(0);
    const stale = await runCli(["apply", planPath, "--yes"], { env });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(
      /^Error: The saved plan .*plan\.json is stale: the organization changed since it was made \(.+\)\. Run plan again\.\n$/,
    );
    expect(e.state().groups.some((g) => g.name === "Hufflepuffs")).toBe(false);
    expect((await runCli(["plan", "-f", wanted, "--out", planPath], { env })).code).toBe(0);
    expect((await runCli(["apply", planPath, "--yes"], { env })).code).toBe(0);
    expect(e.state().groups.some((g) => g.name === "Hufflepuffs")).toBe(true);
  });

  it("file errors name the file, line and column, and nothing is sent", async () => {
    const { e, env } = await start();
    const before = JSON.stringify(e.state());
    const bad = file(
      [
        "groups:",
        "  - name: Gryffindors",
        `    members: [${EMAILS.ron}, nobody@hogwarts.example]`,
        "robotAccounts:",
        "  - name: Errol",
        "    groups: [Slytherins]",
        "    colour: brown",
        "",
      ].join("\n"),
    );
    const schema = await runCli(["apply", "-f", bad, "--yes"], { env });
    expect(schema.code).toBe(1);
    expect(schema.stderr).toBe(
      `Error: The file has a problem; nothing was sent:\n  ${bad}:7:5: unknown key "colour" in robotAccounts.0 (allowed: name, displayName, groups)\n`,
    );
    const resolvable = file(
      [
        "groups:",
        "  - name: Gryffindors",
        `    members: [${EMAILS.ron}, nobody@hogwarts.example]`,
        "robotAccounts:",
        "  - name: Errol",
        "    groups: [Slytherins]",
        "",
      ].join("\n"),
    );
    const names = await runCli(["plan", "-f", resolvable], { env });
    expect(names.code).toBe(1);
    expect(names.stderr).toBe(
      "Error: The files have 2 problems; nothing was sent:\n" +
        `  ${resolvable}:3:45: no user or robot account is named "nobody@hogwarts.example" (the directory does not know this address or user name)\n` +
        `  ${resolvable}:6:14: group "Slytherins" does not exist (neither in this organization nor in the file)\n`,
    );
    expect(JSON.stringify(e.state())).toBe(before);
  });

  it("Ctrl-C sends nothing more, journals what was done, exits 130; the next apply finishes without duplicates", async () => {
    // Budgets small enough that 60 creates take a few seconds, paced by the client so no 429s.
    const rate = { windowMs: 1000, budgets: { GET: 300, POST: 12, PUT: 160, PATCH: 160, DELETE: 160 } };
    const { e, env } = await start({ rateLimit: rate });
    const runEnv = { ...env, UIPATH_RATE_LIMIT: JSON.stringify(rate) };
    const csv = file(`name,groups\n${Array.from({ length: 60 }, (_, i) => `Owl-${i},Gryffindors`).join("\n")}\n`, "csv");
    const first = startCli(["apply", "-f", csv, "--yes"], { env: runEnv });
    await waitFor(() => /\[ ?\d+\/60\]/.test(first.output().stderr) && (first.output().stderr.match(/\n/g)?.length ?? 0) > 12);
    first.child.kill("SIGINT");
    const stopped = await first.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain("Stopping: nothing more is sent; waiting only for requests already on the wire");
    const made = e.state().robotAccounts.filter((r) => r.name?.startsWith("Owl-")).length;
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(60);
    expect(stopped.stderr).toMatch(
      new RegExp(
        `Interrupted: ${made} of 60 requests done in 1 pass; nothing was sent after Ctrl-C\\. Journal: .+\\.jsonl\\. Run apply again to finish\\.`,
      ),
    );

    const journalDir = join(box.env.XDG_STATE_HOME, "uipath-identity", "journal");
    const journals = readdirSync(journalDir).map((f) => join(journalDir, f));
    const lines = readFileSync(journals.at(-1)!, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: string; ok?: boolean });
    expect(lines[0]?.event).toBe("started");
    expect(lines.filter((l) => l.event === "done" && l.ok)).toHaveLength(made);
    expect(lines.at(-1)?.event).toBe("interrupted");

    const resumed = await runCli(["apply", "-f", csv, "--yes"], { env: runEnv });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`An earlier apply stopped after ${made} of 60 requests`);
    expect(resumed.stdout).toContain(`Plan: ${60 - made} to add, 1 to change, 0 to remove.`);
    const owls = e.state().robotAccounts.filter((r) => r.name?.startsWith("Owl-"));
    expect(owls).toHaveLength(60);
    expect(new Set(owls.map((r) => r.name)).size).toBe(60);
    expect(owls.every((r) => (r.groupIds ?? []).includes(GRYFFINDORS))).toBe(true);
    // No secret or token anywhere the CLI wrote.
    for (const f of readdirSync(journalDir)) expect(readFileSync(join(journalDir, f), "utf8")).not.toContain(DEMO_CLIENT.clientSecret);
    for (const out of [stopped, resumed]) expect(out.stdout + out.stderr).not.toContain(DEMO_CLIENT.clientSecret);
  });

  it("when others spend the same budget, 429s are absorbed by retries, and progress and summary say so", async () => {
    // The emulator's budget is half of what this client believes it has: the other half is "theirs".
    const { e, env } = await start({ rateLimit: { windowMs: 1000, budgets: { GET: 300, POST: 10, PUT: 160, PATCH: 160, DELETE: 160 } } });
    const mine = { windowMs: 1000, budgets: { GET: 300, POST: 20, PUT: 160, PATCH: 160, DELETE: 160 } };
    const csv = file(`name\n${Array.from({ length: 30 }, (_, i) => `Shared-${i}`).join("\n")}\n`, "csv");
    const out = await runCli(["apply", "-f", csv, "--yes"], { env: { ...env, UIPATH_RATE_LIMIT: JSON.stringify(mine) } });
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/\(\+\d+ × 429 retried: the budget is shared\)/);
    expect(out.stderr).toMatch(
      /Apply complete: 30 added, .*\. \d+ request\(s\) met 429 \(the budget is shared with others\) and were retried\.\n$/,
    );
    expect(e.state().robotAccounts.filter((r) => r.name?.startsWith("Shared-"))).toHaveLength(30);
  });

  it("on a real terminal: a progress bar with done/total and an ETA from the limiter's schedule", async () => {
    const rate = { windowMs: 1000, budgets: { GET: 300, POST: 10, PUT: 160, PATCH: 160, DELETE: 160 } };
    const { e, env } = await start({ rateLimit: rate });
    const csv = file(`name\n${Array.from({ length: 25 }, (_, i) => `Pty-${i}`).join("\n")}\n`, "csv");
    // util-linux `script` gives the program a pseudo-terminal (sized, as a terminal window is) and
    // records what it drew.
    const command = onTerminal({ ...env, UIPATH_RATE_LIMIT: JSON.stringify(rate) }, `apply -f ${csv} --yes`);
    // Asynchronously: the emulator answering the program lives in this very process.
    const { stdout: typescript } = await promisify(execFile)("script", ["-qfec", command, "/dev/null"], {
      encoding: "utf8",
      timeout: 60_000,
      env: TERMINAL_ENV,
    });
    expect(typescript).toMatch(ESCAPES);
    // The ETA comes from the limiter's schedule (25 creates at 10 a second wait about 2 s; less
    // when a busy machine is slower than the budget).
    expect(typescript).toMatch(/█+.*\b\d{1,2}\/25 · ETA (?:<1s|\d+s) · created robot account Pty-/);
    expect(typescript).toContain("Apply complete: 25 added");
    expect(e.state().robotAccounts.filter((r) => r.name?.startsWith("Pty-"))).toHaveLength(25);
  });
});

describe("Ctrl-C on a real terminal", () => {
  it("stops gracefully too (nothing may put the terminal in raw mode and swallow it): exit 130, journal written", async () => {
    const rate = { windowMs: 1000, budgets: { GET: 300, POST: 8, PUT: 160, PATCH: 160, DELETE: 160 } };
    const { e, env } = await start({ rateLimit: rate });
    const csv = file(`name\n${Array.from({ length: 60 }, (_, i) => `Tty-${i}`).join("\n")}\n`, "csv");
    const command = onTerminal({ ...env, UIPATH_RATE_LIMIT: JSON.stringify(rate) }, `apply -f ${csv} --yes`);
    const child = spawn("script", ["-qfec", command, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"], env: TERMINAL_ENV });
    let seen = "";
    child.stdout.on("data", (c: Buffer) => (seen += c.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    await waitFor(() => / 1[0-9]\/60 · ETA/.test(seen));
    child.stdin.write("\u0003"); // what the Ctrl-C key sends through the terminal
    expect(await exited).toBe(130);
    expect(seen).toContain("Stopping: nothing more is sent; waiting only for requests already on the wire");
    expect(seen).toMatch(/Interrupted: \d+ of 60 requests done in 1 pass; nothing was sent after Ctrl-C/);
    expect(e.state().robotAccounts.filter((r) => r.name?.startsWith("Tty-")).length).toBeLessThan(60);
  });
});

/**
 * The terminal tests start `script` in a clean environment: the suite itself may run under CI=true
 * or NO_COLOR, and the CLI draws no bar under CI. An admin's terminal has neither.
 */
const TERMINAL_ENV = { PATH: process.env.PATH ?? "" };

/** A shell command that runs the CLI as an admin's terminal would: sized and colour-capable. */
function onTerminal(vars: Record<string, string | undefined>, args: string): string {
  const exports = Object.entries({ ...vars, TERM: "xterm-256color", COLUMNS: "120" })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}='${String(v).replace(/'/g, "'\\''")}'`)
    .join(" ");
  return `stty cols 120 rows 40; env ${exports} ${process.execPath} ${BIN} ${args}`;
}

async function waitFor(condition: () => boolean): Promise<void> {
  // No deadline of its own: Jest's watchdog bounds it, so a slow machine only waits longer.
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}
