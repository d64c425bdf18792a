// Runs `uipath-identity` for the CLI tests, against an emulator, with its own config and state
// folders, and captures what it prints. Two ways, with the same options and the same result:
//
//   runCli(args, { env, input })   in this process: run(argv, io) of src/cli/program.ts with
//                                  captured stdout and stderr, stdin from `input`, and `env` as the
//                                  whole environment. Fast (no Node start, no build); use it
//                                  wherever the process itself is not what the test is about.
//   cli(args, { env, input })      the real binary (bin/uipath-identity.js, the compiled package
//   startCli(args, …)              entry) in a child process; startCli returns the child to signal.
//                                  Use it where the process matters: signals, the real exit code, a
//                                  terminal (through script(1)), the compiled build.
//
// Both give { code, signal, stdout, stderr } and see no variable of the test's own environment, only
// `env` (cli adds PATH). Streams are not terminals in either, so no colours, bars or prompts. In-process
// runs share the test's working directory, so pass absolute paths. To move a test in-process,
// call runCli where it called cli, unless the test is about the process. A typical file:
//
//   const box = sandbox();                      // HOME and XDG folders of its own
//   const start = emulatorPerTest();            // test/helpers/emulator.ts
//   afterAll(() => box.cleanup());
//   it("…", async () => {
//     const env = { ...box.env, ...emulatorEnv(await start()) };
//     const { code, stdout, stderr } = await runCli(["groups", "list", "-o", "json"], { env });
//   });
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { DEMO_CLIENT, type EmulatorHandle } from "../../src/emulator/index.js";
import { emulatorPerTest, type TestEmulatorOptions } from "../helpers/emulator.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin/uipath-identity.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * A home of its own: XDG config and state folders that no other test sees, removed by cleanup();
 * file(text, ext) writes a file there (a fresh name each time) and returns its path.
 */
export function sandbox() {
  const home = mkdtempSync(join(tmpdir(), "uipath-identity-cli-"));
  let files = 0;
  return {
    home,
    env: { HOME: home, XDG_CONFIG_HOME: join(home, "config"), XDG_STATE_HOME: join(home, "state") },
    file: (text: string, ext = "yaml") => {
      const path = join(home, `file-${++files}.${ext}`);
      writeFileSync(path, text);
      return path;
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** The connection settings for the demo client of an emulator (rate limits off unless given). */
export function emulatorEnv(emulator: EmulatorHandle, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    UIPATH_BASE_URL: emulator.baseUrl(),
    UIPATH_CLIENT_ID: DEMO_CLIENT.clientId,
    UIPATH_CLIENT_SECRET: DEMO_CLIENT.clientSecret,
    UIPATH_RATE_LIMIT: "off",
    ...extra,
  };
}

/**
 * An emulator per test (test/helpers/emulator.ts) and the CLI's environment for it: the sandbox's
 * folders and the demo client's connection. Call it at the top of a file, as emulatorPerTest.
 */
export function cliEmulatorPerTest(box: { env: Record<string, string> }) {
  const emulator = emulatorPerTest();
  return async (options: TestEmulatorOptions = {}): Promise<{ e: EmulatorHandle; env: Record<string, string | undefined> }> => {
    const e = await emulator(options);
    return { e, env: { ...box.env, ...emulatorEnv(e) } };
  };
}

/** A group's members in the emulator, sorted: users by e-mail, robot accounts by name, directory groups as `group:NAME`. */
export function membersOf(e: EmulatorHandle, name: string): string[] {
  const state = e.state();
  const group = state.groups.find((g) => g.name === name);
  if (!group) return [];
  const users = state.users.filter((u) => (u.groupIDs ?? []).includes(group.id)).map((u) => u.email ?? "");
  const robots = state.robotAccounts.filter((r) => (r.groupIds ?? []).includes(group.id)).map((r) => r.name ?? "");
  const directoryGroups = (group.members ?? []).filter((m) => m.objectType === "DirectoryGroup").map((m) => `group:${m.name}`);
  return [...users, ...robots, ...directoryGroups].sort();
}

/** Starts the binary; the caller may signal it. Only a clean environment reaches it (no CI, no colours). */
export function startCli(
  args: string[],
  options: CliOptions = {},
): { child: ChildProcess; done: Promise<CliResult>; output: () => CliResult } {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", NODE_OPTIONS: "" };
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  child.stdin.end(options.input ?? "");
  // A hung binary is killed well within Jest's watchdog, so the test fails with what it printed.
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
  const done = new Promise<CliResult>((resolveDone) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolveDone({ code, signal, stdout, stderr });
    });
  });
  return { child, done, output: () => ({ code: null, signal: null, stdout, stderr }) };
}

export function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** What an in-process run takes: the environment and stdin, as for cli(). */
export type InProcessOptions = Pick<CliOptions, "env" | "input">;

/** Runs the program in this process (see the top of this file); never throws, as the binary never does. */
export async function runCli(args: string[], options: InProcessOptions = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  // Loaded on first use, so files that only run the binary do not compile the whole CLI.
  const { run } = await import("../../src/cli/program.js");
  const code = await run(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    stdin: Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]),
    env,
  });
  return { code, signal: null, stdout, stderr };
}

/** Any ANSI escape sequence (colour, cursor movement). */
export const ESCAPES = /\u001b\[/;
