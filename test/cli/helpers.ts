// Runs the real `uipath-identity` binary (the compiled package entry, bin/uipath-identity.js) in a child
// process against an emulator, with its own config and state folders, and captures what it prints.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEMO_CLIENT, type EmulatorHandle } from "../../src/emulator/index.js";

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

/** A home of its own: XDG config and state folders that no other test sees, removed by cleanup(). */
export function sandbox() {
  const home = mkdtempSync(join(tmpdir(), "uipath-identity-cli-"));
  return {
    home,
    env: { HOME: home, XDG_CONFIG_HOME: join(home, "config"), XDG_STATE_HOME: join(home, "state") },
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
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
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

/** Any ANSI escape sequence (colour, cursor movement). */
export const ESCAPES = /\u001b\[/;
