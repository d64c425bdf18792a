// The emulator command's parts (`uipath-identity-emulator`, `npm start`; start.ts runs them): its
// options, from flags and from PORT and SEED as `npm start` has always read them, and the report of
// responses that break the contract (--validate-responses).
import { Command, CommanderError, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { readFileSync } from "node:fs";
import { ALL_FAULTS } from "./faults.js";
import type { EmulatorHandle, EmulatorOptions, FaultKind, ResponseViolation } from "./options.js";

export const COMMAND_NAME = "uipath-identity-emulator";
export const DEFAULT_PORT = 8080;

export interface CommandLine {
  options: EmulatorOptions & { host: string; port: number };
  /** An HTML file to serve at /docs, when given with --docs. */
  docs?: string;
}

/** What parsing ended in: options to start with, or a message already printed (help, version, an error). */
export type Parsed = { kind: "start"; line: CommandLine } | { kind: "exit"; code: number };

export interface Streams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const isWhole = (raw: string, min: number, max: number) => /^\d+$/.test(raw.trim()) && Number(raw) >= min && Number(raw) <= max;

function whole(min: number, max: number) {
  return (raw: string): number => {
    if (!isWhole(raw, min, max)) throw new InvalidArgumentError(`It must be a whole number from ${min} to ${max}.`);
    return Number(raw);
  };
}

function share(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === "" || !(value >= 0 && value <= 1)) throw new InvalidArgumentError("It must be a number from 0 to 1.");
  return value;
}

function faultKinds(raw: string): FaultKind[] {
  const kinds = raw.split(",").map((k) => k.trim());
  const unknown = kinds.find((k) => !(ALL_FAULTS as string[]).includes(k));
  if (unknown !== undefined) throw new InvalidArgumentError(`There is no fault '${unknown}'; the faults are ${ALL_FAULTS.join(", ")}.`);
  return kinds as FaultKind[];
}

function version(): string {
  // package.json sits two folders up from both src/emulator/ and dist/emulator/.
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

function program(streams: Streams) {
  return new Command(COMMAND_NAME)
    .description(
      "A local emulator of UiPath's Identity API (groups, robot accounts, users, directory) with demo data, " +
        "for tests in any language. Ctrl-C stops it.",
    )
    .version(version(), "-V, --version")
    .addOption(
      new Option("-p, --port <port>", "port to listen on; 0 picks a free one (default: $PORT, else 8080)").argParser(whole(0, 65535)),
    )
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--seed <seed>", 'the data: "demo", "empty" (built-in groups only) or a JSON seed file (default: $SEED, else demo)')
    .addOption(
      new Option("--rate-limit <budgets>", "cloud: Automation Cloud's budgets, 429 past them; off: none")
        .choices(["cloud", "off"])
        .default("cloud"),
    )
    .addOption(new Option("--faults <share>", "inject faults into this share of API requests, from 0 to 1").argParser(share))
    .addOption(
      new Option("--fault-kinds <kinds>", `which faults, comma-separated (default: all: ${ALL_FAULTS.join(",")})`).argParser(faultKinds),
    )
    .addOption(
      new Option("--fault-seed <n>", "seed of the fault sequence: the same seed repeats a run exactly")
        .argParser(whole(0, 2 ** 32 - 1))
        .default(1),
    )
    .addOption(new Option("--fault-delay <ms>", "how long a delay fault holds a request").argParser(whole(0, 600_000)).default(200))
    .option(
      "--validate-responses",
      "check every response against the contract: each one that breaks it is a line on stderr, and the exit code 1",
    )
    .option("--docs <file>", "an HTML page to serve at /docs (default: the rendered API reference)")
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
      outputError: (text, write) => write(`emulator: ${text.replace(/^error: /, "")}`),
    })
    .exitOverride();
}

/** Reads the command line; PORT and SEED fill in for flags not given. */
export function parseCommandLine(argv: string[], env: Record<string, string | undefined>, streams: Streams): Parsed {
  const command = program(streams);
  try {
    command.parse(argv, { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return { kind: "exit", code: e.exitCode === 0 ? 0 : 1 };
  }
  const flags = command.opts();
  let port = flags.port;
  if (port === undefined && env.PORT !== undefined && env.PORT !== "") {
    if (!isWhole(env.PORT, 0, 65535)) {
      streams.stderr.write(`emulator: PORT must be a whole number from 0 to 65535, not '${env.PORT}'\n`);
      return { kind: "exit", code: 1 };
    }
    port = Number(env.PORT);
  }
  const options: CommandLine["options"] = {
    host: flags.host,
    port: port ?? DEFAULT_PORT,
    seed: flags.seed ?? (env.SEED || "demo"),
    ...(flags.rateLimit === "off" && { rateLimit: false as const }),
    ...(flags.faults !== undefined && {
      faults: {
        rate: flags.faults,
        seed: flags.faultSeed,
        delayMs: flags.faultDelay,
        ...(flags.faultKinds && { kinds: flags.faultKinds }),
      },
    }),
    ...(flags.validateResponses && { validateResponses: true }),
  };
  return { kind: "start", line: { options, ...(flags.docs !== undefined && { docs: flags.docs }) } };
}

function describeViolation(v: ResponseViolation): string {
  return `emulator: the response to ${v.method} ${v.path} (${v.operationId}, ${v.status}) breaks the contract: ${v.problems.join("; ")}\n`;
}

/**
 * Reports each violation the emulator records, one line on `stderr` as it comes in (the handle only
 * collects them, so this looks a few times a second). stop() reports the rest and says how many.
 */
export function reportViolations(emulator: EmulatorHandle, stderr: Streams["stderr"], everyMs = 250): { stop(): number } {
  let reported = 0;
  const report = () => {
    for (; reported < emulator.violations.length; reported++) stderr.write(describeViolation(emulator.violations[reported]!));
  };
  const timer = setInterval(report, everyMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      report();
      return reported;
    },
  };
}
