// One error type for everything that goes wrong after a request is attempted, and one for bad
// input caught before. The parsing copes with every body shape the real service is known to send.

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
  /** For `forbidden`: the accepted scopes the token does not carry, i.e. what to grant. */
  readonly missingScopes: string[] | undefined;
  /** For `forbidden`: the scopes the service says the token had. */
  readonly tokenScopes: string[] | undefined;
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
    this.missingScopes =
      init.acceptedScopes === undefined ? undefined : init.acceptedScopes.filter((s) => !(init.tokenScopes ?? []).includes(s));
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

export function kindForStatus(status: number): IdentityErrorKind {
  if (status === 400 || status === 422) return "validation";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 429) return "rate_limited";
  if (status === 408) return "timeout";
  if (status >= 500) return "server";
  return "http";
}

export interface ParsedErrorBody {
  message?: string;
  fieldErrors?: Record<string, string[]>;
  errorCodes?: string[];
  traceId?: string;
}

const MAX_TEXT = 300;

/**
 * Reads every error shape the service is known to send: ProblemDetails (title/detail, with or
 * without an `errors` map), the bare `errors` map, `{errorMessage}`, an IdentityResult's
 * `errors[]`, OAuth's `{error, error_description}`, plain text, or nothing.
 */
export function parseErrorBody(body: unknown, redact: (text: string) => string = (t) => t): ParsedErrorBody {
  // Scrubbed before shortening: a secret cut in half by the shortening would no longer match.
  const truncate = (text: string): string => shorten(redact(text));
  if (body === undefined || body === null) return {};
  if (typeof body === "string") {
    const text = body.trim();
    if (text === "") return {};
    const parsed = tryJson(text);
    if (parsed !== undefined) return parseErrorBody(parsed, redact);
    return { message: looksLikeHtml(text) ? "(an HTML page)" : truncate(text.replace(/\s+/g, " ")) };
  }
  if (typeof body !== "object" || Array.isArray(body)) return { message: truncate(JSON.stringify(body)) };

  const o = body as Record<string, unknown>;
  const out: ParsedErrorBody = {};
  const parts: string[] = [];
  const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

  const title = str(o["title"]);
  const detail = str(o["detail"]);
  if (title) parts.push(title);
  if (detail && detail !== title) parts.push(detail);
  const errorMessage = str(o["errorMessage"]) ?? str(o["message"]);
  if (errorMessage) parts.push(errorMessage);
  const oauthError = str(o["error"]);
  if (oauthError) parts.push(str(o["error_description"]) ? `${oauthError}: ${str(o["error_description"])}` : oauthError);

  const errors = o["errors"];
  if (Array.isArray(errors)) {
    // IdentityResult: [{code, description}]
    const codes: string[] = [];
    for (const e of errors) {
      if (e && typeof e === "object") {
        const code = str((e as Record<string, unknown>)["code"]);
        const description = str((e as Record<string, unknown>)["description"]);
        if (code) codes.push(code);
        if (description ?? code) parts.push((description ?? code) as string);
      } else if (str(e)) {
        parts.push(str(e) as string);
      }
    }
    if (codes.length > 0) out.errorCodes = codes;
  } else if (errors && typeof errors === "object") {
    // ASP.NET validation map: {field: [messages]}
    const fieldErrors: Record<string, string[]> = {};
    for (const [field, messages] of Object.entries(errors as Record<string, unknown>)) {
      const list = (Array.isArray(messages) ? messages : [messages]).filter((m): m is string => typeof m === "string");
      fieldErrors[field] = list;
      parts.push(`${field}: ${list.join(" ")}`);
    }
    out.fieldErrors = fieldErrors;
  }

  const traceId = str(o["traceId"]);
  if (traceId) out.traceId = traceId;
  if (parts.length > 0) out.message = truncate(parts.join("; "));
  return out;
}

/**
 * Reads the service's scope complaint, "Scope(s) 'A' is(are) invalid. Expect to have 'B' or
 * 'C'.", into the token's scopes and the accepted ones.
 */
