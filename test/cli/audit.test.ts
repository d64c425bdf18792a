// `uipath-identity audit …` through the real binary against the emulator: the sources tree, events
// with filters by name and every output format, clear usage errors, an export that writes nothing
// unless it all worked, and `export --checkpoint` run again and again (one run killed halfway, with
// SIGKILL) while events keep arriving, several on one timestamp: every event exactly once.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import type { ChildProcess } from "node:child_process";
import { createIdentityClient, type IdentityClient } from "../../src/client/index.js";
import { DEMO_CLIENT, PM_SCOPES, startEmulator, type EmulatorHandle } from "../../src/emulator/index.js";
import { startServer, type TestServer } from "../helpers/http-server.js";
import { EVERYONE } from "../fixtures/walkthrough.js";
import { cli, emulatorEnv, sandbox, startCli, type CliResult } from "./helpers.js";

/** An external application whose name is a spreadsheet formula: its id lands in the actor columns. */
const FORMULA_APP = { clientId: '=HYPERLINK("http://evil.example")', clientSecret: "formula-secret-1234", scopes: [...PM_SCOPES] };

let emulator: EmulatorHandle;
let clock: number;
let pm: IdentityClient;
let formulaApp: IdentityClient;
const box = sandbox();
let env: Record<string, string | undefined>;

beforeAll(async () => {
  // The emulator's clock stands still unless a test moves it, so events share timestamps at will.
  clock = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
  emulator = await startEmulator({
    seed: "demo",
    rateLimit: false,
    validateResponses: true,
    now: () => clock,
    clients: [DEMO_CLIENT, FORMULA_APP],
  });
  env = { ...box.env, ...emulatorEnv(emulator) };
  const clientOf = (c: typeof DEMO_CLIENT) =>
    createIdentityClient({
      baseUrl: emulator.baseUrl(),
      rateLimit: false,
      credentials: { clientId: c.clientId, clientSecret: c.clientSecret, scopes: ["PM.Group", "PM.User"] },
    });
  pm = clientOf(DEMO_CLIENT);
  formulaApp = clientOf(FORMULA_APP);
});
afterAll(async () => {
  await emulator.close();
  box.cleanup();
  expect(emulator.violations).toEqual([]);
});

