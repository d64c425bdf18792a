// Benchmark 1: what one GET costs through (a) raw fetch, (b) plain openapi-fetch with the
// generated `paths`, (c) our client with every layer on; first on loopback against a minimal
// node:http server in a child process, then with a stub fetch that answers at once, which
// leaves nothing but client code to time. Each batch of calls runs in a process of its own
// (bench/lib/overhead-worker.ts), so no variant pays for another's garbage.
import createClient from "openapi-fetch";
import type { IdentityClient, IdentityClientOptions } from "../src/client/index.js";
import type { paths } from "../generated/schema.js";
import { startChild } from "./lib/child.js";
import { compiledClient } from "./lib/compiled-client.js";
import { ORG_ID, ROBY } from "./lib/ids.js";
import type { BenchResult } from "./lib/result.js";
import { median, round } from "./lib/stats.js";

// The client compiled as published (see lib/compiled-client.ts). BENCH_CLIENT_ROOT=/path/to/checkout
// measures another copy of the repository (an older commit, say); BENCH_FETCH_OPTION=fetch hands
// our client the stub through the one-Request `fetch` option, the only one older clients have.
const clientModule = compiledClient(process.env["BENCH_CLIENT_ROOT"] || undefined);
const { createIdentityClient } = (await import(clientModule)) as typeof import("../src/client/index.js");
const fetchOption = process.env["BENCH_FETCH_OPTION"] === "fetch" ? "fetch" : "fetchWithInit";

export interface OverheadOptions {
  rounds: number;
  loopbackCalls: number;
  stubCalls: number;
  /** Calls per round against the server that holds each answer 1 ms. */
  delayedCalls: number;
}

export type Variant = { name: "raw fetch" | "raw fetch + timeout" | "openapi-fetch" | "our client"; call: () => Promise<unknown> };

// Budgets no benchmark can reach: the limiter runs its bookkeeping but never waits.
const UNREACHABLE = { windowMs: 1000, budgets: { GET: 1e9, POST: 1e9, PUT: 1e9, PATCH: 1e9, DELETE: 1e9 } };

/** A fetch with the platform's signature, as plain openapi-fetch and our `fetchWithInit` call it. */
export type StubFetch = (input: string | Request, init?: RequestInit) => Promise<Response>;

/**
 * The ways to GET one robot account. Without `stub` each uses the real global fetch the way
 * its users would: raw `fetch(url, init)`, openapi-fetch's and our client's defaults. With `stub`,
 * every variant sends through it instead (ours through `fetchWithInit`, its cheaper option).
 */
export function variants(origin: string, stub?: StubFetch): { list: Variant[]; client: IdentityClient } {
  const base = `${origin}/hogwarts/identity_`;
  const url = `${base}/api/RobotAccount/${ORG_ID}/${ROBY}`;
  const auth = { Authorization: "Bearer bench-access-token", Accept: "application/json" };
  const plain = createClient<paths>(stub ? { baseUrl: base, fetch: stub } : { baseUrl: base });
  const client = createIdentityClient({
    baseUrl: base,
    partitionGlobalId: ORG_ID,
    credentials: { clientId: "bench-client", clientSecret: "bench-secret" },
    rateLimit: UNREACHABLE,
    ...(stub ? stubOption(stub) : {}),
  });
  const send: StubFetch = stub ?? ((input, init) => fetch(input, init));
  const list: Variant[] = [
    {
      name: "raw fetch",
      call: async () => (await send(url, { headers: auth })).json(),
    },
    {
      // What a careful caller of raw fetch writes to bound each request (our client times out too).
      name: "raw fetch + timeout",
      call: async () => (await send(url, { headers: auth, signal: AbortSignal.timeout(30_000) })).json(),
    },
    {
      name: "openapi-fetch",
      call: async () => {
        const { data, error } = await plain.GET("/api/RobotAccount/{partitionGlobalId}/{robotAccountId}", {
          params: { path: { partitionGlobalId: ORG_ID, robotAccountId: ROBY } },
          headers: auth,
        });
        if (error !== undefined) throw new Error("openapi-fetch baseline failed");
        return data;
      },
    },
    { name: "our client", call: () => client.robotAccounts.get(ROBY) },
  ];
  return { list, client };
}

function stubOption(stub: StubFetch): Partial<IdentityClientOptions> {
  return fetchOption === "fetch" ? { fetch: (request) => stub(request) } : { fetchWithInit: stub };
}

