// Where the CLI's connection settings come from. Precedence: flags, then environment variables,
// then the chosen profile of the config file, then defaults. The client secret is never a flag
// value (it would show in `ps` and shell history): it comes from UIPATH_CLIENT_SECRET, from
// --client-secret-file (`-` for stdin), or from a profile in a config file only its owner can read.
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { IdentityClientOptions, RateLimitOptions } from "../client/index.js";
import { yaml } from "./lazy.js";
import { UsageError } from "./failures.js";
import { readAll, type Io } from "./io.js";

export interface ConnectionFlags {
  profile?: string | undefined;
  baseUrl?: string | undefined;
  organization?: string | undefined;
  region?: string | undefined;
  clientId?: string | undefined;
  clientSecretFile?: string | undefined;
  scopes?: string | undefined;
  partitionId?: string | undefined;
}

interface Profile {
  baseUrl?: string;
  organization?: string;
  region?: string;
  clientId?: string;
  clientSecret?: string;
  scopes?: string | string[];
  partitionId?: string;
  rateLimit?: string;
  auditBaseUrl?: string;
}

export interface Connection {
  /** The client options (secret included: never print this object). */
  options: IdentityClientOptions;
  /** Where each setting came from, for `--debug` and error messages; never the secret's value. */
  describe: string;
}

export function configDir(env: Io["env"]): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "uipath-identity");
}

export function stateDir(env: Io["env"]): string {
  return join(env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "uipath-identity");
}

export async function resolveConnection(flags: ConnectionFlags, io: Io): Promise<Connection> {
  const env = io.env;
  const profileName = flags.profile ?? env.UIPATH_PROFILE ?? "default";
  const profile = readProfile(configDir(env), profileName, flags.profile !== undefined || env.UIPATH_PROFILE !== undefined);
  const pick = (flag: string | undefined, envName: string, fromProfile: string | undefined): string | undefined =>
    nonEmpty(flag) ?? nonEmpty(env[envName]) ?? nonEmpty(fromProfile);

  const baseUrl = pick(flags.baseUrl, "UIPATH_BASE_URL", profile.baseUrl);
  const organization = pick(flags.organization, "UIPATH_ORGANIZATION", profile.organization);
  const region = pick(flags.region, "UIPATH_REGION", profile.region);
  const clientId = pick(flags.clientId, "UIPATH_CLIENT_ID", profile.clientId);
  const partitionGlobalId = pick(flags.partitionId, "UIPATH_PARTITION_ID", profile.partitionId);
  const scopeText = pick(flags.scopes, "UIPATH_SCOPES", Array.isArray(profile.scopes) ? profile.scopes.join(" ") : profile.scopes);
  // Unset: each request asks for a scope its operation accepts, from the contract (see docs/client.md).
  const scopes = scopeText ? scopeText.split(/[\s,]+/).filter(Boolean) : undefined;
  // Only needed where the API base names no organization (see the client's auditBaseUrl).
  const auditBaseUrl = pick(undefined, "UIPATH_AUDIT_BASE_URL", profile.auditBaseUrl);

  if (baseUrl === undefined && organization === undefined) {
    throw new UsageError(
      "No organization to talk to: set UIPATH_ORGANIZATION (Automation Cloud; UIPATH_REGION for other regions) or UIPATH_BASE_URL " +
        "(Automation Suite, standalone, the emulator), or the same in a profile of " +
        join(configDir(env), "config.yaml"),
    );
  }
  if (baseUrl !== undefined && organization !== undefined) {
    throw new UsageError("Both a base URL and an organization are set; keep one (the base URL already names the organization)");
  }
  if (clientId === undefined) throw new UsageError("No client id: set UIPATH_CLIENT_ID (or clientId in a profile)");

  let clientSecret: string | undefined;
  let secretFrom: string;
  if (flags.clientSecretFile !== undefined) {
    clientSecret = await readSecretFile(flags.clientSecretFile, io);
    secretFrom = flags.clientSecretFile === "-" ? "stdin" : "--client-secret-file";
  } else if (nonEmpty(env.UIPATH_CLIENT_SECRET) !== undefined) {
    clientSecret = env.UIPATH_CLIENT_SECRET;
    secretFrom = "UIPATH_CLIENT_SECRET";
  } else {
    clientSecret = nonEmpty(profile.clientSecret);
    secretFrom = `profile ${profileName}`;
  }
  if (clientSecret === undefined) {
    throw new UsageError("No client secret: set UIPATH_CLIENT_SECRET or pass --client-secret-file PATH (- reads it from stdin)");
  }

  let rateLimit = parseRateLimit(pick(undefined, "UIPATH_RATE_LIMIT", profile.rateLimit));
  const redis = nonEmpty(env.UIPATH_RATE_LIMIT_REDIS);
  if (redis !== undefined) {
    if (rateLimit === false)
      throw new UsageError(
        "UIPATH_RATE_LIMIT=off and UIPATH_RATE_LIMIT_REDIS are both set; a budget shared through Redis needs rate limits on",
      );
    // One budget for every process of this organization (a CI apply beside a nightly sync, say).
    const key = nonEmpty(env.UIPATH_RATE_LIMIT_KEY);
    rateLimit = { ...rateLimit, redis, ...(key !== undefined && { key }) };
  }
  const where = baseUrl ?? `organization ${organization}${region ? ` in ${region}` : ""}`;
  return {
    options: {
      ...(baseUrl !== undefined ? { baseUrl } : { organization, region }),
      ...(partitionGlobalId !== undefined && { partitionGlobalId }),
      ...(auditBaseUrl !== undefined && { auditBaseUrl }),
      credentials: { clientId, clientSecret, ...(scopes && { scopes }) },
      rateLimit,
    },
    describe:
      `${where}, client ${clientId}, secret from ${secretFrom}, ` +
      (scopes ? `scopes ${scopes.join(" ")}` : "scopes per request, from the contract") +
      (redis ? ", rate limit shared through Redis" : ""),
  };
}

