// The emulator as a command: `uipath-identity-emulator` (the package's second executable) and
// `npm start` both run this file. It reads the options (command.ts), starts the emulator,
// prints how to call it, and stops on Ctrl-C or SIGTERM.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OPERATION_SCOPES } from "../../generated/scopes.js";
import { parseCommandLine, reportViolations, type CommandLine } from "./command.js";
import { ALL_FAULTS } from "./faults.js";
import { DEFAULT_RATE_LIMIT, DEMO_CLIENT, startEmulator, type EmulatorHandle } from "./index.js";

/**
 * The rendered API reference for /docs: build/docs/ in this repository (`npm start` renders it
 * first), else the copy the package ships in dist/docs/; without either, /docs points to /openapi.json.
 */
const DOCS_PAGES = ["../../build/docs/index.html", "../docs/index.html"].map((p) => fileURLToPath(new URL(p, import.meta.url)));

function fail(message: string): never {
  process.stderr.write(`emulator: ${message}\n`);
  process.exit(1);
}

/** The banner's lines for what a run may change: rate limits, faults, response validation. */
function settings({ options }: CommandLine): string {
  const { windowMs, budgets } = DEFAULT_RATE_LIMIT;
  const perWindow = Object.entries(budgets).map(([method, n]) => `${method} ${n}`);
  const rateLimits = options.rateLimit === false ? "off" : `Automation Cloud's, per ${windowMs / 60_000} minutes: ${perWindow.join(", ")}`;
  const lines = [`  Rate limits     ${rateLimits}`];
  const faults = options.faults;
  if (faults) {
    const kinds = (faults.kinds ?? ALL_FAULTS).join(", ");
    lines.push(`  Faults          ${Math.round(faults.rate * 100)}% of API requests get one of ${kinds} (seed ${faults.seed})`);
  }
  if (options.validateResponses) lines.push("  Validation      responses that break the contract are reported here");
  return lines.join("\n");
}

function banner(emulator: EmulatorHandle, line: CommandLine, docs: string | undefined): string {
  const org = emulator.organizations[0]!;
  const base = emulator.baseUrl();
  const scopes = DEMO_CLIENT.scopes.join(" ");
  // The server serves the CLI reference where it was rendered beside the API page.
  const cliReference = docs && existsSync(join(dirname(docs), "cli.html")) ? `\n  CLI reference   ${emulator.url}/docs/cli.html` : "";
  // For curl: the broad scope of every operation (each one's first alternative in the contract).
  const broad = [...new Set(Object.values(OPERATION_SCOPES).flatMap((alternatives) => alternatives[0] ?? []))].join(" ");
  // A user to show off the calls that need no organization id (Ron, with the demo data).
  const user = emulator.state().users.find((u) => u.email);
  const readUser = user ? `\n  curl -s -H "Authorization: Bearer $TOKEN" '${base}/api/User/${user.id}'` : "";
  const findUser = user ? `\n  console.log(await pm.users.findByEmail("${user.email}"));` : "";
  const tokenRequest = [
    `curl -s '${base}/connect/token' -d grant_type=client_credentials`,
    `-d client_id=${DEMO_CLIENT.clientId} -d client_secret=${DEMO_CLIENT.clientSecret}`,
    `--data-urlencode 'scope=${broad}'`,
  ].join(" ");
  const cliSettings = `UIPATH_BASE_URL='${base}' UIPATH_CLIENT_ID=${DEMO_CLIENT.clientId} UIPATH_CLIENT_SECRET=${DEMO_CLIENT.clientSecret}`;
  return `UiPath Identity emulator (groups, robot accounts, users and directory) is running.

  Base URL        ${base}
  Token URL       ${base}/connect/token
  Audit base      ${emulator.auditBaseUrl()} (the unified audit service: /api/query/events)
  Organization    ${org.name}, partitionGlobalId ${org.partitionGlobalId} (also the tokens' prt_id claim)
  Client id       ${DEMO_CLIENT.clientId}
  Client secret   ${DEMO_CLIENT.clientSecret}
  Scopes          ${scopes}
  API docs        ${emulator.url}/docs${cliReference}
  OpenAPI         ${emulator.url}/openapi.json
  Token keys      ${base}/.well-known/openid-configuration
${settings(line)}

Try it with curl (get a token, list the groups${user ? ", read a user by id, which needs no partitionGlobalId" : ""}):

  TOKEN=$(${tokenRequest} | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
  curl -s -H "Authorization: Bearer $TOKEN" '${base}/api/Group/${org.partitionGlobalId}'${readUser}

Or from TypeScript (no partitionGlobalId: the client reads it from the token; no scopes: each call asks for one the contract names):

  import { createIdentityClient } from "uipath-identity-toolkit";

  const pm = createIdentityClient({
    baseUrl: "${base}",
    credentials: { clientId: "${DEMO_CLIENT.clientId}", clientSecret: "${DEMO_CLIENT.clientSecret}" },
  });${findUser}
  console.log(await pm.groups.list());

Or with the admin CLI (here in this repository; where the package is installed, npx uipath-identity):

  ${cliSettings} npm exec --silent -- uipath-identity groups members list Gryffindors

Press Ctrl-C to stop.
`;
}

async function main(): Promise<void> {
  const parsed = parseCommandLine(process.argv.slice(2), process.env, process);
  if (parsed.kind === "exit") {
    // Help, version or a usage error, already printed: let the output drain before the process ends.
    process.exitCode = parsed.code;
    return;
  }
  const { line } = parsed;
  const docs = line.docs ?? DOCS_PAGES.find((page) => existsSync(page));
  let emulator: EmulatorHandle;
  try {
    emulator = await startEmulator({ ...line.options, ...(docs !== undefined && { docsHtmlPath: docs }) });
  } catch (e) {
    fail((e as Error).message);
  }
  process.stdout.write(banner(emulator, line, docs));
  const violations = line.options.validateResponses ? reportViolations(emulator, process.stderr) : undefined;
  const stop = (signal: string) => {
    process.stdout.write(`\nStopping (${signal}).\n`);
    emulator.close().then(
      () => {
        const broken = violations?.stop() ?? 0;
        if (broken > 0) fail(`${broken} response(s) broke the contract`);
        process.exit(0);
      },
      (e: unknown) => fail(`could not stop cleanly: ${(e as Error).message}`),
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

await main();
