// The fetch pipeline every request goes through, raw openapi-fetch calls included: rate limit,
// bearer token (with one refresh on 401), per-attempt timeout, logging hooks, and retries.
// It is handed to openapi-fetch as its `fetch`, so the typed wrapper stays a thin layer.
import type { TokenSource } from "./auth.js";
import { IdentityApiError, parseRetryAfter } from "./errors.js";
import type { RateLimiter } from "./rate-limit.js";
import { decideRetry, methodRetryMode, type Outcome, type RetryMode, type RetryPolicy } from "./retry.js";
import { redactHeaders } from "./redact.js";
import { linkSignals, raceSignal, sleep } from "./signals.js";

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

export type FetchFunction = (request: Request) => Promise<Response>;

export interface TransportConfig {
  fetch: FetchFunction;
  /** Where tokens come from; read lazily because the token source itself sends through here. */
  tokens: () => TokenSource;
  limiter: RateLimiter | undefined;
  retry: RetryPolicy;
  timeoutMs: number;
  clientSignal: AbortSignal | undefined;
  userAgent: string;
  hooks: LogHooks;
  random?: () => number;
}

export interface SendOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Overrides the retry mode the method implies (used for the group create). */
  mode?: RetryMode | undefined;
  /** False for the token request itself. */
  authenticate?: boolean;
  /** False for the token request: the budgets are for the API, not the token endpoint. */
  rateLimited?: boolean;
}

export interface Transport {
  send(request: Request, options?: SendOptions): Promise<Response>;
}

// What the error builder needs to know about a response: the method and path it answered and
// how many attempts it took. A WeakMap keeps Response objects untouched and forgets with them.
interface ResponseMeta {
  method: string;
  path: string;
  attempts: number;
}
const metaByResponse = new WeakMap<Response, ResponseMeta>();

export function attemptsFor(response: Response): number {
  return metaByResponse.get(response)?.attempts ?? 1;
}

