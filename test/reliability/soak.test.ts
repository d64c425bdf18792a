// Soak with faults: 10,000 mixed operations through the client, spread over independent workers
// (each with its own emulator, fault seed and model, see support/soak-worker.ts), with about 10%
// of API requests faulted: 429, 500, 503, dropped connections and held (timed-out) requests.
// At the end each emulator's state equals its model exactly, and every operation either
// succeeded or gave its caller a typed error.
//
// Repeatability: each worker's operations come from a fixed seed and its emulator's faults from
// another, and a worker sends one request at a time, so the faults meet the same requests run
// after run. One thing still varies today: on Node 20 the client's per-attempt timeout can be
// lost after a garbage collection (reported with issue 6), so a held request sometimes completes
// instead of timing out, and the rest of that worker's run takes the other, equally checked,
// path. The assertions hold on every path.
import { describe, expect, it } from "@jest/globals";
import { prepareWorker, type PreparedWorker, type WorkerReport } from "./support/soak-worker.js";

const WORKERS = 40;
const OPERATIONS_PER_WORKER = 250;

describe("soak with faults", () => {
  it("loses nothing and duplicates nothing over 10,000 operations", async () => {
    const prepared: PreparedWorker[] = [];
    let reports: WorkerReport[];
    try {
      for (let worker = 0; worker < WORKERS; worker++) {
        prepared.push(await prepareWorker({ worker, operations: OPERATIONS_PER_WORKER, faultRate: 0.1, delayMs: 800, timeoutMs: 400 }));
      }
      await Promise.all(prepared.map((w) => w.warm()));
      reports = await Promise.all(prepared.map((w) => w.run()));
    } finally {
      // Whatever failed, no emulator may outlive the test.
      await Promise.all(prepared.map((w) => w.close()));
    }

    for (const r of reports) expect(r.finalState).toEqual(r.finalModel);
    expect(reports.flatMap((r) => r.problems)).toEqual([]);

    const sum = (pick: (r: WorkerReport) => Record<string, number | undefined>) => {
      const out: Record<string, number> = {};
      for (const r of reports) for (const [k, v] of Object.entries(pick(r))) out[k] = (out[k] ?? 0) + (v ?? 0);
      return out;
    };
    const operations = reports.reduce((n, r) => n + r.operations, 0);
    const succeeded = reports.reduce((n, r) => n + r.succeeded, 0);
    const errors = sum((r) => r.errors);
    const failed = Object.values(errors).reduce((n, v) => n + v, 0);
    // Every operation is accounted for: a success or a typed error the caller saw.
    expect(operations).toBe(WORKERS * OPERATIONS_PER_WORKER);
    expect(succeeded + failed).toBe(operations);
    // Only the kinds the injected faults can cause.
    expect(Object.keys(errors).every((k) => ["rate_limited", "server", "network", "timeout", "not_found"].includes(k))).toBe(true);

    // The faults really were met and retried, so the equality above means something.
    const retries = sum((r) => r.retries);
    expect(retries["429"] ?? 0).toBeGreaterThan(0);
    expect(retries["503"] ?? 0).toBeGreaterThan(0);
    expect(retries["network"] ?? 0).toBeGreaterThan(0);
    expect(retries["timeout"] ?? 0).toBeGreaterThan(0);
    expect(succeeded).toBeGreaterThan(operations * 0.8);
    const reconciled = sum((r) => r.reconciled);
    expect(reconciled["robot create: not created"] ?? 0).toBeGreaterThan(0);
    // Keep the numbers visible in the test output (stdout only; nothing secret in them).
    process.stdout.write(`soak: ${JSON.stringify({ operations, succeeded, errors, retries, reconciled })}\n`);
  });
});