const ALL: Variant["name"][] = ["raw fetch", "raw fetch + timeout", "openapi-fetch", "our client"];
// The stub ignores signals, so a timeout changes nothing there worth a column.
const STUB: Variant["name"][] = ["raw fetch", "openapi-fetch", "our client"];

/**
 * Median seconds per call of each variant. Every round starts one process per variant, in an
 * order that rotates from round to round; each warms up (the token, the connection, the JIT) and
 * then times `calls` sequential calls: wall time against a server (`origin`), CPU time with the
 * stub, where nothing waits and the machine's other load should not count.
 */
async function measure(origin: string | undefined, rounds: number, calls: number): Promise<Map<string, number>> {
  const names = origin ? ALL : STUB;
  const samples = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length] as Variant["name"];
      const args = ["--variant", name, "--calls", String(calls), ...(origin ? ["--origin", origin] : [])];
      const worker = await startChild<{ secondsPerCall: number }>(new URL("./lib/overhead-worker.ts", import.meta.url), args);
      await worker.stop();
      samples.get(name)!.push(worker.first.secondsPerCall);
    }
  }
  return new Map([...samples].map(([name, s]) => [name, median(s)]));
}

const STUB_BODY = new TextEncoder().encode(
  JSON.stringify({
    id: ROBY,
    name: "Roby",
    displayName: "Roby the robot",
    creationTime: "2024-01-01T00:00:00Z",
    lastLoginTime: null,
    groupIds: [],
  }),
);
const STUB_TOKEN = new TextEncoder().encode(JSON.stringify({ access_token: "bench-access-token", expires_in: 3600 }));
// The headers the loopback server sends (a server that knows the length says so).
const stubHeaders = (body: Uint8Array) => ({
  "content-type": "application/json; charset=utf-8",
  "content-length": String(body.byteLength),
});
const STUB_BODY_HEADERS = stubHeaders(STUB_BODY);
const STUB_TOKEN_HEADERS = stubHeaders(STUB_TOKEN);

/** Answers at once with a fresh Response over prebuilt bytes (a body can be read only once). */
export const stubFetch: StubFetch = (input, init) => {
  const method = init?.method ?? (typeof input === "string" ? "GET" : input.method);
  const token = method === "POST";
  return Promise.resolve(
    new Response(token ? STUB_TOKEN : STUB_BODY, { status: 200, headers: token ? STUB_TOKEN_HEADERS : STUB_BODY_HEADERS }),
  );
};

