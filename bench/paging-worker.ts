// Child process of the paging benchmark (started with --expose-gc): iterates every robot account
// of the emulator at argv[2] without keeping any, counts the page requests, and samples the heap
// after each page (then walks again, collecting garbage every ten pages, for live memory). Prints one JSON line with the numbers.
import { createIdentityClient } from "../src/client/index.js";
import { ORG_ID } from "./lib/ids.js";

const [baseUrl, clientId, clientSecret] = process.argv.slice(2) as [string, string, string];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

let pages = 0;
const client = createIdentityClient({
  baseUrl,
  partitionGlobalId: ORG_ID,
  credentials: { clientId, clientSecret },
  onRequest: (e) => {
    if (e.method === "GET" && e.url.includes("/api/RobotAccount/")) pages++;
  },
});

// The token and the first connection are not part of the listing's memory.
await client.robotAccounts.listPage({ top: 1 });
pages = 0;
gc();
const baseline = process.memoryUsage().heapUsed;
let peak = baseline;
let items = 0;
let lastName = "";
let ordered = true;
const started = performance.now();
for await (const robot of client.robotAccounts.list()) {
  items++;
  // Names were seeded in increasing order; checking it costs nothing and catches a skipped page.
  if ((robot.name ?? "") <= lastName) ordered = false;
  lastName = robot.name ?? "";
  if (items % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
}
const elapsedMs = performance.now() - started;
const pagesRequested = pages;
peak = Math.max(peak, process.memoryUsage().heapUsed);
gc();
const retained = process.memoryUsage().heapUsed - baseline;

// Second pass: collect every ten pages before sampling, so the number is live memory only,
// without the garbage that simply has not been collected yet.
let livePeak = 0;
let seen = 0;
gc();
const liveBaseline = process.memoryUsage().heapUsed;
for await (const _robot of client.robotAccounts.list()) {
  if (++seen % 10_000 === 0) {
    gc();
    livePeak = Math.max(livePeak, process.memoryUsage().heapUsed - liveBaseline);
  }
}
const result = {
  items,
  pages: pagesRequested,
  ordered,
  elapsedMs,
  peakGrowthBytes: peak - baseline,
  liveGrowthBytes: livePeak,
  retainedBytes: retained,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
