// A client-side budget per HTTP method, so a bulk job paces itself instead of collecting 429s.
// A sliding log never lets more than `budget` sends fall into any window of `windowMs`, which
// keeps it under a server that counts in fixed windows of the same length wherever they start.
import { sleep } from "./signals.js";

export type LimitedMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RateLimitOptions {
  /** Window length. Default 300 000 ms (five minutes, as Automation Cloud counts). */
  windowMs?: number;
  /** Sends allowed per window per method; a method left out is not limited. Default: Automation Cloud's. */
  budgets?: Partial<Record<LimitedMethod, number>>;
  /**
   * Extra wait past the window before a send's slot is reused. The server counts arrivals, not
   * sends, so a request that travelled slower than a later one could otherwise land both in the
   * server's window. Default: see `defaultMarginMs`.
   */
  marginMs?: number;
}

/**
 * A hundredth of the window, at least 25 ms (the spread of arrival times on a busy machine) and
 * at most 2 s: 2 s on Automation Cloud's five-minute windows, under 1% of a bulk job's time.
 */
export function defaultMarginMs(windowMs: number): number {
  return Math.min(2000, Math.max(25, windowMs / 100));
}

/** UiPath's documented Automation Cloud budgets, per organization per five minutes. */
export const AUTOMATION_CLOUD_RATE_LIMITS = {
  windowMs: 300_000,
  budgets: { GET: 300, POST: 24_000, PUT: 160, PATCH: 160, DELETE: 160 },
} as const satisfies RateLimitOptions;

export interface RateLimiter {
  /** Waits (abortably) until a send of this method fits the budget, then books it. */
  acquire(method: string, signal?: AbortSignal): Promise<void>;
  /**
   * Optional fast path: books a send and returns true when it fits at once, else returns false
   * and books nothing (the caller then awaits `acquire`). A limiter that must ask elsewhere
   * (another process, a shared store) leaves it out.
   */
  tryAcquire?(method: string): boolean;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: Clock = { now: () => Date.now(), sleep };

export function createRateLimiter(options: RateLimitOptions = {}, clock: Clock = realClock): RateLimiter {
  const windowMs = options.windowMs ?? AUTOMATION_CLOUD_RATE_LIMITS.windowMs;
  const budgets: Partial<Record<string, number>> = options.budgets ?? AUTOMATION_CLOUD_RATE_LIMITS.budgets;
  if (!(windowMs > 0)) throw new RangeError("rateLimit.windowMs must be positive");
  const marginMs = options.marginMs ?? defaultMarginMs(windowMs);
  if (!(marginMs >= 0)) throw new RangeError("rateLimit.marginMs must not be negative");
  // A send holds its slot for the window plus the margin.
  const holdMs = windowMs + marginMs;
  for (const [method, budget] of Object.entries(budgets)) {
    if (!(Number.isInteger(budget) && (budget as number) > 0)) {
      throw new RangeError(`rateLimit.budgets.${method} must be a positive integer`);
    }
  }
  // Send times per method, oldest first, from `head` on: a moving start index instead of
  // Array.shift, whose cost grows with the log on long windows and big budgets.
  const logs = new Map<string, { times: number[]; head: number; budget: number }>();
  for (const [method, budget] of Object.entries(budgets)) logs.set(method, { times: [], head: 0, budget: budget as number });

  /** Books a send now if it fits; false when the budget is spent. */
  const book = (log: { times: number[]; head: number; budget: number }, now: number): boolean => {
    const { times } = log;
    while (log.head < times.length && (times[log.head] as number) <= now - holdMs) log.head++;
    if (log.head > 1024 && log.head * 2 > times.length) {
      times.splice(0, log.head);
      log.head = 0;
    }
    if (times.length - log.head >= log.budget) return false;
    times.push(now);
    return true;
  };

  return {
    tryAcquire(method) {
      const log = logs.get(method) ?? logs.get(method.toUpperCase());
      return log === undefined || book(log, clock.now());
    },
    async acquire(method, signal) {
      const log = logs.get(method.toUpperCase());
      if (log === undefined) return;
      for (;;) {
        signal?.throwIfAborted();
        const now = clock.now();
        if (book(log, now)) return;
        // Wake when the oldest send leaves the window; waiters that lose the race loop again.
        await clock.sleep((log.times[log.head] as number) + holdMs - now, signal);
      }
    },
  };
}
