// Benchmark 7: `uipath-identity apply` of a file that creates 1,000 robot accounts in 20 groups and
// sets the membership of 200 users, run as the real binary against an emulator that enforces
// Automation Cloud's budgets in a scaled window. In the same run: the same apply with no limits on
// either side (the floor: nothing to wait for but the requests themselves), and the same change
// done the `uip admin` way (one create per robot, then one members-add per robot and per group),
// paced by our client, which is the best case for that way.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { AUTOMATION_CLOUD_RATE_LIMITS, createIdentityClient, type RateLimitOptions } from "../src/client/index.js";
import { DEMO_CLIENT, startEmulator, type EmulatorHandle, type SeedData } from "../src/emulator/index.js";
import globalSetup from "../test/global-setup.js";
import { counterGuid } from "./lib/ids.js";
import type { BenchResult } from "./lib/result.js";
import { pool, round } from "./lib/stats.js";

export interface ApplyOptions {
  robots: number;
  groups: number;
  users: number;
  /** The scaled window: Automation Cloud's five minutes, shrunk. */
  windowMs: number;
  concurrency: number;
  /** Runs of each timed apply; the median counts. */
  rounds: number;
}

const BIN = new URL("../bin/uipath-identity.js", import.meta.url).pathname;
const run = promisify(execFile);
const team = (i: number) => `Team-${String(i).padStart(2, "0")}`;
const email = (i: number) => `wizard${i}@hogwarts.example`;
const TEAM_BASE = 0x10000;

function seed(o: ApplyOptions): SeedData {
  return {
    users: Array.from({ length: o.users }, (_, i) => ({
      identifier: counterGuid(i + 1),
      objectType: "DirectoryUser" as const,
      name: `Wizard ${i}`,
      email: email(i),
      userName: email(i),
    })),
    groups: Array.from({ length: o.groups }, (_, i) => ({ id: counterGuid(TEAM_BASE + i), name: team(i), type: 1 as const })),
    robotAccounts: [],
  };
}

/** The file: every user in one team, every robot account in one team. */
function identityFile(o: ApplyOptions): string {
  return stringify({
    groups: Array.from({ length: o.groups }, (_, g) => ({
      name: team(g),
      members: Array.from({ length: o.users }, (_, u) => u)
        .filter((u) => u % o.groups === g)
        .map(email),
    })),
    robotAccounts: Array.from({ length: o.robots }, (_, r) => ({
      name: `Robot-${String(r).padStart(4, "0")}`,
      groups: [team(r % o.groups)],
    })),
  });
}

const cloudBudgets = (windowMs: number): RateLimitOptions => ({ windowMs, budgets: { ...AUTOMATION_CLOUD_RATE_LIMITS.budgets } });

async function emulatorFor(o: ApplyOptions, limited: boolean): Promise<EmulatorHandle> {
  const budgets = cloudBudgets(o.windowMs).budgets as { GET: number; POST: number; PUT: number; PATCH: number; DELETE: number };
  return startEmulator({ seed: seed(o), rateLimit: limited ? { windowMs: o.windowMs, budgets } : false });
}

interface ApplyRun {
  elapsedMs: number;
  requests: Record<string, number>;
  tooMany: number;
}

/** One `apply --yes` of the file by the real binary; the counts come from its own closing line. */
async function applyOnce(o: ApplyOptions, limited: boolean, path: string): Promise<ApplyRun> {
  const emulator = await emulatorFor(o, limited);
  try {
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: tmpdir(),
      XDG_STATE_HOME: mkdtempSync(join(tmpdir(), "bench-apply-state-")),
      UIPATH_BASE_URL: emulator.baseUrl(),
      UIPATH_CLIENT_ID: DEMO_CLIENT.clientId,
      UIPATH_CLIENT_SECRET: DEMO_CLIENT.clientSecret,
      UIPATH_RATE_LIMIT: limited ? JSON.stringify(cloudBudgets(o.windowMs)) : "off",
    };
    const started = performance.now();
    const { stderr } = await run(process.execPath, [BIN, "apply", "-f", path, "--yes", "--concurrency", String(o.concurrency)], {
      env,
      maxBuffer: 64 << 20,
    });
    const elapsedMs = performance.now() - started;
    rmSync(env.XDG_STATE_HOME, { recursive: true, force: true });
    // Identity's requests by method; the audit reads (who caused drift) go to another service, unpaced.
    const summary =
      /Apply complete: .*\(([^)]*?) request\(s\)(?:, and \d+ audit-log read\(s\))?(?:; \d+ passes)?\)\.(?: (\d+) request\(s\) met 429)?/.exec(
        stderr,
      );
    if (!summary) throw new Error(`apply did not complete:\n${stderr.slice(-2000)}`);
    const requests = Object.fromEntries([...(summary[1] as string).matchAll(/(\d+) ([A-Z]+)/g)].map((m) => [m[2], Number(m[1])]));
    return { elapsedMs, requests, tooMany: Number(summary[2] ?? 0) };
  } finally {
    await emulator.close();
  }
}