export async function runOverhead(o: OverheadOptions): Promise<BenchResult> {
  const server = await startChild<{ origin: string }>(new URL("./lib/minimal-server.ts", import.meta.url));
  let loop: Map<string, number>;
  try {
    loop = await measure(server.first.origin, o.rounds, o.loopbackCalls);
  } finally {
    await server.stop();
  }
  // The same against a server 1 ms away: what the overhead means once there is any network at all.
  const slow = await startChild<{ origin: string }>(new URL("./lib/minimal-server.ts", import.meta.url), ["--delay-ms", "1"]);
  let delayed: Map<string, number>;
  try {
    delayed = await measure(slow.first.origin, o.rounds, o.delayedCalls);
  } finally {
    await slow.stop();
  }
  const stub = await measure(undefined, o.rounds, o.stubCalls);

  const rps = (m: Map<string, number>, name: string) => 1 / (m.get(name) as number);
  const us = (m: Map<string, number>, name: string) => (m.get(name) as number) * 1e6;
  const ratioRaw = rps(loop, "our client") / rps(loop, "raw fetch");
  const ratioPlain = rps(loop, "our client") / rps(loop, "openapi-fetch");
  const ratioDelayed = rps(delayed, "our client") / rps(delayed, "raw fetch");
  const ratioPlainToRaw = rps(loop, "openapi-fetch") / rps(loop, "raw fetch");
  const ratioTimeout = rps(loop, "our client") / rps(loop, "raw fetch + timeout");
  const ratioTimeoutToRaw = rps(loop, "raw fetch + timeout") / rps(loop, "raw fetch");
  const stubCost = us(stub, "our client") - us(stub, "openapi-fetch");
  const loopMet = ratioPlain >= 0.95 && ratioRaw >= 0.9;
  const stubMet = stubCost <= 5;
  const notes: string[] = [];
  if (!loopMet) {
    notes.push(
      `Loopback: our client reaches ${round(ratioPlain, 3)}x plain openapi-fetch and ${round(ratioRaw, 3)}x raw fetch (targets 0.95x and 0.90x): ` +
        `${round(us(loop, "our client"), 1)} µs per call against ${round(us(loop, "openapi-fetch"), 1)} and ${round(us(loop, "raw fetch"), 1)}; ` +
        `plain openapi-fetch itself reaches ${round(ratioPlainToRaw, 3)}x raw fetch, and raw fetch with a timeout (AbortSignal.timeout) ${round(ratioTimeoutToRaw, 3)}x ` +
        `(our client: ${round(ratioTimeout, 3)}x of that). With the server 1 ms away our client reaches ${round(ratioDelayed, 3)}x raw fetch.`,
    );
  }
  if (!stubMet) {
    notes.push(
      `Stub fetch: our layers cost ${round(stubCost, 1)} µs of CPU per call on top of plain openapi-fetch (target 5 µs); ` +
        "`npx tsx bench/profile.ts` shows where (see the profile summary below).",
    );
  }
  return {
    name: "overhead",
    notes,
    details: {
      rounds: o.rounds,
      loopbackCallsPerRound: o.loopbackCalls,
      stubCallsPerRound: o.stubCalls,
      loopbackMicrosecondsPerCall: Object.fromEntries([...loop].map(([k, v]) => [k, round(v * 1e6, 2)])),
      loopbackCallsPerSecond: Object.fromEntries([...loop].map(([k, v]) => [k, Math.round(1 / v)])),
      delayed1msCallsPerSecond: Object.fromEntries([...delayed].map(([k, v]) => [k, Math.round(1 / v)])),
      ratioOursToRawFetchAt1ms: round(ratioDelayed, 3),
      ratioOpenapiFetchToRawFetch: round(ratioPlainToRaw, 3),
      ratioRawFetchWithTimeoutToRawFetch: round(ratioTimeoutToRaw, 3),
      ratioOursToRawFetchWithTimeout: round(ratioTimeout, 3),
      stubMicrosecondsPerCall: Object.fromEntries([...stub].map(([k, v]) => [k, round(v * 1e6, 2)])),
      ratioOursToRawFetch: round(ratioRaw, 3),
      ratioOursToOpenapiFetch: round(ratioPlain, 3),
      ourLayersMicrosecondsPerCall: round(stubCost, 2),
    },
    rows: [
      {
        benchmark: "1. Per-call overhead (loopback)",
        measure: "GET calls/s, sequential",
        baseline: `raw fetch ${Math.round(rps(loop, "raw fetch"))} (with a timeout ${Math.round(rps(loop, "raw fetch + timeout"))}); openapi-fetch ${Math.round(rps(loop, "openapi-fetch"))}`,
        ours: String(Math.round(rps(loop, "our client"))),
        ratio: `${round(ratioPlain, 3)}x openapi-fetch; ${round(ratioRaw, 3)}x raw (${round(ratioTimeout, 3)}x raw with a timeout)`,
        target: "≥ 0.95x openapi-fetch, ≥ 0.90x raw fetch",
        met: loopMet,
      },
      {
        benchmark: "1. Per-call overhead (server 1 ms away)",
        measure: "GET calls/s, sequential",
        baseline: `raw fetch ${Math.round(rps(delayed, "raw fetch"))}; openapi-fetch ${Math.round(rps(delayed, "openapi-fetch"))}`,
        ours: String(Math.round(rps(delayed, "our client"))),
        ratio: `${round(ratioDelayed, 3)}x raw`,
        target: "≥ 0.95x raw fetch",
        met: ratioDelayed >= 0.95,
      },
      {
        benchmark: "1. Per-call overhead (stub fetch)",
        measure: "CPU µs per call, pure client cost",
        baseline: `raw ${round(us(stub, "raw fetch"), 1)}; openapi-fetch ${round(us(stub, "openapi-fetch"), 1)}`,
        ours: `${round(us(stub, "our client"), 1)} (${stubCost >= 0 ? "+" : ""}${round(stubCost, 1)} over openapi-fetch)`,
        ratio: `${round(us(stub, "our client") / us(stub, "openapi-fetch"), 2)}x openapi-fetch time`,
        target: "≤ +5 µs over openapi-fetch",
        met: stubMet,
      },
    ],
  };
}
