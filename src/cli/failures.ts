// Exit codes, and turning every expected failure into one line a person can act on. Stack traces
// are for --debug only.
import { IdentityApiError, IdentityInputError, IdentityLookupError } from "../client/errors.js";

export const EXIT = {
  ok: 0,
  failure: 1,
  /** `plan --detailed-exitcode`: the plan has changes. */
  changes: 2,
  /** sysexits' EX_USAGE: the command line or the settings are wrong. */
  usage: 64,
  /** 128 + SIGINT, what shells report after Ctrl-C. */
  interrupted: 130,
} as const;

/** The command line or the connection settings are wrong; nothing was sent. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** An expected failure with a message that already says what to do; exit code 1 unless given. */
export class CliFailure extends Error {
  override readonly name = "CliFailure";
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

export interface Described {
  message: string;
  exitCode: number;
}

/** One line (or a few) for anything a command threw. */
export interface FailureContext {
  baseUrl?: string | undefined;
  /** True when the settings named the scopes; false when each request asked for what the contract names. */
  scopesGiven?: boolean | undefined;
}

export function describeFailure(error: unknown, context: FailureContext): Described {
  if (error instanceof UsageError) return { message: error.message, exitCode: EXIT.usage };
  if (error instanceof CliFailure) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof IdentityInputError) return { message: error.message, exitCode: EXIT.usage };
  if (error instanceof IdentityLookupError) return { message: error.message, exitCode: EXIT.failure };
  if (error instanceof IdentityApiError) return { message: apiMessage(error, context), exitCode: EXIT.failure };
  return {
    message: `Unexpected error: ${error instanceof Error ? error.message : String(error)} (run with --debug for details)`,
    exitCode: EXIT.failure,
  };
}

function apiMessage(error: IdentityApiError, context: FailureContext): string {
  const where = context.baseUrl ? ` at ${context.baseUrl}` : "";
  const server = error.serverMessage ? ` The service said: ${error.serverMessage}` : "";
  switch (error.kind) {
    case "unauthorized":
      return (
        `The credentials were refused${where} (${error.status ?? 401}). ` +
        `Check UIPATH_CLIENT_ID, the client secret and the base URL or organization.${server}`
      );
    case "forbidden": {
      const grant = error.missingScopes?.length ? error.missingScopes : error.acceptedScopes;
      if (error.path.endsWith("/connect/token")) {
        // Scopes from the contract: the client's message names the call, the scopes and where to grant them.
        if (error.acceptedScopes?.length) return error.message;
        const said = error.serverMessage ? ` (${error.serverMessage})` : "";
        return (
          `The token endpoint refused the requested scopes${said}. ` +
          "Grant them to the External Application, or narrow UIPATH_SCOPES to what it has."
        );
      }
      const denied = `Permission denied for ${error.method} ${error.path} (403)`;
      if (error.tokenHadScope === true) {
        return (
          `${denied}: the token carries ${error.tokenScopes?.join(" ")}, which the operation accepts, yet the service refused it, ` +
          `so granting scopes will not help.${server}`
        );
      }
      if (!grant?.length) return `${denied}.${server} A user token must belong to an organization administrator.`;
      const add = context.scopesGiven === false ? "" : " and add it to UIPATH_SCOPES";
      return `${denied}: grant the External Application one of ${grant.join(", ")}${add}.`;
    }
    case "rate_limited": {
      const wait = error.retryAfterMs;
      const when =
        wait !== undefined
          ? ` Try again in ${Math.ceil(wait / 1000)} s (after ${new Date(Date.now() + wait).toLocaleTimeString()}).`
          : " Try again in a few minutes.";
      return (
        `The organization's rate limit for ${error.method} requests is used up ` +
        `(429 after ${error.attempts} attempts); other jobs may share it.${when}`
      );
    }
    case "network":
      return `Could not reach${where || " the service"}: ${error.message}. Check the base URL, proxy and network.`;
    case "timeout":
      return `No answer in time: ${error.message}. The service may be slow; try again.`;
    case "aborted":
      return "Interrupted.";
    case "validation": {
      const codes = error.errorCodes?.length ? ` [${error.errorCodes.join(", ")}]` : "";
      return `The service refused ${error.method} ${error.path}${codes}: ${error.serverMessage ?? "bad request"}`;
    }
    case "not_found":
      return `Not found: ${error.method} ${error.path} (404). It may have been deleted meanwhile.`;
    case "conflict":
      return `Conflict: ${error.serverMessage ?? `${error.method} ${error.path} clashes with the current state`} (409).`;
    default:
      return `${error.message}${error.traceId ? ` (trace id ${error.traceId})` : ""}`;
  }
}