const run = (args: string[], extra: Record<string, string | undefined> = {}) => cli(args, { env: { ...env, ...extra } });
const users = (n: number, prefix: string) => ({
  users: Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i}@hogwarts.example` })),
});
const lines = (text: string) => text.split("\n").filter(Boolean);

describe("uipath-identity audit", () => {
  it("sources: the tree as a table of names and ids, or as the service's JSON", async () => {
    const table = await run(["audit", "sources"]);
    expect(table).toMatchObject({ code: 0, stderr: "" });
    expect(table.stdout.split("\n")[0]).toMatch(/^SOURCE +TARGET +TYPE +TYPE ID$/);
    expect(table.stdout).toMatch(/^Identity +Group +Group Updated +3d1f5a70-9c2e-4b8d-a6f1-0e7c2b9d4a32$/m);
    const json = JSON.parse((await run(["audit", "sources", "-o", "json"])).stdout) as Array<{ name: string }>;
    expect(json.map((s) => s.name)).toEqual(["Identity"]);
  });

  it("events: newest first, filtered by names from the sources tree, status and time, in every format", async () => {
    clock += 60_000;
    const club = await pm.groups.create({ name: "Gobstones Club" });
    await pm.groups.delete(EVERYONE).catch(() => undefined);
    await formulaApp.groups.update(club.id, { name: "Gobstones Society" });

    const table = await run(["audit", "events", "--since", "2h", "--target", "Group"]);
    expect(table.code).toBe(0);
    const rows = table.stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^TIME +STATUS +SOURCE +TARGET +TYPE +ACTOR +SUMMARY$/);
    expect(rows[1]).toMatch(
      / succeeded +Identity +Group +Group Updated +=HYPERLINK\("http:\/\/evil.example"\) +Group 'Gobstones Society' updated \(name\)$/,
    );
    expect(rows[2]).toMatch(/ failed +Identity +Group +Group Deleted +emulator-demo-client +Group 'Everyone' not deleted: /);

    const failed = await run(["audit", "events", "--status", "failure", "-o", "json"]);
    expect((JSON.parse(failed.stdout) as Array<{ eventType: string }>).map((e) => e.eventType)).toEqual(["Group Deleted"]);
    const jsonl = await run(["audit", "events", "--type", "group created", "--type", "Group Updated", "-o", "jsonl", "--oldest-first"]);
    const events = lines(jsonl.stdout).map((l) => JSON.parse(l) as { eventType: string; eventDetails: string; details?: unknown });
    expect(events.map((e) => e.eventType)).toEqual(["Group Created", "Group Updated"]);
    // The service's own fields: eventDetails stays the JSON-encoded string it is.
    expect(typeof events[0]!.eventDetails).toBe("string");
    expect(events[0]!.details).toBeUndefined();
    expect(lines((await run(["audit", "events", "--limit", "1", "-o", "jsonl"])).stdout)).toHaveLength(1);
    expect((await run(["audit", "events", "--search", "gobstones", "--from", "2020-01-01", "-o", "json"])).stdout).toMatch(/Gobstones/);

    const csv = await run(["audit", "events", "--target", "Group", "--type", "Group Updated", "-o", "csv"]);
    const [header, ...records] = parseCsv(csv.stdout);
    expect(header!.slice(0, 4)).toEqual(["id", "createdOn", "organizationId", "organizationName"]);
    expect(header).toContain("clientInfo.ipAddress");
    const actor = records[0]![header!.indexOf("actorName")];
    // Made inert for spreadsheets, as uip does.
    expect(actor).toBe('\'=HYPERLINK("http://evil.example")');
  });

  it("says what is wrong with the command line, and what to grant when the audit scope is missing", async () => {
    const expectUsage = (r: CliResult, message: RegExp) => {
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    };
    expectUsage(
      await run(["audit", "events", "--source", "Orchestrator"]),
      /^Error: No audit source has the name or id "Orchestrator" \(there are: Identity\)\n$/,
    );
    expectUsage(await run(["audit", "events", "--limit", "200000"]), /--limit must be a whole number from 1 to 100000/);
    expectUsage(await run(["audit", "events", "--status", "maybe"]), /--status must be success, failure, 0 or 1, not "maybe"/);
    expectUsage(
      await run(["audit", "events", "--since", "yesterday"]),
      /--since must be a duration such as 90s, 5m, 24h or 7d, not "yesterday"/,
    );
    expectUsage(
      await run(["audit", "events", "--from", "2026-12-02", "--to", "2026-12-01"]),
      /from \(2026-12-02T00:00:00.000Z\) is after to/,
    );
    expectUsage(await run(["audit", "export", "--out", join(box.home, "x.jsonl")]), /Give --from or --since \(or --checkpoint\)/);
    expectUsage(await run(["audit", "export", "--out", join(box.home, "x.txt"), "--since", "1h"]), /Give --format csv or --format jsonl/);
    expectUsage(
      await run(["audit", "export", "--out", join(box.home, "no/such/folder/x.jsonl"), "--since", "1h"]),
      /The folder of --out .* does not exist/,
    );
    writeFileSync(join(box.home, "taken.jsonl"), "keep me\n");
    expectUsage(
      await run(["audit", "export", "--out", join(box.home, "taken.jsonl"), "--since", "1h"]),
      /taken.jsonl exists: name another file, or pass --force/,
    );
    expect(readFileSync(join(box.home, "taken.jsonl"), "utf8")).toBe("keep me\n");

    const noScope = await run(["audit", "events"], { UIPATH_SCOPES: "PM.Group" });
    expect(noScope.code).toBe(1);
    expect(noScope.stderr).toMatch(
      /Permission denied for GET \/hogwarts\/orgaudit_\/api\/query\/events \(403\): grant the External Application one of PM.Audit, PM.Audit.Read/,
    );
  });

  it("export writes nothing when any page fails: no file, no partial file", async () => {
    clock += 60_000;
    await pm.users.createMany(users(450, "export-fail-"));
    const proxy = await startProxy(emulator, (n) => (n === 2 ? "fail" : "forward"));
    try {
      const out = join(box.home, "failed.jsonl");
      const result = await cli(["audit", "export", "--since", "2h", "--out", out], {
        env: { ...env, UIPATH_BASE_URL: `${proxy.origin}/hogwarts/identity_` },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Error: .*\/hogwarts\/orgaudit_\/api\/query\/events/);
      expect(readdirSync(box.home).filter((f) => f.includes("failed.jsonl"))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it("export --checkpoint, run four times while events arrive (some on the last run's timestamp) and once killed halfway: each event exactly once", async () => {
    const dir = join(box.home, "siem");
    const checkpoint = join(dir, "audit.checkpoint.json");
    const outs: string[] = [];
    const exportTo = async (name: string, extra: string[] = []) => {
      const out = join(dir, name);
      const result = await run(["audit", "export", "--checkpoint", checkpoint, "--out", out, ...extra]);
      expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
      outs.push(out);
      return result;
    };
    mkdirSync(dir, { recursive: true });

    // Everything before this test is exported too: the first run starts where --from says.
    clock += 60_000;
    await pm.users.createMany(users(250, "first-years-")); // 250 events on one timestamp
    await pm.groups.create({ name: "Charms Club" });
    const first = await exportTo("1.jsonl", ["--from", "2020-01-01"]);
    expect(first.stderr).toMatch(
      /^Exported \d+ event\(s\) from 2020-01-01T00:00:00.000Z to .* Checkpoint .*audit.checkpoint.json: newest /,
    );

    // Two more on the very timestamp the first run ended on, then a batch a second later.
    await pm.groups.create({ name: "Potions Club" });
    await pm.groups.create({ name: "Herbology Club" });
    clock += 1000;
    await pm.users.createMany(users(220, "second-years-"));

    // Killed with SIGKILL while it pages (its second call): no output, the lock left behind.
    const proxy = await startProxy(emulator, (n) => (n === 2 ? "kill" : "forward"));
    let killed: CliResult;
    try {
      const started = startCli(["audit", "export", "--checkpoint", checkpoint, "--out", join(dir, "2.jsonl")], {
        env: { ...env, UIPATH_BASE_URL: `${proxy.origin}/hogwarts/identity_` },
      });
      proxy.victim = started.child;
      killed = await started.done;
    } finally {
      await proxy.close();
    }
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(join(dir, "2.jsonl"))).toBe(false);
    expect(existsSync(`${checkpoint}.lock`)).toBe(true);

    // More on the same second as the batch, then the next run takes over the stale lock.
    await pm.groups.create({ name: "Divination Club" });
    await exportTo("3.jsonl");
    expect(existsSync(`${checkpoint}.lock`)).toBe(false);

    // A refused write, a write by the application with a formula for a name, and a CSV export.
    clock += 1000;
    await pm.groups.delete(EVERYONE).catch(() => undefined);
    await formulaApp.groups.create({ name: "Ravenclaw Readers" });
    await exportTo("4.csv");
    const nothing = await exportTo("5.jsonl");
    expect(nothing.stderr).toMatch(/^Exported 0 event\(s\) .*\nNothing new since the last export\.\n$/);

    const exportedIds = outs.flatMap((out) =>
      out.endsWith(".csv")
        ? parseCsv<Record<string, string>>(readFileSync(out, "utf8"), { columns: true }).map((r) => r.id!)
        : lines(readFileSync(out, "utf8")).map((l) => (JSON.parse(l) as { id: string }).id),
    );
    const all = emulator.auditEvents().map((e) => e.id);
    expect(exportedIds.length).toBe(all.length);
    expect(new Set(exportedIds).size).toBe(exportedIds.length);
    expect([...exportedIds].sort()).toEqual([...all].sort());
    // The CSV run holds the refused delete and the formula, made inert.
    const csvRows = parseCsv<Record<string, string>>(readFileSync(join(dir, "4.csv"), "utf8"), { columns: true });
    expect(csvRows.map((r) => [r.eventType, r.status, r.actorId])).toEqual([
      ["Group Deleted", "1", "emulator-demo-client"],
      ["Group Created", "0", '\'=HYPERLINK("http://evil.example")'],
    ]);
    // Each file is oldest first.
    const third = lines(readFileSync(join(dir, "3.jsonl"), "utf8")).map((l) => (JSON.parse(l) as { createdOn: string }).createdOn);
    expect(third).toEqual([...third].sort());
  }, 120_000);
});

interface Proxy extends TestServer {
  /** The CLI process to kill when the plan says so. */
  victim?: ChildProcess;
}

/**
 * A pass-through to the emulator that counts the audit event calls and, on the one the plan
 * names, answers 500 each time it is asked again ("fail") or kills the CLI process ("kill").
 */
async function startProxy(target: EmulatorHandle, plan: (n: number) => "forward" | "fail" | "kill"): Promise<Proxy> {
  let eventCalls = 0;
  let failing = false;
  const proxy: Proxy = Object.assign(
    await startServer(async (req, res) => {
      if (req.path.endsWith("/api/query/events")) {
        const step = plan(++eventCalls);
        if (step === "fail" || failing) {
          failing = true;
          res.writeHead(500, { "content-type": "application/problem+json" }).end('{"title":"Injected failure","status":500}');
          return;
        }
        if (step === "kill") {
          proxy.victim?.kill("SIGKILL");
          res.socket?.destroy();
          return;
        }
      }
      const url = `${target.url}${req.path}${req.query.size > 0 ? `?${req.query.toString()}` : ""}`;
      const headers: Record<string, string> = {};
      for (const name of ["authorization", "content-type"]) if (typeof req.headers[name] === "string") headers[name] = req.headers[name];
      const answer = await fetch(url, { method: req.method, headers, ...(req.body ? { body: req.body } : {}) });
      const body = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/octet-stream" }).end(body);
    }),
    {},
  );
  return proxy;
}
