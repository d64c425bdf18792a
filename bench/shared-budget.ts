// Benchmark 6: one organization's PUT budget shared by several processes through Redis. Four
// processes each update their own 250 robot accounts against one emulator that enforces 160 PUTs
// per (scaled) window. Measured in the same run: with the shared budget (rateLimit.redis), and as
// before it (each process pacing only itself with the same budget), plus the time to send the last
// partial window with no limit at all, for the floor. Then what a Redis booking costs per call,
// beside the local limiter's bookkeeping.
import { createIdentityClient, type RateLimitOptions } from "../src/client/index.js";
import { createRateLimiter } from "../src/client/rate-limit.js";
import { createRedisRateLimiter } from "../src/client/rate-limit-redis.js";
import { DEMO_CLIENT, startEmulator, type EmulatorHandle } from "../src/emulator/index.js";
import { startRedis, type RedisServer } from "../test/helpers/redis-server.js";
import { runWorkers, type WorkersRun } from "../test/helpers/run-workers.js";
import { startChild } from "./lib/child.js";
import { counterGuid, ORG_ID, robotSeed, ROBY } from "./lib/ids.js";
import type { BenchResult } from "./lib/result.js";
import { collectGarbage, median, round } from "./lib/stats.js";

export interface SharedBudgetOptions {
  processes: number;
  perProcess: number;
  budget: number;
  windowMs: number;
  /** Updates in flight per process. */
  workers: number;
  /** Sequential calls per round for the per-call cost, and rounds. */
  calls: number;
  rounds: number;
}

const BIG = 1_000_000;

interface Outcome {
  elapsedMs: number;
  tooMany: number;
  failures: number;
  firstFailure?: string;
}

async function withEmulator<T>(o: SharedBudgetOptions, limited: boolean, body: (e: EmulatorHandle) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({
    seed: robotSeed(o.processes * o.perProcess),
    rateLimit: limited
      ? { windowMs: o.windowMs, budgets: { GET: BIG, POST: BIG, PUT: o.budget, PATCH: o.budget, DELETE: o.budget } }
      : false,
  });
  try {
    return await body(emulator);
  } finally {
    await emulator.close();
  }
}

/** `o.processes` worker processes, the p-th updating robots p*count+1 .. (p+1)*count. */
async function run(e: EmulatorHandle, o: SharedBudgetOptions, count: number, rateLimit: RateLimitOptions | false): Promise<Outcome> {
  const configs = Array.from({ length: o.processes }, (_, p) => ({
    baseUrl: e.baseUrl(),
    partitionGlobalId: ORG_ID,
    clientId: DEMO_CLIENT.clientId,
    clientSecret: DEMO_CLIENT.clientSecret,
    rateLimit,
    ids: Array.from({ length: count }, (_, i) => counterGuid(p * count + i + 1)),
    workers: o.workers,
  }));
  const result: WorkersRun = await runWorkers(configs);
  const outcome: Outcome = {
    elapsedMs: result.elapsedMs,
    tooMany: result.results.reduce((n, r) => n + r.tooMany, 0),
    failures: result.results.reduce((n, r) => n + r.failures, 0),
  };
  const firstFailure = result.results.find((r) => r.firstFailure)?.firstFailure;
  if (firstFailure) outcome.firstFailure = firstFailure;
  return outcome;
}

/** Median µs per call of each variant, in interleaved rounds. */
async function perCall(variants: Array<[string, () => Promise<unknown>]>, o: SharedBudgetOptions): Promise<Map<string, number>> {
  for (const [, call] of variants) for (let i = 0; i < o.calls / 5; i++) await call(); // warm-up: connections, script, JIT
  const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (let r = 0; r < o.rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const [name, call] = variants[(r + k) % variants.length] as [string, () => Promise<unknown>];
      collectGarbage();
      const started = process.hrtime.bigint();
      for (let i = 0; i < o.calls; i++) await call();
      samples.get(name)!.push(Number(process.hrtime.bigint() - started) / 1e3 / o.calls);
    }
  }
  return new Map([...samples].map(([name, s]) => [name, median(s)]));
}

async function bookingCost(redis: RedisServer, o: SharedBudgetOptions) {
  // Budgets no run can reach: every call books, none waits.
  const unreachable = { windowMs: o.windowMs, budgets: { GET: 1e9, PUT: 1e9 } };
  const local = createRateLimiter(unreachable);
  const shared = createRedisRateLimiter({ ...unreachable, redis: redis.url, key: "bench-booking" }, () => "unused");
  const server = await startChild<{ origin: string }>(new URL("./lib/minimal-server.ts", import.meta.url));
  const client = (rateLimit: RateLimitOptions) =>
    createIdentityClient({
      baseUrl: `${server.first.origin}/hogwarts/identity_`,
      partitionGlobalId: ORG_ID,
      credentials: { clientId: "bench-client", clientSecret: "bench-secret" },
      rateLimit,
    });
  const localClient = client(unreachable);
  const sharedClient = client({ ...unreachable, redis: redis.url, key: "bench-calls" });
  try {
    const acquire = await perCall(
      [
        ["local", () => local.acquire("PUT")],
        ["redis", () => shared.acquire("PUT")],
      ],
      o,
    );
    const calls = await perCall(
      [
        ["local", () => localClient.robotAccounts.get(ROBY)],
        ["redis", () => sharedClient.robotAccounts.get(ROBY)],
      ],
      o,
    );
    return { acquire, calls };
  } finally {
    shared.close();
    await server.stop();
  }
}

