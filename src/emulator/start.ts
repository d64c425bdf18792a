// `npm start`: runs the emulator with the walkthrough data and tells a newcomer how to call it.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { OPERATION_SCOPES } from "../../generated/scopes.js";
import { DEMO_CLIENT, startEmulator, type EmulatorHandle } from "./index.js";

const DEFAULT_PORT = 8080;
const HOST = "127.0.0.1";
// Written by `npm run docs`; until then /docs shows a pointer to /openapi.json.
const DOCS_PAGE = fileURLToPath(new URL("../../build/docs/index.html", import.meta.url));

function fail(message: string): never {
  process.stderr.write(`emulator: ${message}\n`);
  process.exit(1);
}

function portFromEnv(): number {
  const raw = process.env.PORT;
  if (raw === undefined || raw === "") return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a whole number from 0 to 65535, not '${raw}'`);
  return port;
}

function banner(emulator: EmulatorHandle): string {
  const org = emulator.organizations[0]!;
  const base = emulator.baseUrl();
  const scopes = DEMO_CLIENT.scopes.join(" ");
  // For curl: the broad scope of every operation (each one's first alternative in the contract).
  const broad = [...new Set(Object.values(OPERATION_SCOPES).flatMap((alternatives) => alternatives[0] ?? []))].join(" ");
  // A user to show off the calls that need no organization id (Ron, with the demo data).
  const user = emulator.state().users.find((u) => u.email);
  const readUser = user ? `\n  curl -s -H "Authorization: Bearer $TOKEN" '${base}/api/User/${user.id}'` : "";
  const findUser = user ? `\n  console.log(await pm.users.findByEmail("${user.email}"));` : "";
  return `UiPath Identity emulator (groups, robot accounts, users and directory) is running.

  Base URL        ${base}
  Token URL       ${base}/connect/token
  Organization    ${org.name}, partitionGlobalId ${org.partitionGlobalId} (also the tokens' prt_id claim)
  Client id       ${DEMO_CLIENT.clientId}
  Client secret   ${DEMO_CLIENT.clientSecret}
  Scopes          ${scopes}
  API docs        ${emulator.url}/docs
  OpenAPI         ${emulator.url}/openapi.json
  Token keys      ${base}/.well-known/openid-configuration

Try it with curl (get a token, list the groups${user ? ", read a user by id, which needs no partitionGlobalId" : ""}):

  TOKEN=$(curl -s '${base}/connect/token' -d grant_type=client_credentials -d client_id=${DEMO_CLIENT.clientId} -d client_secret=${DEMO_CLIENT.clientSecret} --data-urlencode 'scope=${broad}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
  curl -s -H "Authorization: Bearer $TOKEN" '${base}/api/Group/${org.partitionGlobalId}'${readUser}

Or from TypeScript (no partitionGlobalId: the client reads it from the token; no scopes: each call asks for one the contract names):

  import { createIdentityClient } from "uipath-identity-toolkit";

  const pm = createIdentityClient({
    baseUrl: "${base}",
    credentials: { clientId: "${DEMO_CLIENT.clientId}", clientSecret: "${DEMO_CLIENT.clientSecret}" },
  });${findUser}
  console.log(await pm.groups.list());

Or with the admin CLI (here in this repository; where the package is installed, npx uipath-identity):

  UIPATH_BASE_URL='${base}' UIPATH_CLIENT_ID=${DEMO_CLIENT.clientId} UIPATH_CLIENT_SECRET=${DEMO_CLIENT.clientSecret} npm exec --silent -- uipath-identity groups members list Gryffindors

Press Ctrl-C to stop.
`;
}

async function main(): Promise<void> {
  const port = portFromEnv();
  let emulator: EmulatorHandle;
  try {
    emulator = await startEmulator({
      host: HOST,
      port,
      seed: process.env.SEED || "demo",
      ...(existsSync(DOCS_PAGE) ? { docsHtmlPath: DOCS_PAGE } : {}),
    });
  } catch (e) {
    fail((e as Error).message);
  }
  process.stdout.write(banner(emulator));
  const stop = (signal: string) => {
    process.stdout.write(`\nStopping (${signal}).\n`);
    emulator.close().then(
      () => process.exit(0),
      (e: unknown) => fail(`could not stop cleanly: ${(e as Error).message}`),
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

await main();
