// The `uipath-identity` command line: global options, the command tree, and one place that turns
// whatever a command throws into a message and an exit code.
import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import { PACKAGE_VERSION } from "../client/version.js";
import { registerAudit } from "./commands/audit.js";
import { registerGroups } from "./commands/groups.js";
import { registerGitHub } from "./commands/github.js";
import { registerIdentityAsCode } from "./commands/identity-as-code.js";
import { registerRobotAccounts } from "./commands/robot-accounts.js";
import { registerUsers } from "./commands/users.js";
import type { Act } from "./commands/shared.js";
import { createContext, type GlobalOptions } from "./context.js";
import { describeFailure, EXIT } from "./failures.js";
import type { Io } from "./io.js";
import { OUTPUT_FORMATS } from "./output.js";

export const PROGRAM_NAME = "uipath-identity";

const CONNECTION_HELP = `
Connection (flags win over environment variables, which win over the profile):
  UIPATH_ORGANIZATION, UIPATH_REGION   Automation Cloud organization (and region host)
  UIPATH_BASE_URL                      or the API base (Automation Suite, standalone, an emulator)
  UIPATH_CLIENT_ID                     the External Application's id
  UIPATH_CLIENT_SECRET                 its secret (or --client-secret-file; never a flag value)
  UIPATH_SCOPES                        default: per request, a scope the contract says it accepts
  UIPATH_PARTITION_ID                  optional: the organization id is read from the token
  UIPATH_AUDIT_BASE_URL                optional: the audit service, when the base URL names no organization
  UIPATH_RATE_LIMIT                    cloud (default), off, or JSON {"windowMs":…,"budgets":{…}}
  UIPATH_RATE_LIMIT_REDIS              share one budget with other processes through this Redis URL
  UIPATH_PROFILE                       a profile of $XDG_CONFIG_HOME/uipath-identity/config.yaml (mode 0600)

Exit codes: 0 success, 1 failure, 2 changes present (plan --detailed-exitcode), 64 usage error, 130 interrupted.`;

/** Builds the command tree; `act` runs each command's body (see run). */
export function buildProgram(io: Io, act: Act): Command {
  const program = new Command(PROGRAM_NAME)
    .description("Manage a UiPath organization's groups, robot accounts and users, by name, and as code: export, plan, apply.")
    .version(PACKAGE_VERSION, "-V, --version")
    .addOption(new Option("-o, --output <format>", "output format").choices(OUTPUT_FORMATS).default("table"))
    .option("--profile <name>", "the config-file profile to use (default: default)")
    .option("--base-url <url>", "the API base, e.g. https://suite.example.com/acme/identity_")
    .option("--organization <name>", "the Automation Cloud organization's URL name")
    .option("--region <host>", "the Automation Cloud host of the organization's region")
    .option("--client-id <id>", "the External Application's client id")
    .option("--client-secret-file <path>", "read the client secret from this file (- for stdin)")
    .option("--scopes <scopes>", "scopes to ask for, space- or comma-separated (default: per request, from the contract)")
    .option("--partition-id <guid>", "the organization's id (default: read from the token)")
    .option("--debug", "show where settings came from, and stack traces on errors")
    .option("--no-color", "no colours (also NO_COLOR=1)")
    .addHelpText("after", CONNECTION_HELP)
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Help wraps to the given streams' terminal (else 80, Commander's default), not to process.stdout's.
      getOutHelpWidth: () => (io.stdout.isTTY && io.stdout.columns ? io.stdout.columns : 80),
      getErrHelpWidth: () => (io.stderr.isTTY && io.stderr.columns ? io.stderr.columns : 80),
    })
    .exitOverride();
  registerGroups(program, act);
  registerRobotAccounts(program, act);
  registerUsers(program, act);
  registerIdentityAsCode(program, act);
  registerGitHub(program, act);
  registerAudit(program, act);
  // Every subcommand inherits the output settings and the exit override.
  for (const command of allCommands(program)) {
    command.configureOutput(program.configureOutput()).exitOverride().showHelpAfterError("(run with --help for usage)");
  }
  return program;
}

export function allCommands(root: Command): Command[] {
  return (root.commands as Command[]).flatMap((c) => [c, ...allCommands(c)]);
}

/** Runs the program and returns the exit code; never throws. */
export async function run(argv: string[], io: Io): Promise<number> {
  let debug = argv.includes("--debug");
  let baseUrl: (() => string | undefined) | undefined;
  let scopesGiven: (() => boolean | undefined) | undefined;
  let exitCode: number = EXIT.ok;
  const act: Act = async (command, body) => {
    const globals = command.optsWithGlobals() as unknown as GlobalOptions;
    debug = globals.debug === true;
    const ctx = createContext(io, globals);
    baseUrl = () => ctx.baseUrl();
    scopesGiven = () => ctx.scopesGiven();
    await body(ctx);
    exitCode = ctx.exitCode ?? EXIT.ok;
  };
  const program = buildProgram(io, act);
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end the program on purpose; anything else is a usage error.
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0) return EXIT.ok;
      return EXIT.usage;
    }
    const { message, exitCode: code } = describeFailure(error, { baseUrl: baseUrl?.(), scopesGiven: scopesGiven?.() });
    io.stderr.write(`Error: ${message}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return code;
  }
}
