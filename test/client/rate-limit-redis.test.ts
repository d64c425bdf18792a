// The shared budget in Redis, against real redis-server processes and the real emulator with its
// own limiter on: clients and processes of one organization share one budget, organizations do
// not, waits end on abort, and an unreachable or restarted Redis is handled as documented.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { inspect } from "node:util";
import { createClient } from "redis";
import {
  createIdentityClient,
  IdentityApiError,
  IdentityInputError,
  type RateLimitOptions,
  type RedisStatusEvent,
} from "../../src/client/index.js";
import { createRedisRateLimiter, defaultRateLimitKey, REDIS_KEY_PREFIX, type RedisRateLimiter } from "../../src/client/rate-limit-redis.js";
import { DEMO_CLIENT, startEmulator, type EmulatorHandle, type SeedData } from "../../src/emulator/index.js";
import { ORG } from "../fixtures/walkthrough.js";
import { freePort, startRedis, type RedisServer } from "../helpers/redis-server.js";
import { runWorkers } from "../helpers/run-workers.js";

const OTHER_ORG = "8b1d7e53-2c4a-4f90-b6e1-5a3c9d0f7e22";
const robotId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const robots = (count: number): SeedData => ({
  users: [],
  groups: [],
  robotAccounts: Array.from({ length: count }, (_, i) => ({
    id: robotId(i + 1),
    name: `robot-${i + 1}`,
    displayName: `Robot ${i + 1}`,
    creationTime: "2024-01-01T00:00:00Z",
    groupIds: [],
  })),
});
const BIG = 1_000_000;

/** The most sends that fall into any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
}

let redis: RedisServer;
let inspector: ReturnType<typeof createClient>;
const cleanup: Array<() => unknown> = [];

beforeAll(async () => {
  redis = await startRedis();
  inspector = createClient({ url: redis.url });
  await inspector.connect();
});
afterAll(async () => {
  inspector.destroy();
  await redis.stop();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await inspector.flushAll();
});

async function emulator(windowMs: number, putBudget: number, count: number, extraOrg = false): Promise<EmulatorHandle> {
  const e = await startEmulator({
    seed: robots(count),
    organizations: [
      { name: "hogwarts", partitionGlobalId: ORG },
      ...(extraOrg ? [{ name: "durmstrang", partitionGlobalId: OTHER_ORG }] : []),
    ],
    rateLimit: { windowMs, budgets: { GET: BIG, POST: BIG, PUT: putBudget, PATCH: putBudget, DELETE: putBudget } },
  });
  cleanup.push(() => e.close());
  return e;
}

interface Recorder {
  sends: number[];
  tooMany: number;
}

function clientOf(e: EmulatorHandle, rateLimit: RateLimitOptions | false, record: Recorder, org = "hogwarts", partitionGlobalId = ORG) {
  return createIdentityClient({
    baseUrl: e.baseUrl(org),
    partitionGlobalId,
    credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret },
    rateLimit,
    retry: false, // a 429 stays visible as a failure
    onRequest: (ev) => {
      if (ev.method === "PUT") record.sends.push(Date.now());
    },
    onResponse: (ev) => {
      if (ev.status === 429) record.tooMany++;
    },
  });
}

/** `count` updates through `client`, `workers` at a time; resolves with the failures. */
async function updates(client: ReturnType<typeof clientOf>, from: number, count: number, workers = 4): Promise<unknown[]> {
  const failures: unknown[] = [];
  let next = from;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < from + count) {
        const id = robotId(next++);
        await client.robotAccounts.update(id, { displayName: "updated" }).catch((error: unknown) => failures.push(error));
      }
    }),
  );
  return failures;
}

function limiter(options: Partial<RateLimitOptions>, key = "test"): RedisRateLimiter {
  const l = createRedisRateLimiter({ redis: redis.url, windowMs: 60_000, marginMs: 0, budgets: { PUT: 1 }, ...options }, () => key);
  cleanup.push(() => l.close());
  return l;
}

const abortAfter = (ms: number): AbortSignal => AbortSignal.timeout(ms);

