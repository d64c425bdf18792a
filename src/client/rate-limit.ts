// A client-side budget per HTTP method, so a bulk job paces itself instead of collecting 429s.
// A sliding log never lets more than `budget` sends fall into any window of `windowMs`, which
// keeps it under a server that counts in fixed windows of the same length wherever they start.
import { IdentityInputError } from "./errors.js";
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
  /**
   * A Redis (or Valkey) URL, `redis://[user:password@]host:6379[/db]` (`rediss://` for TLS): the
   * bookings then live there, and every client with the same Redis and `key` shares one budget,
   * across processes and machines. Needs the optional peer dependency `redis` (node-redis).
   * While Redis is unreachable, calls wait for it (see `redisWaitMs`). See rate-limit-redis.ts.
   */
  redis?: string;
  /** The shared budget's name in Redis. Default: the organization (base URL, plus partitionGlobalId when set). */
  key?: string;
  /** How long calls wait for an unreachable Redis before they fail (IdentityApiError, kind "network"). Default 30 000 ms. */
  redisWaitMs?: number;
  /** Told each time Redis stops or starts answering; without it, the first outage is one process warning. */
  onRedisStatus?: (event: RedisStatusEvent) => void;
}

export interface RedisStatusEvent {
  status: "unavailable" | "available";
  /** The Redis URL without user name or password. */
  redis: string;
  /** The shared budget's name. */
  key: string;
  message: string;
  /** Why Redis could not be used (unavailable only). */
  reason?: string;
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
  /**
   * How long from now until `count` more sends of this method would all have been let through,
   * by this limiter's own schedule (0 when they fit at once). A limiter whose bookings live
   * elsewhere (a shared store) may not know, and leaves it out.
   */
  delayMs?(method: string, count: number): number;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: Clock = { now: () => Date.now(), sleep };

export function createRateLimiter(options: RateLimitOptions = {}, clock: Clock = realClock): RateLimiter {
  const windowMs = options.windowMs ?? AUTOMATION_CLOUD_RATE_LIMITS.windowMs;
  const budgets: Partial<Record<string, number>> = options.budgets ?? AUTOMATION_CLOUD_RATE_LIMITS.budgets;
  if (!(windowMs > 0)) throw new IdentityInputError("rateLimit.windowMs", "rateLimit.windowMs must be positive");
  const marginMs = options.marginMs ?? defaultMarginMs(windowMs);
  if (!(marginMs >= 0)) throw new IdentityInputError("rateLimit.marginMs", "rateLimit.marginMs must not be negative");
  // A send holds its slot for the window plus the margin.
  const holdMs = windowMs + marginMs;
  for (const [method, budget] of Object.entries(budgets)) {
    if (!(Number.isInteger(budget) && (budget as number) > 0)) {
      throw new IdentityInputError(`rateLimit.budgets.${method}`, `rateLimit.budgets.${method} must be a positive integer`);
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
    delayMs(method, count) {
      const log = logs.get(method.toUpperCase());
      if (log === undefined || count <= 0) return 0;
      const now = clock.now();
      // Each send after the budget's first `budget` waits for the one `budget` places before it
      // to leave the window: play the queue forward from the sends already booked.
      const starts = log.times.slice(log.head).filter((t) => t > now - holdMs);
      const booked = starts.length;
      for (let k = 0; k < count; k++) {
        const i = booked + k;
        starts.push(i < log.budget ? now : Math.max(now, (starts[i - log.budget] as number) + holdMs));
      }
      return (starts.at(-1) as number) - now;
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
