// Benchmark 4: 1,000 calls started at once on a client whose token cache is cold. The token
// endpoint should see one request, and the burst should cost about what it costs once a token is
// cached (the baseline: the same burst again on the now-warm client).
import { DEMO_CLIENT, startEmulator } from "../src/emulator/index.js";
import { createIdentityClient } from "../src/client/index.js";
import { ORG_ID, ROBY } from "./lib/ids.js";
import type { BenchResult } from "./lib/result.js";
import { median, round } from "./lib/stats.js";

export interface TokenOptions {
  calls: number;
}

export async function runToken(o: TokenOptions): Promise<BenchResult> {
  const emulator = await startEmulator({ seed: "demo", rateLimit: false });
  try {
    let tokenRequests = 0;
    const newClient = () =>
      createIdentityClient({
        baseUrl: emulator.baseUrl(),
        partitionGlobalId: ORG_ID,
        credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret },
        rateLimit: false,
        onRequest: (e) => {
          if (e.url.endsWith("/connect/token")) tokenRequests++;
        },
      });
    let client = newClient();
    const burst = async (): Promise<number> => {
      const started = performance.now();
      await Promise.all(Array.from({ length: o.calls }, () => client.robotAccounts.get(ROBY)));
      return performance.now() - started;
    };
    // A first burst on a throw-away client warms the JIT and the emulator, so "cold" below means
    // only a cold token cache.
    await burst();
    client = newClient();
    tokenRequests = 0;
    const coldMs = await burst();
    const coldTokens = tokenRequests;
    const warmMs = median([await burst(), await burst(), await burst()]);
    const met = coldTokens === 1 && tokenRequests === 1;
    return {
      name: "token",
      notes: met ? [] : [`${coldTokens} token requests for ${o.calls} concurrent calls on a cold cache (target 1).`],
      details: {
        calls: o.calls,
        tokenRequestsCold: coldTokens,
        tokenRequestsTotal: tokenRequests,
        coldMs: round(coldMs, 1),
        warmMs: round(warmMs, 1),
      },
      rows: [
        {
          benchmark: `4. Token: ${o.calls} concurrent calls, cold cache`,
          measure: "token requests; burst time",
          baseline: `warm cache: ${round(warmMs)} ms (median of 3)`,
          ours: `${coldTokens} token request; ${round(coldMs)} ms`,
          ratio: `${round(coldMs / warmMs, 2)}x warm time`,
          target: "1 token request",
          met,
        },
      ],
    };
  } finally {
    await emulator.close();
  }
}