export function responseMeta(response: Response): ResponseMeta | undefined {
  return metaByResponse.get(response);
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
export function createTransport(config: TransportConfig): Transport {
  const random = config.random ?? Math.random;

  /** Known secrets (client secret, tokens seen), scrubbed from headers the log hooks receive. */
  const secrets = (): string[] => config.tokens().secrets();

  async function send(request: Request, options: SendOptions = {}): Promise<Response> {
    const method = request.method.toUpperCase();
    const url = request.url;
    const path = new URL(url).pathname;
    const mode = options.mode ?? methodRetryMode(method);
    const timeoutMs = options.timeoutMs ?? config.timeoutMs;
    // Read the body once so every attempt can send it again.
    const body = request.body === null ? undefined : await request.arrayBuffer();
    // Disposed when send() settles, so a long-lived client signal does not collect listeners.
    const caller = linkSignals([request.signal, options.signal, config.clientSignal]);
    const signal = caller.signal;
    const headers = new Headers(request.headers);
    headers.set("User-Agent", config.userAgent);
    if (!headers.has("Accept")) headers.set("Accept", "application/json");

    const failure = (kind: "network" | "timeout" | "aborted", attempts: number, cause: unknown): IdentityApiError => {
      const what =
        kind === "aborted"
          ? "was aborted"
          : kind === "timeout"
            ? `timed out after ${timeoutMs} ms`
            : `failed without an answer (${networkCode(cause) ?? "network error"})`;
      const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
      return new IdentityApiError({ kind, message: `${method} ${path} ${what}${tries}`, method, path, attempts, cause });
    };

    async function exchange(sendHeaders: Headers, attempt: number): Promise<Response> {
      if (options.rateLimited !== false) await config.limiter?.acquire(method, signal);
      const attemptLink = linkSignals([signal], true);
      const attemptSignal = attemptLink.signal;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        attemptLink.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
      }, timeoutMs);
      const init: RequestInit = { method, headers: sendHeaders, signal: attemptSignal };
      if (body !== undefined) init.body = body;
      config.hooks.onRequest?.({ method, url, headers: redactHeaders(sendHeaders, secrets()), attempt });
      const started = Date.now();
      let response: Response;
      try {
        // Raced against the signal as well: Node 20's fetch can lose the link to a signal once the
        // Request it was given is garbage-collected, and the timeout must hold regardless.
        response = await raceSignal(config.fetch(new Request(url, init)).then(buffer), attemptSignal);
      } catch (error) {
        const kind = signal.aborted ? "aborted" : timedOut ? "timeout" : "network";
        config.hooks.onResponse?.({ method, url, attempt, headers: {}, durationMs: Date.now() - started, error: kind });
        if (kind === "aborted") throw error;
        throw new ExchangeFailure(kind, kind === "timeout" || !CONNECT_FAILURES.has(networkCode(error) ?? ""), error);
      } finally {
        clearTimeout(timer);
        attemptLink.dispose();
      }
      config.hooks.onResponse?.({
        method,
        url,
        attempt,
        status: response.status,
        headers: redactHeaders(response.headers, secrets()),
        durationMs: Date.now() - started,
      });
      return response;
    }

    let refreshed = false;
    async function attemptOnce(attempt: number): Promise<Response> {
      signal.throwIfAborted();
      if (options.authenticate === false) return exchange(headers, attempt);
      const source = config.tokens();
      const token = await source.getToken(signal);
      const withToken = (t: string): Headers => {
        const h = new Headers(headers);
        h.set("Authorization", `Bearer ${t}`);
        return h;
      };
      const response = await exchange(withToken(token), attempt);
      if (response.status !== 401 || !source.refreshable || refreshed) return response;
      // One refresh per call: the token may have expired or been revoked since it was cached; a
      // second 401 means the credentials themselves are refused, and repeating would only add sends.
      refreshed = true;
      const fresh = await source.getToken(signal, token);
      if (fresh === token) return response;
      return exchange(withToken(fresh), attempt);
    }

    try {
      for (let attempt = 1; ; attempt++) {
        let outcome: Outcome;
        let response: Response | undefined;
        let lastFailure: ExchangeFailure | undefined;
        try {
          response = await attemptOnce(attempt);
          outcome = { type: "response", status: response.status, retryAfterMs: parseRetryAfter(response.headers.get("retry-after")) };
        } catch (error) {
          if (signal.aborted) throw failure("aborted", attempt, signal.reason);
          if (!(error instanceof ExchangeFailure)) throw error;
          lastFailure = error;
          outcome = { type: "failure", failure: error.failure, sent: error.sent };
        }
        const decision = decideRetry(config.retry, attempt, mode, outcome, random);
        if (!decision.retry) {
          if (response) {
            metaByResponse.set(response, { method, path, attempts: attempt });
            return response;
          }
          const f = lastFailure as ExchangeFailure;
          throw failure(f.failure, attempt, f.cause);
        }
        config.hooks.onRetry?.({
          method,
          url,
          attempt,
          delayMs: decision.delayMs,
          reason: outcome.type === "response" ? outcome.status : outcome.failure,
        });
        try {
          await sleep(decision.delayMs, signal);
        } catch {
          // sleep only rejects when the signal aborts.
          throw failure("aborted", attempt, signal.reason);
        }
      }
    } finally {
      caller.dispose();
    }
  }

  return { send };
}

/** Reads the whole body while the timeout still runs, so a server that stalls mid-body times out too. */
async function buffer(response: Response): Promise<Response> {
  const bytes = await response.arrayBuffer();
  const headers = new Headers(response.headers);
  // The bytes are already decoded; stale encoding/length headers would mislead readers.
  headers.delete("content-encoding");
  headers.delete("transfer-encoding");
  headers.set("content-length", String(bytes.byteLength));
  const nullBody = [101, 204, 205, 304].includes(response.status);
  return new Response(nullBody ? null : bytes, { status: response.status, statusText: response.statusText, headers });
}

function networkCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}
