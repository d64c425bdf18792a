// The fetch pipeline every request goes through, raw openapi-fetch calls included: rate limit,
// bearer token (with one refresh on 401), per-attempt timeout, logging hooks, and retries.
// It is handed to openapi-fetch as its `fetch`, so the typed wrapper stays a thin layer. It sends
// the Request openapi-fetch built as it is, with this attempt's headers, body and signal passed
// beside it, rather than building another Request per attempt: on Node 20 a Request costs more
// than everything else a call does here.
import type { TokenSource } from "./auth.js";
import { IdentityApiError } from "./errors.js";
import type { RateLimiter } from "./rate-limit.js";
import { decideRetry, methodRetryMode, parseRetryAfter, type Outcome, type RetryMode, type RetryPolicy } from "./retry.js";
import { redactHeaders } from "./redact.js";
import { BufferedResponse } from "./buffered-response.js";
import { DeadlineError, Deadlines } from "./deadlines.js";
import { linkSignals, NEVER_ABORTS, sleep } from "./signals.js";
import { markResponse, markScopes, pathOf } from "./response-meta.js";
import { readScopeClaim, type ScopeNeed } from "./scopes.js";

export interface RequestLogEvent {
  method: string;
  url: string;
  /** Request headers, with Authorization (and cookies) replaced by "[REDACTED]". */
  headers: Record<string, string>;
  /** 1 for the first send, 2 for the first retry, ... */
  attempt: number;
}

export interface ResponseLogEvent extends Omit<RequestLogEvent, "headers"> {
  /** The HTTP status; absent when no answer arrived (see `error`). */
  status?: number;
  /** Response headers, redacted the same way. */
  headers: Record<string, string>;
  durationMs: number;
  error?: "network" | "timeout" | "aborted";
}

export interface RetryLogEvent {
  method: string;
  url: string;
  /** The attempt that failed. */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** The status that caused the retry, or "network" / "timeout". */
  reason: number | "network" | "timeout";
}

export interface LogHooks {
  onRequest?: (event: RequestLogEvent) => void;
  onResponse?: (event: ResponseLogEvent) => void;
  /** Called before each wait for a retry. */
  onRetry?: (event: RetryLogEvent) => void;
}

/** A fetch that takes one Request carrying everything to send (the `fetch` option). */
export type FetchFunction = (request: Request) => Promise<Response>;

/**
 * A fetch called the way the platform's is, `fetch(input, init)`: `input` is a URL string or a
 * Request, and `init`'s headers, body and signal replace a Request's own (the `fetchWithInit`
 * option; `globalThis.fetch` and undici's `fetch` are such functions). It saves building a
 * Request of our own for every attempt.
 */
export type FetchWithInit = (input: string | Request, init: RequestInit) => Promise<Response>;

/**
 * What openapi-fetch would build a Request from, kept as it is: its URL and init. The resource
 * methods give openapi-fetch this class as its `Request`, so the one Request a call needs is the
 * one fetch builds from URL and init; openapi-fetch only reads `method` back. A real Request is
 * used instead whenever openapi-fetch middleware could see it (see `plannedRequests`).
 */
export class PlannedRequest {
  constructor(
    readonly url: string,
    readonly init: RequestInit = {},
  ) {}

  get method(): string {
    return this.init.method ?? "GET";
  }
}

/**
 * A stand-in for the Request class for openapi-fetch's `Request` option: PlannedRequests while
 * `real()` is false, real Requests once it is true (middleware registered on the raw client must
 * see real ones).
 */
export function plannedRequests(real: () => boolean): typeof Request {
  function build(url: string, init?: RequestInit): Request | PlannedRequest {
    return real() ? new Request(url, init) : new PlannedRequest(url, init);
  }
  // openapi-fetch checks what middleware returns with `instanceof` this class: real Requests pass.
  build.prototype = Request.prototype;
  return build as unknown as typeof Request;
}