describe("one budget shared through Redis", () => {
  const windowMs = 600;
  const budget = 10;
  // A margin wide enough for arrival jitter on a machine busy with other test files.
  const marginMs = 300;
  const shared = (): RateLimitOptions => ({ redis: redis.url, windowMs, marginMs, budgets: { PUT: budget } });

  it("two clients of one organization never exceed it together: zero 429s from the emulator", async () => {
    const e = await emulator(windowMs, budget, 50);
    const record: Recorder = { sends: [], tooMany: 0 };
    const a = clientOf(e, shared(), record);
    const b = clientOf(e, shared(), record);
    const started = Date.now();
    const failures = [...(await Promise.all([updates(a, 1, 25), updates(b, 26, 25)]))].flat();
    expect(failures).toEqual([]);
    expect(record.tooMany).toBe(0);
    expect(record.sends).toHaveLength(50);
    expect(busiestWindow(record.sends, windowMs)).toBeLessThanOrEqual(budget);
    // 50 sends at 10 per window cannot finish before the fifth window opens.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * windowMs);
    expect(e.state().robotAccounts.filter((r) => r.displayName === "updated")).toHaveLength(50);
  });

  it("the same two clients, each pacing only itself, send into 429s (the control)", async () => {
    const e = await emulator(windowMs, budget, 50);
    const record: Recorder = { sends: [], tooMany: 0 };
    const local = { windowMs, marginMs, budgets: { PUT: budget } };
    const failures = (await Promise.all([updates(clientOf(e, local, record), 1, 25), updates(clientOf(e, local, record), 26, 25)])).flat();
    expect(record.tooMany).toBeGreaterThan(0);
    expect(failures[0]).toMatchObject({ kind: "rate_limited", status: 429 });
  });

  it("two processes share it too, and each exits on its own with its connection open", async () => {
    const e = await emulator(windowMs, budget, 30);
    const config = (ids: number[]) => ({
      baseUrl: e.baseUrl(),
      partitionGlobalId: ORG,
      clientId: DEMO_CLIENT.clientId,
      clientSecret: DEMO_CLIENT.clientSecret,
      // Freshly started processes on a machine busy with other test files can be held up for a few
      // hundred ms between booking and sending: the margin absorbs that (the pacing is not on trial).
      rateLimit: { ...shared(), marginMs: 400 },
      ids: ids.map(robotId),
      workers: 4,
    });
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const run = await runWorkers([config(range(1, 15)), config(range(16, 30))]);
    const sends = run.results.flatMap((r) => r.sends);
    expect(run.results.map((r) => [r.failures, r.tooMany, r.firstFailure])).toEqual([
      [0, 0, undefined],
      [0, 0, undefined],
    ]);
    expect(sends).toHaveLength(30);
    expect(busiestWindow(sends, windowMs)).toBeLessThanOrEqual(budget);
  });

  it("different organizations have their own budgets; an explicit key joins them", async () => {
    const e = await emulator(60_000, 10, 3, true); // the emulator allows more than the clients' 3
    const record: Recorder = { sends: [], tooMany: 0 };
    const long = { redis: redis.url, windowMs: 60_000, budgets: { PUT: 3 } };
    const hogwarts = clientOf(e, long, record);
    const durmstrang = clientOf(e, long, record, "durmstrang", OTHER_ORG);
    expect(await updates(hogwarts, 1, 3)).toEqual([]);
    expect(await updates(durmstrang, 1, 3)).toEqual([]); // would wait a minute if it shared hogwarts' budget
    const keys = (await inspector.keys(`${REDIS_KEY_PREFIX}*`)).sort();
    expect(keys).toEqual(
      [
        `${REDIS_KEY_PREFIX}${defaultRateLimitKey(e.baseUrl("durmstrang"), OTHER_ORG)}:PUT`,
        `${REDIS_KEY_PREFIX}${defaultRateLimitKey(e.baseUrl("hogwarts"), ORG)}:PUT`,
      ].sort(),
    );
    for (const key of keys) expect(await inspector.zCard(key)).toBe(3);

    // Both with key "acme": the second organization finds the budget spent and waits.
    const joined = { ...long, key: "acme" };
    await clientOf(e, joined, record).robotAccounts.update(robotId(1), { displayName: "a" });
    await clientOf(e, joined, record).robotAccounts.update(robotId(2), { displayName: "b" });
    await clientOf(e, joined, record, "durmstrang", OTHER_ORG).robotAccounts.update(robotId(1), { displayName: "c" });
    const waiting = clientOf(e, joined, record, "durmstrang", OTHER_ORG).robotAccounts.update(
      robotId(2),
      { displayName: "d" },
      { signal: abortAfter(300) },
    );
    await expect(waiting).rejects.toMatchObject({ kind: "aborted" });
    expect(await inspector.zCard(`${REDIS_KEY_PREFIX}acme:PUT`)).toBe(3);
  });

  it("the default key is the base URL plus the partition when known", () => {
    expect(defaultRateLimitKey("https://cloud.uipath.com/Acme/identity_/", "3FA85F64-5717-4562-B3FC-2C963F66AFA6")).toBe(
      "https://cloud.uipath.com/acme/identity_|3fa85f64-5717-4562-b3fc-2c963f66afa6",
    );
    expect(defaultRateLimitKey("https://suite.example.com/acme/identity_")).toBe("https://suite.example.com/acme/identity_");
  });
});

