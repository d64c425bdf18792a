// When to repeat a request and how long to wait first, `Retry-After` included. Pure decisions; the
// transport does the waiting, so this module is easy to reason about and to test. The rules are
// tabled in the "Retries" section of docs/client.md; keep the two in step.
import { IdentityInputError } from "./errors.js";

export interface RetryOptions {
  /**
   * Attempts in all, first one included. Default 4 (three retries). Once per call, an attempt
   * answered 401 is re-sent at once with a new token; that resend is not a retry.
   */
  maxAttempts?: number;
  /** The first backoff step. Default 500 ms. */
  baseDelayMs?: number;
  /** The largest backoff step. Default 20 s. */
  maxDelayMs?: number;
  /** The longest Retry-After the client will sit out; a longer one is surfaced at once. Default 60 s. */
  maxRetryAfterMs?: number;
}

export type RetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/** No retries at all (`retry: false`). */
export const NO_RETRY: RetryPolicy = { ...DEFAULT_RETRY, maxAttempts: 1 };

/**
 * `idempotent`: repeating cannot change the outcome; `unsafe`: a repeat after the server may have
 * acted could do it twice. Which request is which: the "Retries" section of docs/client.md.
 */
export type RetryMode = "idempotent" | "unsafe";

export type Outcome =
  | { type: "response"; status: number; retryAfterMs?: number | undefined }
  /** `sent: false` when the failure certainly happened before the request left (refused, DNS). */
  | { type: "failure"; failure: "network" | "timeout"; sent: boolean };

export type Decision = { retry: false } | { retry: true; delayMs: number };

export function resolveRetryPolicy(options: RetryOptions | false | undefined): RetryPolicy {
  if (options === false) return NO_RETRY;
  const policy = { ...DEFAULT_RETRY, ...definedOnly(options ?? {}) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new IdentityInputError("retry.maxAttempts", "retry.maxAttempts must be an integer of at least 1");
  }
  for (const key of ["baseDelayMs", "maxDelayMs", "maxRetryAfterMs"] as const) {
    if (!(policy[key] >= 0)) throw new IdentityInputError(`retry.${key}`, `retry.${key} must be a non-negative number`);
  }
  return policy;
}

export function methodRetryMode(method: string): RetryMode {
  return ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"].includes(method.toUpperCase()) ? "idempotent" : "unsafe";
}

/** Statuses that mean "try again later"; 429 additionally means "not processed at all". */
const TRANSIENT = new Set([502, 503, 504]);

export function decideRetry(
  policy: RetryPolicy,
  attempt: number,
  mode: RetryMode,
  outcome: Outcome,
  random: () => number = Math.random,
): Decision {
  if (attempt >= policy.maxAttempts) return { retry: false };
  const backoff = backoffDelay(policy, attempt, random);

  if (outcome.type === "failure") {
    // An unsafe request is repeated only when it provably never reached the server.
    if (mode === "unsafe" && outcome.sent) return { retry: false };
    return { retry: true, delayMs: backoff };
  }

  const { status, retryAfterMs } = outcome;
  // A 429 is answered before the request is processed, so even an unsafe one can be repeated.
  // A 502/503/504 can come from a gateway after the backend acted, so only idempotent ones are.
  if (status !== 429 && !(TRANSIENT.has(status) && mode === "idempotent")) return { retry: false };
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryAfterMs) return { retry: false };
    return { retry: true, delayMs: retryAfterMs };
  }
  return { retry: true, delayMs: backoff };
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

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so concurrent
 * clients spread out but none retries almost at once.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