/**
 * Adapts a one-Request fetch: each attempt gets a Request with the headers, body and signal in
 * `init`. For a resource method it is the only Request the call builds (openapi-fetch built a
 * PlannedRequest). With a timeout it carries the attempt's signal, which undici links to it (a
 * listener, a WeakRef, a FinalizationRegistry entry): the timeout needs it to stop the user's
 * fetch, and openapi-fetch given a signal pays the same (see BENCHMARKS.md, benchmark 1).
 */
export function withOneRequest(fetch: FetchFunction): FetchWithInit {
  return (input, init) => fetch(new Request(input, init));
}

export interface TransportConfig {
  /** Sends one attempt: the request as given to `send`, with `init`'s headers, body and signal instead of its own. */
  fetch: FetchWithInit;
  /** Where tokens come from; read lazily because the token source itself sends through here. */
  tokens: () => TokenSource;
  limiter: RateLimiter | undefined;
  retry: RetryPolicy;
  /** Per attempt; 0 for none. */
  timeoutMs: number;
  clientSignal: AbortSignal | undefined;
  userAgent: string;
  hooks: LogHooks;
  random?: () => number;
  /**
   * The operation a request addresses (by method and URL), for raw calls whose scopes the token
   * source picks per operation, and for telling a 403's cause.
   */
  operationOf?: (method: string, url: string) => ScopeNeed;
}

export interface SendOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Overrides the retry mode the method implies (used for the group create). */
  mode?: RetryMode | undefined;
  /** False for the token request itself. */
  authenticate?: boolean;
  /**
   * False where Identity's budgets do not apply: the token request, and calls to another service
   * (the unified audit service publishes no limits of its own).
   */
  rateLimited?: boolean;
  /** What the call's operation accepts (the resource methods know it; raw calls are matched by URL). */
  scopes?: ScopeNeed | undefined;
  /**
   * True for downloads: the body is handed on as it arrives instead of being read first, so the
   * per-attempt timeout covers the wait for the headers only; the caller reads (or cancels) it.
   */
  stream?: boolean;
  /**
   * False when the request's own signal can never abort because the caller's signal, if any,
   * comes in `signal` instead (the resource methods): following it would cost a controller per
   * attempt for nothing.
   */
  followRequestSignal?: boolean;
}

export interface Transport {
  send(request: Request | PlannedRequest, options?: SendOptions): Promise<Response>;
}

/** A send that produced no HTTP answer; `sent` false when it certainly never left. */
class ExchangeFailure extends Error {
  constructor(
    readonly failure: "network" | "timeout",
    readonly sent: boolean,
    cause: unknown,
  ) {
    super(failure, { cause });
  }
}

const CONNECT_FAILURES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

/** One call to `send`: what every attempt of it shares. */
interface Call {
  /** As openapi-fetch (or the token source) built it; a Request's URL is read only when needed. */
  request: Request | PlannedRequest;
  /** What each attempt hands fetch: the URL of a PlannedRequest, else the Request itself. */
  input: string | Request;
  /** fetch's init for every attempt; each attempt sets its signal and the Authorization header. */
  init: RequestInit & { headers: Record<string, string> };
  method: string;
  mode: RetryMode;
  timeoutMs: number;
  /** Aborts when the caller gives up (the request's own signal, a per-call one, the client's); none when nobody can. */
  signal: AbortSignal | undefined;
  options: SendOptions;
  /** Whether this call has already renewed its token after a 401. */
  refreshed: boolean;
  /** What the call's operation accepts, when the token source picks scopes per operation. */
  scopes: ScopeNeed | undefined;
  /** The token the last attempt carried. */
  token: string | undefined;
}