describe("the Redis limiter's window", () => {
  it("keeps the local limiter's semantics: budget per window, a slot reused only after window plus margin", async () => {
    const l = limiter({ windowMs: 400, marginMs: 100, budgets: { PUT: 3 } });
    const t0 = performance.now();
    const granted: number[] = [];
    await Promise.all(Array.from({ length: 7 }, () => l.acquire("PUT").then(() => granted.push(performance.now() - t0))));
    granted.sort((x, y) => x - y);
    // Bookings are timed by Redis, and a grant is seen here a little after its booking, so the
    // bound that holds is from the start: three at once, three more no sooner than 500 ms
    // (400 + 100) after the first three were booked, the seventh no sooner than 1000 ms.
    expect(granted[3]!).toBeGreaterThanOrEqual(495);
    expect(granted[6]!).toBeGreaterThanOrEqual(995);
    expect(await inspector.zCard(`${REDIS_KEY_PREFIX}test:PUT`)).toBeLessThanOrEqual(3);
  });

  it("counts each method on its own and never asks Redis about methods without a budget", async () => {
    const unreachable = createRedisRateLimiter({ redis: `redis://127.0.0.1:${await freePort()}`, budgets: { PUT: 1 } }, () => "x");
    for (let i = 0; i < 20; i++) await unreachable.acquire("POST");
    const l = limiter({ budgets: { PUT: 1, DELETE: 1 } });
    await l.acquire("put");
    await l.acquire("DELETE");
    expect(await inspector.zCard(`${REDIS_KEY_PREFIX}test:PUT`)).toBe(1);
    expect(await inspector.zCard(`${REDIS_KEY_PREFIX}test:DELETE`)).toBe(1);
  });

  it("books by Redis's clock, so processes whose clocks disagree still share the window", async () => {
    const realNow = Date.now;
    const a = limiter({ budgets: { PUT: 2 } });
    const b = limiter({ budgets: { PUT: 2 } });
    try {
      Date.now = () => realNow() + 3_600_000; // an hour ahead
      await a.acquire("PUT");
      await a.acquire("PUT");
      Date.now = () => realNow() - 3_600_000; // an hour behind
      await expect(b.acquire("PUT", abortAfter(300))).rejects.toThrow();
    } finally {
      Date.now = realNow;
    }
  });

  it("a wait ends at once when the signal aborts, books nothing, and lets the next call in", async () => {
    const l = limiter({ windowMs: 1000 });
    await l.acquire("PUT");
    const controller = new AbortController();
    const waiting = l.acquire("PUT", controller.signal);
    const next = l.acquire("PUT"); // queued behind the aborted one
    setTimeout(() => controller.abort(new Error("stop")), 100);
    await expect(waiting).rejects.toThrow("stop");
    expect(await inspector.zCard(`${REDIS_KEY_PREFIX}test:PUT`)).toBe(1);
    await next; // when the window has passed, not held up by the aborted call
  });

  it("a client call waiting for the shared budget ends with kind aborted and sends nothing more", async () => {
    const e = await emulator(60_000, 5, 2);
    const record: Recorder = { sends: [], tooMany: 0 };
    const pm = clientOf(e, { redis: redis.url, windowMs: 60_000, budgets: { PUT: 1 } }, record);
    await pm.robotAccounts.update(robotId(1), { displayName: "first" });
    await expect(pm.robotAccounts.update(robotId(2), { displayName: "second" }, { signal: abortAfter(150) })).rejects.toMatchObject({
      kind: "aborted",
    });
    expect(record.sends).toHaveLength(1);
  });
});

