// Benchmark 3: iterate every robot account of an emulator seeded with 10,000 and then 100,000 of
// them. The client runs in a child process started with --expose-gc, so its heap is measured
// alone (the emulator and its data stay in this process).
import { DEMO_CLIENT, startEmulator } from "../src/emulator/index.js";
import { startChild } from "./lib/child.js";
import { robotSeed } from "./lib/ids.js";
import type { BenchResult } from "./lib/result.js";
import { round } from "./lib/stats.js";

export interface PagingOptions {
  small: number;
  large: number;
}

interface Walk {
  items: number;
  pages: number;
  ordered: boolean;
  elapsedMs: number;
  peakGrowthBytes: number;
  liveGrowthBytes: number;
  retainedBytes: number;
}

async function walk(count: number): Promise<Walk> {
  const emulator = await startEmulator({ seed: robotSeed(count), rateLimit: false });
  try {
    const child = await startChild<Walk>(
      new URL("./paging-worker.ts", import.meta.url),
      [emulator.baseUrl(), DEMO_CLIENT.clientId, DEMO_CLIENT.clientSecret],
      ["--expose-gc"],
    );
    await child.stop();
    return child.first;
  } finally {
    await emulator.close();
  }
}

const MB = 1024 * 1024;

export async function runPaging(o: PagingOptions): Promise<BenchResult> {
  const small = await walk(o.small);
  const large = await walk(o.large);
  const expectedPages = Math.ceil(o.large / 1000);
  const pagesMet = large.pages === expectedPages && large.items === o.large && large.ordered;
  const peakMb = (w: Walk) => round(w.peakGrowthBytes / MB, 1);
  const heapMet = large.peakGrowthBytes < 50 * MB && small.peakGrowthBytes < 50 * MB;
  const liveMb = (w: Walk) => round(w.liveGrowthBytes / MB, 2);
  // Flat: live memory at 100,000 items within 1 MB of what 10,000 needed.
  const liveMet = large.liveGrowthBytes < 50 * MB && large.liveGrowthBytes - small.liveGrowthBytes < MB;
  const notes: string[] = [];
  if (!pagesMet) notes.push(`Paging made ${large.pages} requests for ${large.items} items (expected ${expectedPages} for ${o.large}).`);
  if (!liveMet) notes.push(`Live heap growth ${liveMb(small)} MB / ${liveMb(large)} MB (target flat, under 50 MB).`);
  if (!heapMet) notes.push(`Peak heap growth ${peakMb(small)} MB / ${peakMb(large)} MB (target under 50 MB).`);
  return {
    name: "paging",
    notes,
    details: { small: { count: o.small, ...small }, large: { count: o.large, ...large }, expectedPages },
    rows: [
      {
        benchmark: `3. Paging ${o.large.toLocaleString("en-US")} robot accounts`,
        measure: "page requests; items in order",
        baseline: `ceil(N/1000) = ${expectedPages}`,
        ours: `${large.pages}; ${large.items} items${large.ordered ? ", in order" : ", OUT OF ORDER"} (${round(large.elapsedMs / 1000, 1)} s)`,
        ratio: `${round(large.pages / expectedPages, 3)}x`,
        target: "exactly ceil(N/1000)",
        met: pagesMet,
      },
      {
        benchmark: "3. Paging heap",
        measure: "peak heap growth while iterating",
        baseline: `${o.small.toLocaleString("en-US")} items: ${peakMb(small)} MB`,
        ours: `${o.large.toLocaleString("en-US")} items: ${peakMb(large)} MB`,
        ratio: `${round(large.peakGrowthBytes / Math.max(1, small.peakGrowthBytes), 2)}x`,
        target: "flat, < 50 MB",
        met: heapMet,
      },
      {
        benchmark: "3. Paging live heap",
        measure: "live heap growth (GC every 10 pages)",
        baseline: `${o.small.toLocaleString("en-US")} items: ${liveMb(small)} MB`,
        ours: `${o.large.toLocaleString("en-US")} items: ${liveMb(large)} MB`,
        ratio: `${round(large.liveGrowthBytes / Math.max(1, small.liveGrowthBytes), 2)}x`,
        target: "flat, < 50 MB",
        met: liveMet,
      },
    ],
  };
}
