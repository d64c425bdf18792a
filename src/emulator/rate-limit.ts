// Fixed-window request budgets per organization and method class, like Automation Cloud's
// documented "N requests per five minutes" limits.
import type { MethodClass, RateLimitOptions } from "./options.js";

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; methodClass: MethodClass };

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number,
  ) {}

  take(organization: string, method: string): RateDecision {
    const methodClass = method.toUpperCase() as MethodClass;
    const budget = this.options.budgets[methodClass];
    if (budget === undefined) return { allowed: true };
    const key = `${organization}\u0000${methodClass}`;
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.options.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= budget) {
      // Whole seconds, at least one, so a client that waits this long finds a fresh window.
      const retryAfterSeconds = Math.max(1, Math.ceil((window.start + this.options.windowMs - now) / 1000));
      return { allowed: false, retryAfterSeconds, methodClass };
    }
    window.count += 1;
    return { allowed: true };
  }
}
