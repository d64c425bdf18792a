import { afterEach, describe, expect, it } from "@jest/globals";
import { AUTOMATION_CLOUD_RATE_LIMITS, IdentityApiError } from "../../src/client/index.js";
import { createRateLimiter, type Clock } from "../../src/client/rate-limit.js";
import { clientFor, startIdentity, type FakeIdentity } from "./helpers/identity.js";
import { send } from "../helpers/http-server.js";

/** A clock whose time moves only when every task is waiting: the limiter's pacing, exactly. */
function fakeClock() {
  let now = 0;
  const timers: Array<{ at: number; resolve: () => void }> = [];
  const clock: Clock = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        signal?.throwIfAborted();
        timers.push({ at: now + ms, resolve });
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
  };
  const settle = () => new Promise<void>((r) => setImmediate(r));
  return {
    clock,
    now: () => now,
    /** Runs until nothing waits any more. */
    async run(): Promise<void> {
      for (;;) {
        await settle();
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (!next) return;
        now = next.at;
        next.resolve();
      }
    },
  };
}

/** The most grants that fall into any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
}

describe("the limiter", () => {
  it("knows its own schedule: how long until n more sends have all gone (the ETA of long jobs)", async () => {
    const fake = fakeClock();
    const limiter = createRateLimiter({ windowMs: 1000, budgets: { PUT: 3 }, marginMs: 50 }, fake.clock);
    expect(limiter.delayMs!("PUT", 3)).toBe(0);
    expect(limiter.delayMs!("PUT", 4)).toBe(1050);
    expect(limiter.delayMs!("PUT", 7)).toBe(2100);
    expect(limiter.delayMs!("GET", 1000)).toBe(0);
    // With two sends booked at 0, the schedule moves: the third fits now, the fourth waits.
    await limiter.acquire("PUT");
    await limiter.acquire("PUT");
    expect(limiter.delayMs!("PUT", 1)).toBe(0);
    expect(limiter.delayMs!("PUT", 2)).toBe(1050);
    // And it agrees with what acquire then does.
    const granted: number[] = [];
    const all = Promise.all(Array.from({ length: 5 }, () => limiter.acquire("PUT").then(() => granted.push(fake.now()))));
    await fake.run();
    await all;
    expect(Math.max(...granted)).toBe(2100);
  });

  it("holds a concurrent burst to the budget in every window", async () => {
    const fake = fakeClock();
    const limiter = createRateLimiter({ windowMs: 1000, budgets: { GET: 3 }, marginMs: 0 }, fake.clock);
    const granted: number[] = [];
    const all = Promise.all(Array.from({ length: 10 }, () => limiter.acquire("GET").then(() => granted.push(fake.now()))));
    await fake.run();
    await all;
    expect(granted).toHaveLength(10);
    expect(busiestWindow(granted, 1000)).toBe(3);
    // As fast as the budget allows: three per window, no later.
    expect(granted.sort((a, b) => a - b)).toEqual([0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000, 3000]);
  });

  it("keeps a budget per method, and leaves unlisted methods alone", async () => {
    const fake = fakeClock();
    const limiter = createRateLimiter({ windowMs: 1000, budgets: { GET: 1, PUT: 1 }, marginMs: 0 }, fake.clock);
    await limiter.acquire("GET");
    await limiter.acquire("put");
    for (let i = 0; i < 50; i++) await limiter.acquire("POST");
    expect(fake.now()).toBe(0);
    const second = limiter.acquire("GET");
    await fake.run();
    await second;
    expect(fake.now()).toBe(1000);
  });

  it("defaults to Automation Cloud's budgets: 300 GETs per five minutes", async () => {
    expect(AUTOMATION_CLOUD_RATE_LIMITS).toEqual({
      windowMs: 300_000,
      budgets: { GET: 300, POST: 24_000, PUT: 160, PATCH: 160, DELETE: 160 },
    });
    const fake = fakeClock();
    const limiter = createRateLimiter({}, fake.clock);
    for (let i = 0; i < 300; i++) await limiter.acquire("GET");
    for (let i = 0; i < 160; i++) await limiter.acquire("DELETE");
    expect(fake.now()).toBe(0);
    const next = limiter.acquire("GET");
    await fake.run();
    await next;
    // Five minutes plus the default 2 s margin for requests that travel at different speeds.
    expect(fake.now()).toBe(302_000);
  });

  it("waits out the margin past the window before reusing a slot", async () => {
    const fake = fakeClock();
    const limiter = createRateLimiter({ windowMs: 1000, budgets: { PUT: 1 }, marginMs: 150 }, fake.clock);
    await limiter.acquire("PUT");
    const next = limiter.acquire("PUT");
    await fake.run();
    await next;
    expect(fake.now()).toBe(1150);
  });

  it("tryAcquire books a send that fits at once, and books nothing when the budget is spent", async () => {
    const fake = fakeClock();
    const limiter = createRateLimiter({ windowMs: 1000, budgets: { GET: 2 }, marginMs: 0 }, fake.clock);
    expect([limiter.tryAcquire?.("GET"), limiter.tryAcquire?.("get"), limiter.tryAcquire?.("GET")]).toEqual([true, true, false]);
    expect(limiter.tryAcquire?.("PATCH")).toBe(true); // not limited
    // The refusal booked nothing: the next acquire waits for the first slot only, not a third.
    const next = limiter.acquire("GET");
    await fake.run();
    await next;
    expect(fake.now()).toBe(1000);
  });

  it("keeps the budget over a long run of sends in a big window", async () => {
    const fake = fakeClock();
    const limiter = createRateLimiter({ windowMs: 10_000, budgets: { POST: 1500 }, marginMs: 0 }, fake.clock);
    const granted: number[] = [];
    const all = Promise.all(Array.from({ length: 6000 }, () => limiter.acquire("POST").then(() => granted.push(fake.now()))));
    await fake.run();
    await all;
    expect(granted).toHaveLength(6000);
    const perWindow = [0, 10_000, 20_000, 30_000].map((start) => granted.filter((t) => t >= start && t < start + 10_000).length);
    expect(perWindow).toEqual([1500, 1500, 1500, 1500]);
  });

  it("a wait ends at once when the signal aborts", async () => {
    const fake = fakeClock();
    const limiter = createRateLimiter({ windowMs: 1000, budgets: { DELETE: 1 } }, fake.clock);
    await limiter.acquire("DELETE");
    const controller = new AbortController();
    const waiting = limiter.acquire("DELETE", controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
  });
});

describe("the client's limiter against a server that answers 429 past its budget", () => {
  let server: FakeIdentity | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  // The server allows 3 GETs per 100 ms; the client is set to 3 per second, which leaves 900 ms
  // for requests to be delayed on the way (a busy machine) without letting a burst through.
  async function strictServer() {
    const arrivals: number[] = [];
    server = await startIdentity((req, res) => {
      const now = performance.now();
      arrivals.push(now);
      const recent = arrivals.filter((t) => t > now - 100).length;
      if (recent > 3) send(res, 429, { title: "Too Many Requests" });
      else send(res, 200, []);
    });
    return server;
  }

  it("a burst of 9 calls all succeed with the limiter on", async () => {
    const s = await strictServer();
    const pm = clientFor(s, { retry: false, rateLimit: { windowMs: 1000, budgets: { GET: 3 }, marginMs: 0 } });
    await Promise.all(Array.from({ length: 9 }, () => pm.groups.list()));
    expect(s.apiRequests).toHaveLength(9);
  });

  it("the same burst collects 429s with the limiter off", async () => {
    const s = await strictServer();
    const pm = clientFor(s, { retry: false, rateLimit: false });
    const results = await Promise.allSettled(Array.from({ length: 9 }, () => pm.groups.list()));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected[0]?.reason).toBeInstanceOf(IdentityApiError);
    expect(rejected[0]?.reason).toMatchObject({ kind: "rate_limited", status: 429 });
  });

  it("aborting a call that waits for the limiter sends nothing more", async () => {
    server = await startIdentity((req, res) => send(res, 200, []));
    const pm = clientFor(server, { rateLimit: { windowMs: 60_000, budgets: { GET: 1 } } });
    await pm.groups.list();
    const controller = new AbortController();
    const waiting = pm.groups.list({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(waiting).rejects.toMatchObject({ kind: "aborted" });
    expect(server.apiRequests).toHaveLength(1);
  });
});
