// The error classes: one for everything that goes wrong after a request is attempted, one for bad
// input caught before, one for a lookup by name that found none or several. Reading failed
// answers into them is error-parsing.ts's job.

/** What went wrong, for `switch`/`if` in user code; `status` holds the exact HTTP code. */
export type IdentityErrorKind =
  | "validation" // 400, 422: the request was malformed or broke an identity rule
  | "unauthorized" // 401, or the token endpoint refused the credentials
  | "forbidden" // 403: the token lacks every scope the operation accepts
  | "not_found" // 404
  | "conflict" // 409
  | "rate_limited" // 429
  | "server" // 5xx, or a success answer the client could not use
  | "network" // no HTTP answer: refused, reset, DNS failure
  | "timeout" // no complete answer within timeoutMs
  | "aborted" // the caller's AbortSignal fired
  | "http"; // any other non-2xx status

export interface IdentityApiErrorInit {
  kind: IdentityErrorKind;
  message: string;
  method: string;
  path: string;
  status?: number | undefined;
  serverMessage?: string | undefined;
  fieldErrors?: Record<string, string[]> | undefined;
  errorCodes?: string[] | undefined;
  acceptedScopes?: string[] | undefined;
  tokenScopes?: string[] | undefined;
  tokenHadScope?: boolean | undefined;
  requestId?: string | undefined;
  traceId?: string | undefined;
  retryAfterMs?: number | undefined;
  attempts: number;
  cause?: unknown;
}

export class IdentityApiError extends Error {
  override readonly name = "IdentityApiError";
  readonly kind: IdentityErrorKind;
  /** The HTTP status, when an answer arrived. */
  readonly status: number | undefined;
  readonly method: string;
  /** The URL path only: no host, no query string. */
  readonly path: string;
  /** The service's own words, parsed from whichever body shape it sent. */
  readonly serverMessage: string | undefined;
  /** Field name to messages, from a validation answer. */
  readonly fieldErrors: Record<string, string[]> | undefined;
  /** Codes from an IdentityResult body, such as `DuplicateUserName`. */
  readonly errorCodes: string[] | undefined;
  /** For `forbidden`: the scopes the operation accepts (any one of them is enough). */
  readonly acceptedScopes: string[] | undefined;
  /** For `forbidden`: the accepted scopes the token does not carry, i.e. what to grant (none when it had one). */
  readonly missingScopes: string[] | undefined;
  /** For `forbidden`: the scopes the token had, as the service says, else as the token names them. */
  readonly tokenScopes: string[] | undefined;
  /**
   * For a 403: whether the token carried scopes the operation accepts. `false`: it lacked them
   * (grant one of `missingScopes`); `true`: the service refused a scope the token had, so granting
   * more will not help (a user token, say, whose user is not an organization administrator);
   * undefined when neither the service nor the token said.
   */
  readonly tokenHadScope: boolean | undefined;
  readonly requestId: string | undefined;
  readonly traceId: string | undefined;
  /** For `rate_limited` (and 503): how long the service asked to wait, from Retry-After. */
  readonly retryAfterMs: number | undefined;
  /** How many times the request was sent (1 when it was not retried). */
  readonly attempts: number;

  constructor(init: IdentityApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.serverMessage = init.serverMessage;
    this.fieldErrors = init.fieldErrors;
    this.errorCodes = init.errorCodes;
    this.acceptedScopes = init.acceptedScopes;
    this.tokenScopes = init.tokenScopes;
    this.tokenHadScope = init.tokenHadScope;
    this.missingScopes =
      init.acceptedScopes === undefined
        ? undefined
        : init.tokenHadScope === true
          ? []
          : init.acceptedScopes.filter((s) => !(init.tokenScopes ?? []).includes(s));
    this.requestId = init.requestId;
    this.traceId = init.traceId;
    this.retryAfterMs = init.retryAfterMs;
    this.attempts = init.attempts;
  }

  /** A plain summary for logs: only the fields above, never headers, bodies or causes. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: this.name,
      kind: this.kind,
      message: this.message,
      status: this.status,
      method: this.method,
      path: this.path,
      serverMessage: this.serverMessage,
      fieldErrors: this.fieldErrors,
      errorCodes: this.errorCodes,
      acceptedScopes: this.acceptedScopes,
      missingScopes: this.missingScopes,
      tokenScopes: this.tokenScopes,
      tokenHadScope: this.tokenHadScope,
      requestId: this.requestId,
      traceId: this.traceId,
      retryAfterMs: this.retryAfterMs,
      attempts: this.attempts,
    };
    for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
    return out;
  }
}

/** One entry a lookup by name found, for messages and for the caller to choose from. */
export interface LookupCandidate {
  id: string;
  /** The user name, group name or robot-account name. */
  name: string;
  email?: string | null | undefined;
  displayName?: string | null | undefined;
}

/**
 * A lookup by name or e-mail address that needed exactly one match and found none, or several.
 * Nothing was changed. `candidates` lists the matches (ambiguous) or the nearest entries the
 * search returned (not found), so the caller can say what was meant.
 */
export class IdentityLookupError extends Error {
  override readonly name = "IdentityLookupError";
  readonly kind: "not_found" | "ambiguous";
  /** What was looked for: "user", "group" or "robot account". */
  readonly entity: string;
  /** The name or address as given. */
  readonly query: string;
  readonly candidates: LookupCandidate[];

  constructor(kind: "not_found" | "ambiguous", entity: string, query: string, candidates: LookupCandidate[], what = "name") {
    const list = candidates.map(describeCandidate).join(", ");
    super(
      kind === "ambiguous"
        ? `${candidates.length} ${entity}s match the ${what} ${JSON.stringify(query)}: ${list}; use the id`
        : `No ${entity} has the ${what} ${JSON.stringify(query)}${list ? ` (nearest: ${list})` : ""}`,
    );
    this.kind = kind;
    this.entity = entity;
    this.query = query;
    this.candidates = candidates;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, kind: this.kind, entity: this.entity, query: this.query, candidates: this.candidates, message: this.message };
  }
}

function describeCandidate(c: LookupCandidate): string {
  const email = c.email && c.email.toLowerCase() !== c.name.toLowerCase() ? ` <${c.email}>` : "";
  return `${c.name}${email} (${c.id})`;
}

/** Bad input caught before any request was sent. */
export class IdentityInputError extends Error {
  override readonly name = "IdentityInputError";
  readonly kind = "input" as const;
  /** The option or argument at fault. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, kind: this.kind, field: this.field, message: this.message };
  }
}
