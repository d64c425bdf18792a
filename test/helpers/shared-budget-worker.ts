// One process of a multi-process run (the shared-budget tests and bench/shared-budget.ts): updates
// the given robot accounts through its own client, and reports when each PUT was sent and what came
// back. Config as JSON in argv[2]. Prints {"ready":true} once its token and connection are warm,
// starts on the first line of standard input, prints its result as one JSON line, then simply ends:
// an open Redis connection must not keep it alive.
import { createInterface } from "node:readline";
import { createIdentityClient, type RateLimitOptions } from "../../src/client/index.js";

export interface WorkerConfig {
  baseUrl: string;
  partitionGlobalId: string;
  clientId: string;
  clientSecret: string;
  rateLimit: RateLimitOptions | false;
  /** Robot accounts to update, one PUT each. */
  ids: string[];
  /** Updates in flight at once. */
  workers: number;
}

export interface WorkerResult {
  /** Date.now() at each PUT sent (retries included). */
  sends: number[];
  tooMany: number;
  failures: number;
  firstFailure?: string;
  elapsedMs: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as WorkerConfig;
const sends: number[] = [];
let tooMany = 0;
const client = createIdentityClient({
  baseUrl: config.baseUrl,
  partitionGlobalId: config.partitionGlobalId,
  credentials: { clientId: config.clientId, clientSecret: config.clientSecret },
  rateLimit: config.rateLimit,
  onRequest: (e) => {
    if (e.method === "PUT") sends.push(Date.now());
  },
  onResponse: (e) => {
    if (e.status === 429) tooMany++;
  },
});
await client.robotAccounts.get(config.ids[0] as string); // token and connection, before the start

const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.once("line", () => resolve()));
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
await go;
lines.close();

const started = performance.now();
let failures = 0;
let firstFailure: string | undefined;
let next = 0;
const worker = async (): Promise<void> => {
  while (next < config.ids.length) {
    const id = config.ids[next++] as string;
    try {
      await client.robotAccounts.update(id, { displayName: `Updated by ${process.pid}` });
    } catch (error) {
      failures++;
      firstFailure ??= String(error);
    }
  }
};
await Promise.all(Array.from({ length: Math.min(config.workers, config.ids.length) }, worker));
const result: WorkerResult = { sends, tooMany, failures, elapsedMs: performance.now() - started };
if (firstFailure !== undefined) result.firstFailure = firstFailure;
process.stdout.write(`${JSON.stringify(result)}\n`);
