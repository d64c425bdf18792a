// Reading a failed answer: every error body shape the real service is known to send, the scope
// complaint of a 403, request ids from the headers, and the IdentityApiError built from all that.
// The error classes themselves live in errors.ts.
import { IdentityApiError, type IdentityErrorKind } from "./errors.js";
import type { ScopesOfRefusal } from "./response-meta.js";
import { parseRetryAfter } from "./retry.js";
import { covers } from "./scopes.js";

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
  /** For a 403: what the token carried and what the operation accepts, as far as the client knows. */
  scopes?: ScopesOfRefusal | undefined;
}

/** Builds the error for a non-2xx answer whose body has already been read. */
export function errorFromResponse(response: Response, body: unknown, ctx: ResponseErrorContext): IdentityApiError {
  const status = response.status;
  const parsed = parseErrorBody(body, ctx.redact);
  const serverMessage = parsed.message === undefined ? undefined : ctx.redact(parsed.message);
  const ids = requestIdsFromHeaders(response.headers);
  const scopes = status === 403 ? scopeVerdict(parseScopeMessage(serverMessage), ctx.scopes) : {};
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  const statusText = response.statusText ? ` ${response.statusText}` : "";
  // A success status with an identity result that says `succeeded: false` is still a refusal.
  let message = response.ok
    ? `${ctx.method} ${ctx.path} was refused (${status}${statusText} with succeeded: false)`
    : `${ctx.method} ${ctx.path} failed with ${status}${statusText}`;
  if (serverMessage) message += `: ${serverMessage}`;
  if (scopes.tokenHadScope === true) {
    message +=
      ` (the token carries ${scopes.tokenScopes?.join(" ")}, which the operation accepts: the service refused it for ` +
      "another reason, so granting scopes will not help; a user token must belong to an organization administrator)";
  } else if (scopes.acceptedScopes) {
    const carried = scopes.tokenScopes === undefined ? "" : `; the token carries ${scopes.tokenScopes.join(" ") || "no scope"}`;
    message += ` (grant one of: ${scopes.acceptedScopes.join(", ")}${carried})`;
  }
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
    tokenHadScope: scopes.tokenHadScope,
    requestId: ids.requestId,
    traceId: parsed.traceId ?? ids.traceId,
    retryAfterMs,
    attempts: ctx.attempts,
  });
}

/**
 * What a 403 says about scopes: the service's own words first (its complaint names the token's
 * scopes and the accepted ones), else what the client knows (the token's claim, the contract), and
 * whether the token carried an accepted scope set.
 */
function scopeVerdict(
  said: { tokenScopes?: string[]; acceptedScopes?: string[] },
  known: ScopesOfRefusal | undefined,
): { tokenScopes?: string[]; acceptedScopes?: string[]; tokenHadScope?: boolean } {
  const tokenScopes = said.tokenScopes ?? known?.sent;
  const acceptedScopes = said.acceptedScopes ?? (known?.accepted && [...new Set(known.accepted.flat())]);
  const alternatives = known?.accepted ?? said.acceptedScopes?.map((s) => [s]);
  const out: { tokenScopes?: string[]; acceptedScopes?: string[]; tokenHadScope?: boolean } = {};
  if (tokenScopes !== undefined) out.tokenScopes = tokenScopes;
  if (acceptedScopes !== undefined && acceptedScopes.length > 0) out.acceptedScopes = acceptedScopes;
  if (tokenScopes !== undefined && alternatives !== undefined && alternatives.length > 0)
    out.tokenHadScope = covers(tokenScopes, alternatives);
  return out;
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
