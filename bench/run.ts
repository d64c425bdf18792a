// Entry point of the benchmarks: `npx tsx bench/run.ts` (or `npm run bench`).
//   --only a,b         run some of: overhead, bulk, paging, token, emulator, shared, apply, startup
//   --quick            fewer rounds and calls (a smoke run; the numbers are rougher)
//   --node 24          run under that Node major (or BENCH_NODE=24); --node 20,22,24 runs once per major
//   --write-markdown   also rewrite BENCHMARKS.md: a full run its main table and the overhead and
//                      startup rows of its Node; `--only overhead` (or `startup`) just those rows
// Prints the table and writes bench/results/<timestamp>.json; a full run (no --quick, no --only)
// also writes bench/results/latest.json, the copy BENCHMARKS.md's table comes from.
import { mkdirSync, writeFileSync } from "node:fs";
import { runApply } from "./apply.js";
import { runBulk } from "./bulk.js";
import { runThroughput } from "./emulator-throughput.js";
import { reexecUnderChosenNode } from "./lib/node-choice.js";
import { consoleTable, describeMachine, loadAverage, missedLines, nodeMarkers, writeMarkdown } from "./lib/report.js";
import type { BenchResult } from "./lib/result.js";
import { runOverhead } from "./overhead.js";
import { runPaging } from "./paging.js";
import { runSharedBudget } from "./shared-budget.js";
import { runStartup } from "./startup.js";
import { runToken } from "./token.js";

reexecUnderChosenNode();
const args = process.argv.slice(2).filter((a, i, all) => a !== "--node" && all[i - 1] !== "--node");
const quick = args.includes("--quick");
const onlyArg = args.find((a) => a.startsWith("--only"));
const onlyValue = onlyArg?.includes("=") ? onlyArg.split("=")[1] : onlyArg ? args[args.indexOf(onlyArg) + 1] : undefined;
const only = onlyValue ? new Set(onlyValue.split(",")) : undefined;

const BENCHMARKS: Array<[string, () => Promise<BenchResult>]> = [
  [
    "overhead",
    () =>
      runOverhead(
        quick
          ? { rounds: 3, stubCalls: 2000, sets: 1, loopbackRounds: 6, loopbackCalls: 100, delayedRounds: 3, delayedCalls: 20 }
          : { rounds: 7, stubCalls: 50_000, sets: 8, loopbackRounds: 10, loopbackCalls: 400, delayedRounds: 10, delayedCalls: 40 },
      ),
  ],
  ["bulk", () => runBulk({ updates: 1000, budget: 160, windowMs: quick ? 1000 : 2000, workers: 8 })],
  ["paging", () => runPaging({ small: 10_000, large: 100_000 })],
  ["token", () => runToken({ calls: 1000 })],
  ["emulator", () => runThroughput({ durationMs: quick ? 1000 : 3000, concurrency: 16 })],
  ["startup", () => runStartup({ rounds: quick ? 5 : 21 })],
  ["apply", () => runApply({ robots: 1000, groups: 20, users: 200, windowMs: quick ? 1000 : 2000, concurrency: 8, rounds: quick ? 1 : 3 })],
  [
    "shared",
    () =>
      runSharedBudget({
        processes: 4,
        perProcess: 250,
        budget: 160,
        windowMs: quick ? 1000 : 2000,
        workers: 8,
        calls: quick ? 500 : 2000,
        rounds: quick ? 3 : 7,
      }),
  ],
];

const unknown = [...(only ?? [])].filter((name) => !BENCHMARKS.some(([n]) => n === name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(", ")}. Choose from ${BENCHMARKS.map(([n]) => n).join(", ")}.`);
  process.exit(2);
}

const machine = describeMachine();
console.log(
  `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB RAM, Node ${machine.node}, load average ${machine.loadAverage.start}${quick ? " — quick run" : ""}`,
);
const results: BenchResult[] = [];
const started = Date.now();
for (const [name, run] of BENCHMARKS) {
  if (only && !only.has(name)) continue;
  const t = Date.now();
  process.stdout.write(`running ${name} ... `);
  results.push(await run());
  console.log(`${((Date.now() - t) / 1000).toFixed(1)} s`);
}

machine.loadAverage.end = loadAverage();
console.log(`\n${consoleTable(results.flatMap((r) => r.rows))}\n`);
console.log(`Load average ${machine.loadAverage.start} at the start, ${machine.loadAverage.end} at the end.`);
for (const note of results.flatMap(missedLines)) console.log(`missed: ${note}`);

const when = new Date().toISOString();
const dir = new URL("./results/", import.meta.url);
mkdirSync(dir, { recursive: true });
const json = JSON.stringify({ when, quick, machine, totalSeconds: (Date.now() - started) / 1000, results }, null, 2);
const file = `${when.replace(/[:.]/g, "-")}.json`;
writeFileSync(new URL(file, dir), json);
const full = !quick && !only;
// Benchmarks whose rows BENCHMARKS.md keeps per Node, each in its own section.
const PER_NODE = ["overhead", "startup"] as const;
const perNodeOnly = !quick && only?.size === 1 && PER_NODE.some((name) => only.has(name));
if (full) writeFileSync(new URL("latest.json", dir), json);
console.log(`\nResults: bench/results/${full ? "latest.json" : file}`);
if (args.includes("--write-markdown") && !full && !perNodeOnly) {
  console.log("BENCHMARKS.md left alone: --write-markdown needs a full run, or --only overhead or --only startup (no --quick).");
} else if (args.includes("--write-markdown")) {
  const markdown = new URL("../BENCHMARKS.md", import.meta.url);
  if (full) writeMarkdown(markdown, results, machine, when);
  const major = Number(process.versions.node.split(".")[0]);
  const written = PER_NODE.filter((name) => results.some((r) => r.name === name));
  for (const name of written) {
    writeMarkdown(
      markdown,
      results.filter((r) => r.name === name),
      machine,
      when,
      nodeMarkers(major, name),
    );
  }
  console.log(`BENCHMARKS.md updated: ${full ? "the table and " : ""}the ${written.join(" and ")} rows for Node ${major}.`);
}
