// The emulator command's options (uipath-identity-emulator, npm start), read in-process: flags and
// PORT/SEED become startEmulator options, and bad input is one line on stderr with exit code 1.
// test/emulator/cli.test.ts runs the command itself; test/package/package.test.ts, the installed one.
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { parseCommandLine, reportViolations, type Parsed } from "../../src/emulator/command.js";
import { loadBundledDocument } from "../../src/emulator/document.js";
import { allScopes, call, emulatorPerTest, ORG_ID, ROBY } from "./support.js";

function parse(argv: string[], env: Record<string, string | undefined> = {}): { parsed: Parsed; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const parsed = parseCommandLine(argv, env, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { parsed, stdout, stderr };
}

describe("uipath-identity-emulator's options", () => {
  it("defaults to port 8080 on 127.0.0.1 with the demo data and Automation Cloud's budgets", () => {
    expect(parse([]).parsed).toEqual({ kind: "start", line: { options: { host: "127.0.0.1", port: 8080, seed: "demo" } } });
  });

  it("takes every setting as a flag", () => {
    const { parsed } = parse([
      "--port",
      "0",
      "--host",
      "::1",
      "--seed",
      "/tmp/seed.json",
      "--rate-limit",
      "off",
      "--faults",
      "0.25",
      "--fault-kinds",
      "429,drop",
      "--fault-seed",
      "7",
      "--fault-delay",
      "50",
      "--validate-responses",
      "--docs",
      "/tmp/docs.html",
    ]);
    expect(parsed).toEqual({
      kind: "start",
      line: {
        options: {
          host: "::1",
          port: 0,
          seed: "/tmp/seed.json",
          rateLimit: false,
          faults: { rate: 0.25, kinds: ["429", "drop"], seed: 7, delayMs: 50 },
          validateResponses: true,
        },
        docs: "/tmp/docs.html",
      },
    });
    // Faults alone: every kind, seed 1, 200 ms delays.
    expect(parse(["--faults", "1"]).parsed).toMatchObject({ line: { options: { faults: { rate: 1, seed: 1, delayMs: 200 } } } });
  });

  it("reads PORT and SEED as npm start always has, and a flag wins over them", () => {
    expect(parse([], { PORT: "9000", SEED: "empty" }).parsed).toMatchObject({ line: { options: { port: 9000, seed: "empty" } } });
    expect(parse(["-p", "9001", "--seed", "demo"], { PORT: "9000", SEED: "empty" }).parsed).toMatchObject({
      line: { options: { port: 9001, seed: "demo" } },
    });
    expect(parse([], { PORT: "", SEED: "" }).parsed).toMatchObject({ line: { options: { port: 8080, seed: "demo" } } });
  });

  it.each([
    [
      ["--port", "eighty"],
      {},
      "emulator: option '-p, --port <port>' argument 'eighty' is invalid. It must be a whole number from 0 to 65535.\n",
    ],
    [
      ["--port", "65536"],
      {},
      "emulator: option '-p, --port <port>' argument '65536' is invalid. It must be a whole number from 0 to 65535.\n",
    ],
    [[], { PORT: "eighty" }, "emulator: PORT must be a whole number from 0 to 65535, not 'eighty'\n"],
    [
      ["--rate-limit", "maybe"],
      {},
      "emulator: option '--rate-limit <budgets>' argument 'maybe' is invalid. Allowed choices are cloud, off.\n",
    ],
    [["--faults", "2"], {}, "emulator: option '--faults <share>' argument '2' is invalid. It must be a number from 0 to 1.\n"],
    [
      ["--faults", "0.1", "--fault-kinds", "429,boom"],
      {},
      "emulator: option '--fault-kinds <kinds>' argument '429,boom' is invalid. There is no fault 'boom'; the faults are 429, 500, 503, drop, delay.\n",
    ],
    [["--verbose"], {}, "emulator: unknown option '--verbose'\n"],
  ])("refuses %j %j with one line and exit code 1", (argv, env, message) => {
    const { parsed, stdout, stderr } = parse(argv, env);
    expect(parsed).toEqual({ kind: "exit", code: 1 });
    expect(stderr).toBe(message);
    expect(stdout).toBe("");
  });

  it("prints its help and version on stdout, and exits 0", () => {
    const help = parse(["--help"]);
    expect(help.parsed).toEqual({ kind: "exit", code: 0 });
    expect(help.stdout).toMatch(/^Usage: uipath-identity-emulator \[options\]\n/);
    for (const flag of ["--port", "--host", "--seed", "--rate-limit", "--faults", "--fault-kinds", "--validate-responses", "--docs"]) {
      expect(help.stdout).toContain(flag);
    }
    const version = parse(["--version"]);
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(version).toMatchObject({ parsed: { kind: "exit", code: 0 }, stdout: `${pkg.version}\n`, stderr: "" });
  });
});

describe("--validate-responses", () => {
  const start = emulatorPerTest();

  it("reports each response that breaks the contract as a line on stderr, and counts them", async () => {
    // A copy of the document that demands a field the emulator never sends.
    const doc = loadBundledDocument() as { components: { schemas: Record<string, { required: string[] }> } };
    doc.components.schemas.RobotAccount!.required.push("robotKind");
    const emulator = await start({ document: doc, allowViolations: true });
    let stderr = "";
    const report = reportViolations(emulator, { write: (t: string) => (stderr += t) });
    await call(emulator.baseUrl(), "GET", `/api/RobotAccount/${ORG_ID}/${ROBY}`, { token: allScopes(emulator) });
    await call(emulator.baseUrl(), "GET", `/api/Group/${ORG_ID}`, { token: allScopes(emulator) });
    expect(report.stop()).toBe(1);
    expect(stderr).toBe(
      `emulator: the response to GET /hogwarts/identity_/api/RobotAccount/${ORG_ID}/${ROBY} (getRobotAccount, 200) breaks the contract: ` +
        "status 200 of getRobotAccount: body must have required property 'robotKind'\n",
    );
  });
});