/**
 * UIPATH_RATE_LIMIT: `cloud` (the default: Automation Cloud's budgets), `off` (Automation Suite and
 * standalone document none), or JSON options `{"windowMs":…, "budgets":{…}}` (tests, benchmarks).
 */
function parseRateLimit(value: string | undefined): RateLimitOptions | false {
  if (value === undefined || value === "cloud") return {};
  if (value === "off") return false;
  try {
    const parsed = JSON.parse(value) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
  } catch {
    // Reported below with the accepted forms.
  }
  throw new UsageError(
    `UIPATH_RATE_LIMIT must be cloud, off or a JSON object like {"windowMs":300000,"budgets":{"PUT":160}}, not ${JSON.stringify(value)}`,
  );
}

function readProfile(dir: string, name: string, explicit: boolean): Profile {
  const file = join(dir, "config.yaml");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      if (explicit) throw new UsageError(`Profile ${JSON.stringify(name)} was asked for, but ${file} does not exist`);
      return {};
    }
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = yaml().parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const profiles = (doc as { profiles?: Record<string, Profile> } | null)?.profiles ?? {};
  const profile = profiles[name];
  if (profile === undefined) {
    if (explicit)
      throw new UsageError(`${file} has no profile ${JSON.stringify(name)} (it has: ${Object.keys(profiles).join(", ") || "none"})`);
    return {};
  }
  if (profile.clientSecret !== undefined) {
    // Like ssh with a private key: a secret others can read is refused, not silently used.
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new UsageError(`${file} holds a client secret but others can read it (mode ${mode.toString(8)}): run chmod 600 ${file}`);
    }
  }
  return profile;
}

async function readSecretFile(path: string, io: Io): Promise<string> {
  let text: string;
  try {
    text = path === "-" ? await readAll(io.stdin) : readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `Cannot read the client secret from ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  // One line: a trailing newline from `echo` or an editor is not part of the secret.
  const secret = text.replace(/\r?\n$/, "");
  if (secret === "") throw new UsageError(`The client secret file ${path === "-" ? "(stdin)" : path} is empty`);
  return secret;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
