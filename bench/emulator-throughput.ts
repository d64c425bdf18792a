// Benchmark 5: how fast the emulator answers a GET of one robot account, in the same process as
// the load (as in the test suite), against the minimal node:http server as the baseline. Raw
// fetch drives both, one request at a time for latency and several at once for throughput.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startEmulator } from "../src/emulator/index.js";
import { ORG_ID, ROBY } from "./lib/ids.js";
import type { BenchResult } from "./lib/result.js";
import { percentile, round } from "./lib/stats.js";

export interface ThroughputOptions {
  durationMs: number;
  concurrency: number;
}

interface Load {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/** Sends GETs with `concurrency` in flight for `durationMs` (after a short warm-up). */
async function load(url: string, headers: Record<string, string>, concurrency: number, durationMs: number): Promise<Load> {
  const once = async (): Promise<void> => {
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET answered ${res.status}`);
  };
  // Warm-up: the first target measured would otherwise also pay for warming fetch itself.
  for (let i = 0; i < 2000; i++) await once();
  const latencies: number[] = [];
  const until = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await once();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - started;
  return { rps: (latencies.length / elapsed) * 1000, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

function minimalServer(): Promise<Server> {
  const body = JSON.stringify({
    id: ROBY,
    name: "Roby",
    displayName: "Roby",
    creationTime: "2024-01-01T00:00:00Z",
    lastLoginTime: null,
    groupIds: [],
  });
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

export async function runThroughput(o: ThroughputOptions): Promise<BenchResult> {
  const path = `/api/RobotAccount/${ORG_ID}/${ROBY}`;
  const server = await minimalServer();
  let base1: Load;
  let baseN: Load;
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hogwarts/identity_${path}`;
    base1 = await load(url, {}, 1, o.durationMs);
    baseN = await load(url, {}, o.concurrency, o.durationMs);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  const emulator = await startEmulator({ seed: "demo", rateLimit: false });
  let emu1: Load;
  let emuN: Load;
  try {
    const headers = { authorization: `Bearer ${emulator.issueToken({ scopes: ["PM.RobotAccount"] })}` };
    emu1 = await load(emulator.baseUrl() + path, headers, 1, o.durationMs);
    emuN = await load(emulator.baseUrl() + path, headers, o.concurrency, o.durationMs);
  } finally {
    await emulator.close();
  }
  const fmt = (l: Load) => `${Math.round(l.rps)}/s, p50 ${round(l.p50Ms, 2)} ms, p99 ${round(l.p99Ms, 2)} ms`;
  const plain = (l: Load) => ({ rps: Math.round(l.rps), p50Ms: round(l.p50Ms, 3), p99Ms: round(l.p99Ms, 3) });
  return {
    name: "emulator",
    notes: [],
    details: {
      ...o,
      minimalServer: { sequential: plain(base1), concurrent: plain(baseN) },
      emulator: { sequential: plain(emu1), concurrent: plain(emuN) },
    },
    rows: [
      {
        benchmark: "5. Emulator GET, 1 in flight",
        measure: "requests/s, latency",
        baseline: `minimal server ${fmt(base1)}`,
        ours: fmt(emu1),
        ratio: `${round(emu1.rps / base1.rps, 3)}x`,
        target: "informational",
        met: null,
      },
      {
        benchmark: `5. Emulator GET, ${o.concurrency} in flight`,
        measure: "requests/s, latency",
        baseline: `minimal server ${fmt(baseN)}`,
        ours: fmt(emuN),
        ratio: `${round(emuN.rps / baseN.rps, 3)}x`,
        target: "informational",
        met: null,
      },
    ],
  };
}