/** The same change as `uip admin` makes it: no bulk, no joining in the create; paced by our client. */
async function uipAdminWay(o: ApplyOptions): Promise<ApplyRun> {
  const emulator = await emulatorFor(o, true);
  const requests: Record<string, number> = {};
  let tooMany = 0;
  try {
    const pm = createIdentityClient({
      baseUrl: emulator.baseUrl(),
      credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret, scopes: ["PM.Group", "PM.RobotAccount"] },
      rateLimit: cloudBudgets(o.windowMs),
      onRequest: (e) => {
        if (e.attempt === 1 && !e.url.endsWith("/connect/token")) requests[e.method] = (requests[e.method] ?? 0) + 1;
      },
      onResponse: (e) => {
        if (e.status === 429) tooMany++;
      },
    });
    const started = performance.now();
    const ids: string[] = [];
    await pool(o.robots, o.concurrency, async (r) => {
      ids[r] = (await pm.robotAccounts.create({ name: `Robot-${String(r).padStart(4, "0")}` })).id;
    });
    // `groups members add <GROUP> --user-ids <robot>`: one PUT per robot (the name sent along, so no GET).
    await pool(o.robots, o.concurrency, async (r) => {
      const g = r % o.groups;
      await pm.groups.update(counterGuid(TEAM_BASE + g), { name: team(g), addMemberIds: [ids[r] as string] });
    });
    await pool(o.groups, o.concurrency, async (g) => {
      const members = Array.from({ length: o.users }, (_, u) => u)
        .filter((u) => u % o.groups === g)
        .map((u) => counterGuid(u + 1));
      await pm.groups.update(counterGuid(TEAM_BASE + g), { name: team(g), addMemberIds: members });
    });
    return { elapsedMs: performance.now() - started, requests, tooMany };
  } finally {
    await emulator.close();
  }
}

function medianRun(runs: ApplyRun[]): ApplyRun {
  const sorted = [...runs].sort((a, b) => a.elapsedMs - b.elapsedMs);
  const middle = sorted[Math.floor(sorted.length / 2)] as ApplyRun;
  // 429s and requests are reported for the worst round, not hidden by the median.
  return { ...middle, tooMany: Math.max(...runs.map((r) => r.tooMany)) };
}

/** The least time the budgets force on these requests: each further full budget waits a window. */
function budgetFloorMs(requests: Record<string, number>, windowMs: number): number {
  const budgets = AUTOMATION_CLOUD_RATE_LIMITS.budgets as Record<string, number>;
  return Object.entries(requests).reduce((sum, [m, n]) => sum + Math.max(0, Math.ceil(n / (budgets[m] ?? Infinity)) - 1) * windowMs, 0);
}

export async function runApply(o: ApplyOptions): Promise<BenchResult> {
  globalSetup(); // the binary runs from dist/
  const dir = mkdtempSync(join(tmpdir(), "bench-apply-"));
  const path = join(dir, "identity.yaml");
  writeFileSync(path, identityFile(o));
  try {
    // Alternating rounds, so a slow spell of the machine does not land on one side only.
    const unlimitedRuns: ApplyRun[] = [];
    const pacedRuns: ApplyRun[] = [];
    for (let i = 0; i < o.rounds; i++) {
      unlimitedRuns.push(await applyOnce(o, false, path));
      pacedRuns.push(await applyOnce(o, true, path));
    }
    const unlimited = medianRun(unlimitedRuns);
    const paced = medianRun(pacedRuns);
    const uip = await uipAdminWay(o);
    // Minimal: each new robot account one POST (joining its team inside it), each team's membership
    // one PUT, and the reads: the groups, the robot accounts (none yet: one page), and the users
    // (a page per 1000, which carries every membership, cheaper than one read per team).
    const minimal = { GET: 1 + 1 + Math.max(1, Math.ceil(o.users / 1000)), POST: o.robots, PUT: o.groups };
    const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const floorMs = budgetFloorMs(paced.requests, o.windowMs) + unlimited.elapsedMs;
    const ratio = paced.elapsedMs / floorMs;
    const met = ratio <= 1.05 && paced.tooMany === 0 && total(paced.requests) === total(minimal);
    const s = (ms: number) => `${round(ms / 1000, 2)} s`;
    const fmt = (r: Record<string, number>) =>
      Object.entries(r)
        .map(([m, n]) => `${n} ${m}`)
        .join(" + ");
    const notes = met
      ? []
      : [
          `uipath-identity apply took ${ratio.toFixed(3)}x the floor with ${paced.tooMany} 429s and ${total(paced.requests)} requests (minimal ${total(minimal)}).`,
        ];
    return {
      name: "apply",
      notes,
      details: {
        ...o,
        minimal,
        floorFormula: "budget wait of the requests sent, (ceil(n/B) - 1) * W per method, + the same apply with no limits on either side",
        floorMs: round(floorMs, 1),
        unlimited: { ...unlimited, elapsedMs: round(unlimited.elapsedMs, 1), roundsMs: unlimitedRuns.map((r) => round(r.elapsedMs, 1)) },
        paced: {
          ...paced,
          elapsedMs: round(paced.elapsedMs, 1),
          ratioToFloor: round(ratio, 3),
          roundsMs: pacedRuns.map((r) => round(r.elapsedMs, 1)),
        },
        uipAdminWay: { ...uip, elapsedMs: round(uip.elapsedMs, 1), budgetFloorMs: budgetFloorMs(uip.requests, o.windowMs) },
      },
      rows: [
        {
          benchmark: `7. apply: ${o.robots} robot accounts in ${o.groups} groups + ${o.users} users' membership, Cloud budgets per ${o.windowMs / 1000} s`,
          measure: "requests sent; elapsed; 429s",
          baseline: `minimal ${fmt(minimal)}; floor ${s(floorMs)}; uip-admin way ${fmt(uip.requests)}, ${s(uip.elapsedMs)}`,
          ours: `${fmt(paced.requests)}; ${s(paced.elapsedMs)}, ${paced.tooMany} × 429`,
          ratio: `${(total(paced.requests) / total(minimal)).toFixed(2)}x minimal requests; ${ratio.toFixed(3)}x floor (uip-admin way ${(uip.elapsedMs / floorMs).toFixed(1)}x)`,
          target: "minimal requests, ≤ 1.05x floor, 0 × 429",
          met,
        },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
