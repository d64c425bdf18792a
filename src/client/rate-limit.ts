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
  // Send times per method, oldest first.
  const logs = new Map<string, number[]>();

  return {
    delayMs(method, count) {
      const budget = budgets[method.toUpperCase()];
      if (budget === undefined || count <= 0) return 0;
      const now = clock.now();
      // Each send after the budget's first `budget` waits for the one `budget` places before it
      // to leave the window: play the queue forward from the sends already booked.
      const starts = (logs.get(method.toUpperCase()) ?? []).filter((t) => t > now - holdMs);
      const booked = starts.length;
      for (let k = 0; k < count; k++) {
        const i = booked + k;
        starts.push(i < budget ? now : Math.max(now, (starts[i - budget] as number) + holdMs));
      }
      return (starts.at(-1) as number) - now;
    },
    async acquire(method, signal) {
      const key = method.toUpperCase();
      const budget = budgets[key];
      if (budget === undefined) return;
      let log = logs.get(key);
      if (!log) logs.set(key, (log = []));
      for (;;) {
        signal?.throwIfAborted();
        const now = clock.now();
        while (log.length > 0 && (log[0] as number) <= now - holdMs) log.shift();
        if (log.length < budget) {
          log.push(now);
          return;
        }
        // Wake when the oldest send leaves the window; waiters that lose the race loop again.
        await clock.sleep((log[0] as number) + holdMs - now, signal);
      }
    },
  };
}
