// The emulator command (`npm start`, and uipath-identity-emulator in the package: the same
// program), run as a user would: banner, working curl, clean stop, its flags, one-line errors.
import { afterEach, describe, expect, it } from "@jest/globals";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { emulatorPerTest } from "./support.js";
import { BUILT_IN_GROUPS } from "../fixtures/walkthrough.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const run = promisify(execFile);

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function launch(env: Record<string, string>, args: string[] = []): Started {
  // The same program as `npm start`, without npm or tsx's own wrapper process in between, so
  // signals reach it directly and a kill leaves no orphan behind.
  const child = spawn(process.execPath, ["--import", "tsx", "src/emulator/start.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor(started: Started, text: string): Promise<void> {
  while (!started.stdout().includes(text)) {
    const finished = await Promise.race([started.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);
    if (finished && !started.stdout().includes(text)) throw new Error(`exited early: ${started.stderr()}`);
  }
}

const start = emulatorPerTest();
let running: Started | undefined;
afterEach(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill("SIGKILL");
    await running.exited;
  }
  running = undefined;
});

describe("npm start", () => {
  it("prints the base URL, demo client and a curl sequence that works, and stops cleanly on SIGTERM", async () => {
    running = launch({ PORT: "0" });
    await waitFor(running, "Press Ctrl-C to stop.");
    const banner = running.stdout();
    const base = /Base URL\s+(http:\/\/127\.0\.0\.1:\d+\/hogwarts\/identity_)/.exec(banner)?.[1];
    expect(base).toBeDefined();
    expect(banner).toMatch(/Client id\s+emulator-demo-client/);
    expect(banner).toMatch(/Client secret\s+emulator-demo-secret/);
    expect(banner).toMatch(
      /Scopes\s+PM\.Group PM\.Group\.Read PM\.Group\.Write PM\.RobotAccount PM\.RobotAccount\.Read PM\.RobotAccount\.Write PM\.User PM\.User\.Read PM\.User\.Write PM\.Directory PM\.Directory\.Read PM\.Audit PM\.Audit\.Read$/m,
    );
    expect(banner).toContain('import { createIdentityClient } from "uipath-identity-toolkit";');
    expect(banner).toContain(`baseUrl: "${base}"`);

    // Run the printed curl lines exactly as printed: the token, then each call after it.
    const curlLines = banner
      .split("\n")
      .filter((l) => /^\s+(TOKEN=\$\(curl|curl )/.test(l))
      .map((l) => l.trim());
    expect(curlLines).toHaveLength(3);
    const [tokenLine, listGroups, readUser] = curlLines as [string, string, string];
    const groups = JSON.parse((await run("bash", ["-c", `${tokenLine}\n${listGroups}`])).stdout) as Array<{ name: string }>;
    expect(groups.map((g) => g.name)).toEqual([...BUILT_IN_GROUPS, "Gryffindors", "alumni", "Prefects"]);
    // Reading a user takes its id only: no partitionGlobalId anywhere in the call.
    expect(readUser).not.toContain("3fa85f64-5717-4562-b3fc-2c963f66afa6");
    const ron = JSON.parse((await run("bash", ["-c", `${tokenLine}\n${readUser}`])).stdout) as { userName: string };
    expect(ron.userName).toBe("ron.weasley@hogwarts.example");

    // The TypeScript snippet builds the client without partitionGlobalId and looks a user up by e-mail.
    const snippet = banner.slice(banner.indexOf("import { createIdentityClient }"), banner.indexOf("Or with the admin CLI"));
    expect(snippet).not.toContain("partitionGlobalId");
    expect(snippet).toContain('await pm.users.findByEmail("ron.weasley@hogwarts.example")');
    expect(snippet).toContain("await pm.groups.list()");
    // Run it as printed: a module inside this package imports the package by its own name.
    mkdirSync(join(ROOT, "build"), { recursive: true });
    const script = join(ROOT, "build", "banner-snippet.mts");
    writeFileSync(script, snippet);
    const printed = (await run(TSX, [script], { cwd: ROOT })).stdout;
    expect(printed).toContain("ron.weasley@hogwarts.example");
    expect(printed).toContain("Gryffindors");

    // And the CLI line, as printed, through npm exec.
    const cliLine = banner
      .split("\n")
      .find((l) => l.includes("npm exec --silent -- uipath-identity"))!
      .trim();
    const members = (await run("bash", ["-c", cliLine], { cwd: ROOT })).stdout;
    expect(members).toMatch(/^NAME +KIND +ID$/m);
    expect(members).toMatch(/^ron\.weasley@hogwarts\.example +user +1c6f0a3e-/m);

    const docs = await fetch(`${new URL(base!).origin}/openapi.json`);
    expect(docs.status).toBe(200);

    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
    expect(running.stdout()).toContain("Stopping (SIGTERM).");
  });

  it("stops cleanly on SIGINT (Ctrl-C)", async () => {
    running = launch({ PORT: "0" });
    await waitFor(running, "Press Ctrl-C to stop.");
    running.child.kill("SIGINT");
    expect(await running.exited).toBe(0);
  });

  it("takes its settings as flags: seed, rate limits, faults, response validation", async () => {
    running = launch({}, [
      "--port",
      "0",
      "--seed",
      "empty",
      "--rate-limit",
      "off",
      "--faults",
      "1",
      "--fault-kinds",
      "503",
      "--validate-responses",
    ]);
    await waitFor(running, "Press Ctrl-C to stop.");
    const banner = running.stdout();
    expect(banner).toMatch(/^ {2}Rate limits {5}off$/m);
    expect(banner).toMatch(/^ {2}Faults {10}100% of API requests get one of 503 \(seed 1\)$/m);
    expect(banner).toMatch(/^ {2}Validation {6}responses that break the contract are reported here$/m);
    const base = /Base URL\s+(\S+)/.exec(banner)![1]!;
    const tokenLine = banner
      .split("\n")
      .find((l) => l.trim().startsWith("TOKEN=$(curl"))!
      .trim();
    // The token endpoint is not faulted; every API call is.
    const status = await run("bash", [
      "-c",
      `${tokenLine}\ncurl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" '${base}/api/Group/3fa85f64-5717-4562-b3fc-2c963f66afa6'`,
    ]);
    expect(status.stdout).toBe("503");
    running.child.kill("SIGINT");
    expect(await running.exited).toBe(0);
    expect(running.stderr()).toBe("");
  });

  it("says in one line that the port is taken, and exits 1", async () => {
    const blocker = await start();
    running = launch({ PORT: String(blocker.port) });
    expect(await running.exited).toBe(1);
    expect(running.stderr().trim()).toBe(`emulator: Port ${blocker.port} on 127.0.0.1 is already in use`);
  });

  it.each([
    [{ SEED: "/nonexistent/seed.json" }, "emulator: Cannot read seed file /nonexistent/seed.json: ENOENT"],
    [
      { SEED: fileURLToPath(new URL("../../package.json", import.meta.url)) },
      /^emulator: Seed file .*package\.json is invalid: \(root\) must NOT have additional properties$/,
    ],
    [{ PORT: "eighty" }, "emulator: PORT must be a whole number from 0 to 65535, not 'eighty'"],
  ])("refuses bad configuration %j with one line", async (env, message) => {
    running = launch({ PORT: "0", ...env });
    expect(await running.exited).toBe(1);
    const lines = running.stderr().trim().split("\n");
    expect(lines).toHaveLength(1);
    if (typeof message === "string") expect(lines[0]).toBe(message);
    else expect(lines[0]).toMatch(message);
  });
});