export function createTransport(config: TransportConfig): Transport {
  const random = config.random ?? Math.random;
  const { hooks, limiter } = config;
  const deadlines = new Deadlines();

  /** Known secrets (client secret, tokens seen), scrubbed from headers the log hooks receive. */
  const secrets = (): string[] => config.tokens().secrets();

  async function send(request: Request | PlannedRequest, options: SendOptions = {}): Promise<Response> {
    const planned = request instanceof PlannedRequest;
    const method = request.method.toUpperCase();
    let init: Call["init"];
    let requestSignal: AbortSignal | undefined;
    if (planned) {
      // Everything openapi-fetch put in the init (redirect, anything passed through), with our headers.
      init = { ...request.init, headers: baseHeaders(request.init.headers, config.userAgent) };
      // A stream can be read once; everything else fetch accepts can be sent again as it is.
      if (init.body instanceof ReadableStream) init.body = await new Response(init.body).arrayBuffer();
      requestSignal = request.init.signal ?? undefined;
    } else {
      // Read the body once so every attempt can send it again.
      init = { headers: baseHeaders(request.headers, config.userAgent) };
      if (request.body !== null) init.body = await request.arrayBuffer();
      requestSignal = options.followRequestSignal === false ? undefined : request.signal;
    }
    // Disposed when send() settles, so a long-lived client signal does not collect listeners.
    const caller =
      options.signal === undefined && config.clientSignal === undefined && requestSignal === undefined
        ? undefined
        : linkSignals([requestSignal, options.signal, config.clientSignal]);
    const call: Call = {
      request,
      input: planned ? request.url : request,
      init,
      method,
      mode: options.mode ?? methodRetryMode(method),
      timeoutMs: options.timeoutMs ?? config.timeoutMs,
      signal: caller?.signal,
      options,
      refreshed: false,
      scopes:
        options.scopes ??
        (options.authenticate !== false && config.tokens().perOperation === true ? config.operationOf?.(method, request.url) : undefined),
      token: undefined,
    };
    try {
      for (let attempt = 1; ; attempt++) {
        let outcome: Outcome;
        let response: Response | undefined;
        let lastFailure: ExchangeFailure | undefined;
        try {
          response = await attemptOnce(call, attempt);
          // A success is never retried: done without weighing it.
          if (response.ok) return finished(call, response, attempt);
          outcome = { type: "response", status: response.status, retryAfterMs: parseRetryAfter(response.headers.get("retry-after")) };
        } catch (error) {
          if (call.signal?.aborted) throw failure(call, "aborted", attempt, call.signal.reason);
          if (!(error instanceof ExchangeFailure)) throw error;
          lastFailure = error;
          outcome = { type: "failure", failure: error.failure, sent: error.sent };
        }
        const decision = decideRetry(config.retry, attempt, call.mode, outcome, random);
        if (!decision.retry) {
          if (response) return finished(call, response, attempt);
          const f = lastFailure as ExchangeFailure;
          throw failure(call, f.failure, attempt, f.cause);
        }
        // An unread body (streamed, or not read because nothing bounded the attempt) would hold its
        // connection until collected.
        if (response !== undefined && !(response instanceof BufferedResponse)) void response.body?.cancel().catch(() => undefined);
        hooks.onRetry?.({
          method: call.method,
          url: call.request.url,
          attempt,
          delayMs: decision.delayMs,
          reason: outcome.type === "response" ? outcome.status : outcome.failure,
        });
        try {
          await sleep(decision.delayMs, call.signal);
        } catch {
          // sleep only rejects when the signal aborts.
          throw failure(call, "aborted", attempt, call.signal?.reason);
        }
      }
    } finally {
      caller?.dispose();
    }
  }

  async function attemptOnce(call: Call, attempt: number): Promise<Response> {
    call.signal?.throwIfAborted();
    if (call.options.authenticate === false) return exchange(call, attempt);
    const source = config.tokens();
    const token = source.fresh?.(call.scopes) ?? (await source.getToken(call.signal ?? NEVER_ABORTS, undefined, call.scopes));
    call.token = token;
    call.init.headers["authorization"] = `Bearer ${token}`;
    const response = await exchange(call, attempt);
    if (response.status !== 401 || !source.refreshable || call.refreshed) return response;
    // One refresh per call: the token may have expired or been revoked since it was cached; a
    // second 401 means the credentials themselves are refused, and repeating would only add sends.
    call.refreshed = true;
    const fresh = await source.getToken(call.signal ?? NEVER_ABORTS, token, call.scopes);
    if (fresh === token) return response;
    call.token = fresh;
    call.init.headers["authorization"] = `Bearer ${fresh}`;
    return exchange(call, attempt);
  }

  /**
   * One send of `call.init` as it is now, under the attempt's deadline. The whole body is read
   * while the deadline still runs, so a server that stalls mid-body times out too, and is handed
   * on without being copied into a second stream. With no signal (no timeout, no caller) there is
   * nothing to cover, and the body is left for the reader, as fetch hands it over.
   */
  const sendOnce = (signal: AbortSignal | undefined, call: Call): Promise<Response> =>
    // Not wrapped in an async function: a promise returned from one costs two more turns.
    signal === undefined ? config.fetch(call.input, call.init) : sendBounded(signal, call);

  async function sendBounded(signal: AbortSignal, call: Call): Promise<Response> {
    call.init.signal = signal;
    const response = await config.fetch(call.input, call.init);
    return response.body === null || call.options.stream ? response : new BufferedResponse(response, await response.arrayBuffer());
  }

  async function exchange(call: Call, attempt: number): Promise<Response> {
    const { method } = call;
    if (limiter && call.options.rateLimited !== false && !limiter.tryAcquire?.(method)) await limiter.acquire(method, call.signal);
    if (hooks.onRequest) {
      hooks.onRequest({ method, url: call.request.url, headers: redactHeaders(new Headers(call.init.headers), secrets()), attempt });
    }
    const started = hooks.onResponse ? Date.now() : 0;
    let response: Response;
    try {
      // No timeout and no caller to follow: nothing could stop this send, so it gets no signal (and
      // no deadline bookkeeping); what it throws is a network failure, as under a deadline.
      response = await (call.timeoutMs === 0 && call.signal === undefined
        ? sendOnce(undefined, call)
        : deadlines.run(call.signal, call.timeoutMs, sendOnce, call, call.options.stream !== true));
    } catch (error) {
      const outcome = error instanceof DeadlineError ? error.outcome : "failed";
      const cause = error instanceof DeadlineError ? error.cause : error;
      const kind = outcome === "aborted" ? "aborted" : outcome === "timeout" ? "timeout" : "network";
      hooks.onResponse?.({ method, url: call.request.url, attempt, headers: {}, durationMs: Date.now() - started, error: kind });
      if (kind === "aborted") throw cause;
      throw new ExchangeFailure(kind, kind === "timeout" || !CONNECT_FAILURES.has(networkCode(cause) ?? ""), cause);
    }
    if (hooks.onResponse) {
      hooks.onResponse({
        method,
        url: call.request.url,
        attempt,
        status: response.status,
        headers: redactHeaders(response.headers, secrets()),
        durationMs: Date.now() - started,
      });
    }
    return response;
  }

  function failure(call: Call, kind: "network" | "timeout" | "aborted", attempts: number, cause: unknown): IdentityApiError {
    const { method } = call;
    const path = pathOf(call.request.url);
    const what =
      kind === "aborted"
        ? "was aborted"
        : kind === "timeout"
          ? `timed out after ${call.timeoutMs} ms`
          : `failed without an answer (${networkCode(cause) ?? "network error"})`;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    return new IdentityApiError({ kind, message: `${method} ${path} ${what}${tries}`, method, path, attempts, cause });
  }

  function finished(call: Call, response: Response, attempts: number): Response {
    markResponse(response, call.method, call.request, attempts);
    // A 403 is rare: only then is it worth working out what the token carried and what the operation accepts.
    if (response.status === 403 && call.token !== undefined) {
      const token = call.token;
      markScopes(response, {
        sent: readScopeClaim(token) ?? config.tokens().scopesOf?.(token),
        accepted: (call.scopes ?? config.operationOf?.(call.method, call.request.url))?.alternatives,
      });
    }
    return response;
  }

  return { send };
}

/** The request's headers as a plain object (what fetch's `init` takes), with ours added. */
function baseHeaders(from: HeadersInit | undefined, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {};
  (from instanceof Headers ? from : new Headers(from)).forEach(copyHeader, headers);
  headers["user-agent"] = userAgent;
  headers["accept"] ??= "application/json";
  return headers;
}

function copyHeader(this: Record<string, string>, value: string, name: string): void {
  this[name] = value;
}

function networkCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}
