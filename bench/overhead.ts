// Benchmark 1: what one GET costs through (a) raw fetch, (b) plain openapi-fetch with the
// generated `paths`, (c) our client with every layer on; first on loopback against a minimal
// node:http server in a child process, then with a stub fetch that answers at once, which
// leaves nothing but client code to time.
import createClient from "openapi-fetch";
import { createIdentityClient, type IdentityClient } from "../src/client/index.js";
import type { paths } from "../generated/schema.js";
import { startChild } from "./lib/child.js";
import { ORG_ID, ROBY } from "./lib/ids.js";
import type { BenchResult } from "./lib/result.js";
import { collectGarbage, median, round } from "./lib/stats.js";

export interface OverheadOptions {
  rounds: number;
  loopbackCalls: number;
  stubCalls: number;
  /** Calls per round against the server that holds each answer 1 ms. */
  delayedCalls: number;
}

type Variant = { name: "raw fetch" | "openapi-fetch" | "our client"; call: () => Promise<unknown> };

// Budgets no benchmark can reach: the limiter runs its bookkeeping but never waits.
const UNREACHABLE = { windowMs: 1000, budgets: { GET: 1e9, POST: 1e9, PUT: 1e9, PATCH: 1e9, DELETE: 1e9 } };

function variants(origin: string, fetchFn: (request: Request) => Promise<Response>): { list: Variant[]; client: IdentityClient } {
  const base = `${origin}/hogwarts/identity_`;
  const url = `${base}/api/RobotAccount/${ORG_ID}/${ROBY}`;
  const auth = { Authorization: "Bearer bench-access-token", Accept: "application/json" };
  const plain = createClient<paths>({ baseUrl: base, fetch: fetchFn });
  const client = createIdentityClient({
    baseUrl: base,
    partitionGlobalId: ORG_ID,
    credentials: { clientId: "bench-client", clientSecret: "bench-secret" },
    rateLimit: UNREACHABLE,
    fetch: fetchFn,
  });
  const list: Variant[] = [
    {
      name: "raw fetch",
      call: async () => (await fetchFn(new Request(url, { headers: auth }))).json(),
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

/** Median seconds-per-call of each variant over interleaved rounds (the order rotates each round). */
async function measure(list: Variant[], rounds: number, calls: number): Promise<Map<string, number>> {
  for (const v of list) for (let i = 0; i < Math.max(200, calls / 10); i++) await v.call(); // warm-up (and the token)
  const samples = new Map<string, number[]>(list.map((v) => [v.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < list.length; k++) {
      const v = list[(r + k) % list.length] as Variant;
      collectGarbage();
      const started = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) await v.call();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      samples.get(v.name)!.push(seconds / calls);
    }
  }
  return new Map([...samples].map(([name, s]) => [name, median(s)]));
}

const STUB_BODY = new TextEncoder().encode(
  JSON.stringify({ id: ROBY, name: "Roby", displayName: "Roby the robot", creationTime: "2024-01-01T00:00:00Z", lastLoginTime: null, groupIds: [] }),
);
const STUB_TOKEN = new TextEncoder().encode(JSON.stringify({ access_token: "bench-access-token", expires_in: 3600 }));
const STUB_HEADERS = { "content-type": "application/json" };

/** Answers at once with a fresh Response over prebuilt bytes (a body can be read only once). */
const stubFetch = (request: Request): Promise<Response> =>
  Promise.resolve(new Response(request.method === "POST" ? STUB_TOKEN : STUB_BODY, { status: 200, headers: STUB_HEADERS }));

export async function runOverhead(o: OverheadOptions): Promise<BenchResult> {
  const server = await startChild<{ origin: string }>(new URL("./lib/minimal-server.ts", import.meta.url));
  let loop: Map<string, number>;
  try {
    loop = await measure(variants(server.first.origin, (r) => fetch(r)).list, o.rounds, o.loopbackCalls);
  } finally {
    await server.stop();
  }
  // The same against a server 1 ms away: what the overhead means once there is any network at all.
  const slow = await startChild<{ origin: string }>(new URL("./lib/minimal-server.ts", import.meta.url), ["--delay-ms", "1"]);
  let delayed: Map<string, number>;
  try {
    delayed = await measure(variants(slow.first.origin, (r) => fetch(r)).list, o.rounds, o.delayedCalls);
  } finally {
    await slow.stop();
  }
  const stub = await measure(variants("http://127.0.0.1:9", stubFetch).list, o.rounds, o.stubCalls);

  const rps = (m: Map<string, number>, name: string) => 1 / (m.get(name) as number);
  const us = (m: Map<string, number>, name: string) => (m.get(name) as number) * 1e6;
  const ratioRaw = rps(loop, "our client") / rps(loop, "raw fetch");
  const ratioPlain = rps(loop, "our client") / rps(loop, "openapi-fetch");
  const ratioDelayed = rps(delayed, "our client") / rps(delayed, "raw fetch");
  const ratioPlainToRaw = rps(loop, "openapi-fetch") / rps(loop, "raw fetch");
  const stubCost = us(stub, "our client") - us(stub, "openapi-fetch");
  const loopCost = us(loop, "our client") - us(loop, "raw fetch");
  const notes: string[] = [];
  if (ratioRaw < 0.95) {
    notes.push(
      `Loopback throughput of our client is ${round(ratioRaw, 3)}x raw fetch (target 0.95x): it adds about ${round(loopCost, 1)} µs per call ` +
        `to a ${round(us(loop, "raw fetch"), 1)} µs loopback round trip. The stub run puts ${round(stubCost, 1)} µs of that in our own layers ` +
        `on top of openapi-fetch; plain openapi-fetch itself reaches only ${round(ratioPlainToRaw, 3)}x raw fetch here. With the server 1 ms away the ratio is ${round(ratioDelayed, 3)}x.`,
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
      stubMicrosecondsPerCall: Object.fromEntries([...stub].map(([k, v]) => [k, round(v * 1e6, 2)])),
      ratioOursToRawFetch: round(ratioRaw, 3),
      ratioOursToOpenapiFetch: round(ratioPlain, 3),
      ourLayersMicrosecondsPerCall: round(stubCost, 2),
    },
    rows: [
      {
        benchmark: "1. Per-call overhead (loopback)",
        measure: "GET calls/s, sequential",
        baseline: `raw fetch ${Math.round(rps(loop, "raw fetch"))}; openapi-fetch ${Math.round(rps(loop, "openapi-fetch"))}`,
        ours: String(Math.round(rps(loop, "our client"))),
        ratio: `${round(ratioRaw, 3)}x raw; ${round(ratioPlain, 3)}x openapi-fetch`,
        target: "≥ 0.95x raw fetch",
        met: ratioRaw >= 0.95,
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
        measure: "µs per call, pure client cost",
        baseline: `raw ${round(us(stub, "raw fetch"), 1)}; openapi-fetch ${round(us(stub, "openapi-fetch"), 1)}`,
        ours: `${round(us(stub, "our client"), 1)} (+${round(stubCost, 1)} over openapi-fetch)`,
        ratio: `${round(us(stub, "our client") / us(stub, "openapi-fetch"), 2)}x openapi-fetch time`,
        target: "informational",
        met: null,
      },
    ],
  };
}
