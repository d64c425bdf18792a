// Per-organization budgets per method class with Retry-After, and seeded fault injection.
import { describe, expect, it } from "@jest/globals";
import { request } from "node:http";
import type { FaultKind } from "../../src/emulator/index.js";
import { allScopes, call, emulatorPerTest, ORG_ID, ROBY } from "./support.js";

const start = emulatorPerTest();

const budgets = { GET: 3, POST: 100, PUT: 2, PATCH: 2, DELETE: 2 };

describe("rate limits", () => {
  it("answers past the budget with 429 and Retry-After, per method class, until the window ends", async () => {
    let clock = Date.parse("2024-05-01T12:00:00Z");
    const emulator = await start({ rateLimit: { windowMs: 10_000, budgets }, now: () => clock });
    const base = emulator.baseUrl();
    const token = allScopes(emulator);
    const get = () => call(base, "GET", `/api/Group/${ORG_ID}`, { token });
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
    clock += 2_500;
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("8");
    expect(limited.json).toMatchObject({
      status: 429,
      title: "Too Many Requests",
      detail: "Rate limit for GET requests exceeded; try again in 8 seconds.",
    });
    // Another method class still has its own budget.
    expect((await call(base, "PUT", `/api/RobotAccount/${ROBY}`, { token, body: { partitionGlobalId: ORG_ID } })).status).toBe(200);
    clock += 7_500;
    expect((await get()).status).toBe(200);
  });

  it("counts each organization separately", async () => {
    const clock = Date.parse("2024-05-01T12:00:00Z");
    const emulator = await start({
      rateLimit: { windowMs: 10_000, budgets },
      now: () => clock,
      organizations: [
        { name: "hogwarts", partitionGlobalId: ORG_ID },
        { name: "durmstrang", partitionGlobalId: "8c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", seed: "empty" },
      ],
    });
    const token = allScopes(emulator);
    for (let i = 0; i < 3; i++) await call(emulator.baseUrl(), "GET", `/api/Group/${ORG_ID}`, { token });
    expect((await call(emulator.baseUrl(), "GET", `/api/Group/${ORG_ID}`, { token })).status).toBe(429);
    const other = await call(emulator.baseUrl("durmstrang"), "GET", "/api/Group/8c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", {
      token: allScopes(emulator, "durmstrang"),
    });
    expect(other.status).toBe(200);
  });

  it("recovers in real time once Retry-After has passed", async () => {
    const emulator = await start({ rateLimit: { windowMs: 1_000, budgets: { ...budgets, GET: 1 } } });
    const token = allScopes(emulator);
    const get = () => call(emulator.baseUrl(), "GET", `/api/Group/${ORG_ID}`, { token });
    expect((await get()).status).toBe(200);
    const limited = await get();
    expect(limited.status).toBe(429);
    const wait = Number(limited.headers.get("retry-after"));
    expect(wait).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    expect((await get()).status).toBe(200);
  });

  it("uses Automation Cloud's documented budgets by default", async () => {
    const emulator = await start({ rateLimit: undefined, now: () => 0 });
    const token = allScopes(emulator);
    let status = 0;
    let count = 0;
    while (status !== 429 && count < 400) {
      status = (await call(emulator.baseUrl(), "DELETE", `/api/Group/${ORG_ID}`, { token, body: { groupIDs: [] } })).status;
      count++;
    }
    expect(count).toBe(161);
  });
});

/** Sends one request and reports its status, or "dropped" when the connection was cut. */
function probe(url: string, token: string): Promise<number | "dropped"> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", (e: NodeJS.ErrnoException) =>
      e.code === "ECONNRESET" || e.message === "socket hang up" ? resolve("dropped") : reject(e),
    );
    req.end();
  });
}

describe("fault injection", () => {
  async function run(seed: number, kinds?: FaultKind[]): Promise<Array<number | "dropped">> {
    const e = await start({ faults: { seed, rate: 0.5, delayMs: 5, ...(kinds ? { kinds } : {}) } });
    const token = allScopes(e);
    const out: Array<number | "dropped"> = [];
    for (let i = 0; i < 40; i++) out.push(await probe(`${e.baseUrl()}/api/RobotAccount/${ORG_ID}/${ROBY}`, token));
    return out;
  }

  it("is off by default", async () => {
    const emulator = await start();
    const token = allScopes(emulator);
    for (let i = 0; i < 20; i++) expect(await probe(`${emulator.baseUrl()}/api/Group/${ORG_ID}`, token)).toBe(200);
  });

  it("repeats exactly with the same seed and mixes every kind", async () => {
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(await run(7)).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 429, 500, 503, "dropped"]));
  });

  it("answers injected 429 and 503 with Retry-After and problem bodies", async () => {
    const emulator = await start({ faults: { seed: 1, rate: 1, kinds: ["503"] } });
    const res = await call(emulator.baseUrl(), "GET", `/api/Group/${ORG_ID}`, { token: allScopes(emulator) });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.json).toMatchObject({ status: 503, title: "Service Unavailable" });
    const e429 = await start({ faults: { seed: 1, rate: 1, kinds: ["429"] } });
    const limited = await call(e429.baseUrl(), "GET", `/api/Group/${ORG_ID}`, { token: allScopes(e429) });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
  });

  it("delays then answers normally", async () => {
    const emulator = await start({ faults: { seed: 1, rate: 1, kinds: ["delay"], delayMs: 20 } });
    const res = await call(emulator.baseUrl(), "GET", `/api/Group/${ORG_ID}`, { token: allScopes(emulator) });
    expect(res.status).toBe(200);
  });

  it("refuses a rate outside 0..1 and unknown kinds", async () => {
    await expect(start({ faults: { seed: 1, rate: 2 } })).rejects.toThrow("faults.rate must be between 0 and 1");
    await expect(start({ faults: { seed: 1, rate: 0.1, kinds: ["boom" as FaultKind] } })).rejects.toThrow("Unknown fault kind 'boom'");
  });
});