export function parseScopeMessage(text: string | undefined): { tokenScopes?: string[]; acceptedScopes?: string[] } {
  if (!text) return {};
  const out: { tokenScopes?: string[]; acceptedScopes?: string[] } = {};
  const quoted = (s: string): string[] =>
    [...s.matchAll(/'([^']*)'/g)].flatMap((m) => (m[1] ?? "").split(/[\s,]+/)).filter((x) => x !== "");
  const expect = /expect(?:ed)? to have (.*)$/is.exec(text);
  if (expect?.[1]) {
    const accepted = quoted(expect[1]);
    if (accepted.length > 0) out.acceptedScopes = accepted;
  }
  const had = /scope\(s\)\s*((?:'[^']*'[\s,]*)+)/i.exec(text);
  if (had?.[1]) out.tokenScopes = quoted(had[1]);
  return out;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** A request id from the usual response headers, or the trace id inside a W3C traceparent. */
export function requestIdsFromHeaders(headers: Headers): { requestId?: string; traceId?: string } {
  const out: { requestId?: string; traceId?: string } = {};
  const requestId =
    headers.get("x-request-id") ?? headers.get("request-id") ?? headers.get("x-correlation-id") ?? headers.get("x-ms-request-id");
  if (requestId) out.requestId = requestId;
  const traceparent = headers.get("traceparent");
  const traceId = traceparent ? /^[\da-f]{2}-([\da-f]{32})-/i.exec(traceparent)?.[1] : undefined;
  if (traceId) out.traceId = traceId;
  return out;
}

export interface ResponseErrorContext {
  method: string;
  path: string;
  attempts: number;
  /** Removes known secrets from text that came from the server (defence in depth). */
  redact: (text: string) => string;
  /** Overrides the kind the status implies (the token endpoint uses 400 for bad credentials). */
  kind?: IdentityErrorKind | undefined;
}

/** Builds the error for a non-2xx answer whose body has already been read. */
export function errorFromResponse(response: Response, body: unknown, ctx: ResponseErrorContext): IdentityApiError {
  const status = response.status;
  const parsed = parseErrorBody(body, ctx.redact);
  const serverMessage = parsed.message === undefined ? undefined : ctx.redact(parsed.message);
  const ids = requestIdsFromHeaders(response.headers);
  const scopes = status === 403 ? parseScopeMessage(serverMessage) : {};
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  const statusText = response.statusText ? ` ${response.statusText}` : "";
  // A success status with an identity result that says `succeeded: false` is still a refusal.
  let message = response.ok
    ? `${ctx.method} ${ctx.path} was refused (${status}${statusText} with succeeded: false)`
    : `${ctx.method} ${ctx.path} failed with ${status}${statusText}`;
  if (serverMessage) message += `: ${serverMessage}`;
  if (scopes.acceptedScopes) message += ` (grant one of: ${scopes.acceptedScopes.join(", ")})`;
  return new IdentityApiError({
    kind: ctx.kind ?? kindForStatus(status),
    message,
    method: ctx.method,
    path: ctx.path,
    status,
    serverMessage,
    fieldErrors: parsed.fieldErrors && redactFieldErrors(parsed.fieldErrors, ctx.redact),
    errorCodes: parsed.errorCodes?.map(ctx.redact),
    acceptedScopes: scopes.acceptedScopes,
    tokenScopes: scopes.tokenScopes,
    requestId: ids.requestId,
    traceId: parsed.traceId ?? ids.traceId,
    retryAfterMs,
    attempts: ctx.attempts,
  });
}

/** Field names and messages come from the server too, so they get the same scrubbing. */
function redactFieldErrors(errors: Record<string, string[]>, redact: (text: string) => string): Record<string, string[]> {
  return Object.fromEntries(Object.entries(errors).map(([field, messages]) => [redact(field), messages.map(redact)]));
}

function tryJson(text: string): unknown {
  if (!/^[[{"]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON after all: the caller falls back to treating it as plain text.
    return undefined;
  }
}

function looksLikeHtml(text: string): boolean {
  return /^<(!doctype|html|head|body)/i.test(text);
}

function shorten(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