export async function runSharedBudget(o: SharedBudgetOptions): Promise<BenchResult> {
  const total = o.processes * o.perProcess;
  const fullWindows = Math.ceil(total / o.budget) - 1;
  const lastBatch = total - fullWindows * o.budget;
  const redis = await startRedis();
  try {
    // The floor's last partial window: the same processes send it with no limit at all.
    const last = await withEmulator(o, false, (e) => run(e, o, Math.ceil(lastBatch / o.processes), false));
    const floorMs = fullWindows * o.windowMs + last.elapsedMs;
    // GET is budgeted too (far above use) so the warm-up call opens the Redis connection before the clock starts.
    const budgets = { PUT: o.budget, GET: BIG };
    const shared = await withEmulator(o, true, (e) => run(e, o, o.perProcess, { windowMs: o.windowMs, budgets, redis: redis.url }));
    const separate = await withEmulator(o, true, (e) => run(e, o, o.perProcess, { windowMs: o.windowMs, budgets }));
    const cost = await bookingCost(redis, o);

    const s = (ms: number) => `${round(ms / 1000, 2)} s`;
    const ratio = (run: Outcome) => (run.elapsedMs / floorMs).toFixed(3);
    const met = shared.elapsedMs / floorMs <= 1.05 && shared.tooMany === 0 && shared.failures === 0;
    const notes: string[] = [];
    if (!met) {
      notes.push(
        `Shared budget: ${ratio(shared)}x the floor with ${shared.tooMany} 429s and ${shared.failures} failures (target ≤ 1.05x, zero 429s)` +
          (shared.firstFailure ? `; first failure: ${shared.firstFailure}` : "") +
          ".",
      );
    }
    const us = (v: number | undefined) => `${round(v ?? Number.NaN, 1)} µs`;
    const localAcquire = cost.acquire.get("local");
    const redisAcquire = cost.acquire.get("redis");
    const localCall = cost.calls.get("local");
    const redisCall = cost.calls.get("redis");
    const name = `6. Shared budget: ${o.processes} processes × ${o.perProcess} PUTs, ${o.budget}/${o.windowMs / 1000} s`;
    return {
      name: "shared",
      notes,
      details: {
        ...o,
        floorFormula:
          "(ceil(N/B) - 1) * W + t_last, t_last = measured time for the processes to send the last N - (ceil(N/B) - 1) * B updates with no limit",
        floorMs: round(floorMs, 1),
        lastBatch,
        lastBatchMs: round(last.elapsedMs, 1),
        shared: { ...shared, elapsedMs: round(shared.elapsedMs, 1), ratioToFloor: round(shared.elapsedMs / floorMs, 3) },
        perProcessLimiters: { ...separate, elapsedMs: round(separate.elapsedMs, 1), ratioToFloor: round(separate.elapsedMs / floorMs, 3) },
        acquireMicros: Object.fromEntries([...cost.acquire].map(([k, v]) => [k, round(v, 2)])),
        getCallMicros: Object.fromEntries([...cost.calls].map(([k, v]) => [k, round(v, 2)])),
      },
      rows: [
        {
          benchmark: name,
          measure: "elapsed; 429s received; failed calls",
          baseline: `floor ${s(floorMs)}; per-process limiters ${s(separate.elapsedMs)}, ${separate.tooMany} × 429, ${separate.failures} failed`,
          ours: `${s(shared.elapsedMs)}, ${shared.tooMany} × 429, ${shared.failures} failed`,
          ratio: `${ratio(shared)}x floor (per-process ${ratio(separate)}x)`,
          target: "≤ 1.05x floor, 0 × 429",
          met,
        },
        {
          benchmark: "6. Shared budget: cost of a booking",
          measure: "µs per acquire, sequential",
          baseline: `local limiter ${us(localAcquire)}`,
          ours: `Redis on loopback ${us(redisAcquire)}`,
          ratio: `+${us((redisAcquire ?? 0) - (localAcquire ?? 0))} per call`,
          target: "informational",
          met: null,
        },
        {
          benchmark: "6. Shared budget: a GET on loopback",
          measure: "µs per call, sequential",
          baseline: `local limiter ${us(localCall)}`,
          ours: `Redis limiter ${us(redisCall)}`,
          ratio: `${((redisCall ?? 0) / (localCall ?? 1)).toFixed(2)}x`,
          target: "informational",
          met: null,
        },
      ],
    };
  } finally {
    await redis.stop();
  }
}