describe("when Redis cannot be reached", () => {
  const password = "s3cr3t-redis-Pa55word";

  function messages(events: RedisStatusEvent[], error: unknown): string[] {
    return [...events.map((ev) => JSON.stringify(ev)), String(error), inspect(error), JSON.stringify(error), (error as Error).stack ?? ""];
  }

  it("calls wait up to redisWaitMs, then fail with kind network naming Redis but not its password; nothing is sent", async () => {
    const port = await freePort();
    const e = await emulator(60_000, 5, 2);
    const events: RedisStatusEvent[] = [];
    const record: Recorder = { sends: [], tooMany: 0 };
    const pm = clientOf(
      e,
      {
        redis: `redis://alice:${password}@127.0.0.1:${port}/2`,
        redisWaitMs: 3_000, // far more than a busy machine adds to "at once" below
        onRedisStatus: (ev) => events.push(ev),
        budgets: { PUT: 5 },
      },
      record,
    );
    const started = Date.now();
    const error = await pm.robotAccounts.update(robotId(1), { displayName: "x" }).catch((err: unknown) => err);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    expect(error).toBeInstanceOf(IdentityApiError);
    expect(error).toMatchObject({ kind: "network", method: "PUT" });
    expect((error as Error).message).toContain(
      `Redis at redis://127.0.0.1:${port}/2, which holds the shared rate-limit budget, has been unreachable`,
    );
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect(events).toEqual([
      expect.objectContaining({ status: "unavailable", redis: `redis://127.0.0.1:${port}/2`, key: defaultRateLimitKey(e.baseUrl(), ORG) }),
    ]);
    expect(record.sends).toEqual([]);
    for (const text of messages(events, error)) {
      expect(text).not.toContain(password);
      expect(text).not.toContain("alice");
    }
    // Long into the outage, the next call fails at once instead of waiting again.
    const again = Date.now();
    await expect(pm.robotAccounts.update(robotId(2), { displayName: "y" })).rejects.toMatchObject({ kind: "network" });
    expect(Date.now() - again).toBeLessThan(3_000);
    expect(events).toHaveLength(1);
  });

  it("without a hook, the first outage is one process warning", async () => {
    // Jest gives each test file its own `process` object, whose warnings never reach a listener:
    // watch the call instead (Node itself prints it to stderr).
    const emitWarning = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    cleanup.push(() => emitWarning.mockRestore());
    const l = createRedisRateLimiter(
      { redis: `redis://:${password}@127.0.0.1:${await freePort()}`, redisWaitMs: 100, budgets: { PUT: 5 } },
      () => "k",
    );
    await expect(l.acquire("PUT")).rejects.toMatchObject({ kind: "network" });
    await expect(l.acquire("PUT")).rejects.toMatchObject({ kind: "network" });
    expect(emitWarning).toHaveBeenCalledTimes(1);
    const [text, options] = emitWarning.mock.calls[0] as [string, { code: string }];
    expect(options).toEqual({ code: "UIPATH_IDENTITY_REDIS_UNAVAILABLE" });
    expect(text).toMatch(
      /^Redis at redis:\/\/127\.0\.0\.1:\d+, which holds the shared rate-limit budget, is unreachable \(.*ECONNREFUSED.*\)\. Calls wait up to 100 ms/,
    );
    expect(text).not.toContain(password);
  });

  it("a call that is waiting goes on when Redis comes up, and the hook hears both changes", async () => {
    const server = await startRedis();
    cleanup.push(() => server.stop());
    await server.stop();
    const events: RedisStatusEvent[] = [];
    const l = createRedisRateLimiter(
      { redis: server.url, budgets: { PUT: 5 }, redisWaitMs: 20_000, onRedisStatus: (ev) => events.push(ev) },
      () => "k",
    );
    cleanup.push(() => l.close());
    const waiting = l.acquire("PUT");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.restart();
    await waiting;
    expect(events.map((ev) => ev.status)).toEqual(["unavailable", "available"]);
  });

  it("a Redis that restarts empty: the window counts as full until a whole window has passed", async () => {
    const server = await startRedis();
    cleanup.push(() => server.stop());
    const l = createRedisRateLimiter({ redis: server.url, windowMs: 30_000, marginMs: 0, budgets: { PUT: 3 } }, () => "k");
    cleanup.push(() => l.close());
    for (let i = 0; i < 3; i++) await l.acquire("PUT");
    await server.restart();
    await expect(l.acquire("PUT", abortAfter(500))).rejects.toThrow();
    const probe = createClient({ url: server.url });
    await probe.connect();
    expect(await probe.zCard(`${REDIS_KEY_PREFIX}k:PUT`)).toBe(3);
    probe.destroy();
  });

  it("a restart in the middle of a run: clients wait it out, nothing fails, zero 429s", async () => {
    const server = await startRedis();
    cleanup.push(() => server.stop());
    const windowMs = 600;
    const e = await emulator(windowMs, 10, 40);
    const record: Recorder = { sends: [], tooMany: 0 };
    const events: RedisStatusEvent[] = [];
    const options = {
      redis: server.url,
      windowMs,
      marginMs: 300,
      budgets: { PUT: 10 },
      onRedisStatus: (ev: RedisStatusEvent) => events.push(ev),
    };
    const a = clientOf(e, options, record);
    const b = clientOf(e, options, record);
    // Each books once first: a process with no booking at all before the restart could not tell
    // that Redis forgot the window (the documented gap), and that is not what this test is about.
    await a.robotAccounts.update(robotId(1), { displayName: "updated" });
    await b.robotAccounts.update(robotId(21), { displayName: "updated" });
    const run = Promise.all([updates(a, 2, 19, 2), updates(b, 22, 19, 2)]);
    while (record.sends.length < 10) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.restart(); // with the window's budget spent
    expect((await run).flat()).toEqual([]);
    expect(record.tooMany).toBe(0);
    expect(busiestWindow(record.sends, windowMs)).toBeLessThanOrEqual(10);
    // Whether a call met the gap depends on timing; if one did, Redis was reported back too.
    expect(events.at(-1)?.status ?? "available").toBe("available");
  });

  it("a Redis that stops answering mid-connection is given up on, not waited for forever", async () => {
    const server = await startRedis();
    cleanup.push(() => server.stop());
    const events: RedisStatusEvent[] = [];
    const l = createRedisRateLimiter(
      { redis: server.url, budgets: { PUT: 5 }, redisWaitMs: 1_000, onRedisStatus: (ev) => events.push(ev) },
      () => "k",
    );
    cleanup.push(() => l.close());
    await l.acquire("PUT");
    server.pause();
    cleanup.push(() => server.resume());
    const started = Date.now();
    const error = await l.acquire("PUT").catch((err: unknown) => err);
    // One attempt of at most 1 s (redisWaitMs, at least 1 s), then the wait is over: well under the 30 s default.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(error).toMatchObject({ kind: "network" });
    expect((error as Error).message).toContain("(no answer within 1000 ms)");
    expect(events.map((ev) => ev.status)).toEqual(["unavailable"]);
    server.resume();
    // Past redisWaitMs calls fail at once, and one tries Redis again a second after the last failure.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await l.acquire("PUT");
    expect(events.map((ev) => ev.status)).toEqual(["unavailable", "available"]);
  });

  it("settings that cannot work are refused when the limiter is made", () => {
    const make = (extra: Partial<RateLimitOptions>) => () => createRedisRateLimiter({ redis: redis.url, ...extra }, () => "k");
    expect(make({ key: "" })).toThrow(expect.objectContaining({ field: "rateLimit.key" }));
    expect(make({ redisWaitMs: -1 })).toThrow(expect.objectContaining({ name: "IdentityInputError", field: "rateLimit.redisWaitMs" }));
    expect(make({ budgets: { PUT: 0 } })).toThrow("rateLimit.budgets.PUT must be a positive integer");
  });

  it("refused credentials are reported at once, as a settings error, without the password", async () => {
    const server = await startRedis(["--requirepass", "the-right-one"]);
    cleanup.push(() => server.stop());
    const l = createRedisRateLimiter({ redis: `redis://:${password}@127.0.0.1:${server.port}`, budgets: { PUT: 5 } }, () => "k");
    cleanup.push(() => l.close());
    const started = Date.now();
    const error = await l.acquire("PUT").catch((err: unknown) => err);
    // At once, not after the 30 s default wait (half of it is room for a busy machine).
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(error).toBeInstanceOf(IdentityInputError);
    expect(error).toMatchObject({ field: "rateLimit.redis" });
    expect((error as Error).message).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:\d+ refused this client: WRONGPASS/);
    for (const text of messages([], error)) expect(text).not.toContain(password);
  });

  it("a URL that is not redis:// is refused when the client is created, without echoing it", () => {
    const create = (redisUrl: string) => () =>
      createIdentityClient({
        baseUrl: "http://127.0.0.1:1/o/identity_",
        credentials: { accessToken: "t0ken-value" },
        rateLimit: { redis: redisUrl },
      });
    for (const bad of [`http://bob:${password}@example.com`, "localhost:6379", ""]) {
      expect(create(bad)).toThrow(IdentityInputError);
      try {
        create(bad)();
      } catch (error) {
        expect(String(error)).not.toContain(password);
        expect(error).toMatchObject({ field: "rateLimit.redis" });
      }
    }
  });
});
