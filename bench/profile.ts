// Where one call's time goes: runs benchmark 1's stub-fetch loop (or, with --loopback, GETs against
// its minimal server) for one variant in a child process under the V8 sampling profiler and
// prints a table of CPU µs per call by operation and caller.
//   npx tsx bench/profile.ts [--variant "our client"|openapi-fetch|"raw fetch"] [--path default|fetchWithInit|fetch]
//                            [--calls 40000] [--loopback] [--node 24]
// The profile itself is left in bench/results/ for Chrome DevTools or speedscope.
import { mkdirSync, readFileSync } from "node:fs";
import { startChild } from "./lib/child.js";
import { reexecUnderChosenNode } from "./lib/node-choice.js";
import { profileTable, summarize, type CpuProfile } from "./lib/profile-summary.js";

reexecUnderChosenNode();
const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : fallback;
};
const variant = arg("variant", "our client");
const calls = arg("calls", "40000");
const dir = new URL("./results/", import.meta.url);
mkdirSync(dir, { recursive: true });
const loopback = args.includes("--loopback");
const path = arg("path", "default");
const out = new URL(
  `profile-${variant.replace(/\W+/g, "-")}${loopback ? "-loopback" : `-${path}`}-node${process.versions.node}.cpuprofile`,
  dir,
).pathname;

const server = loopback ? await startChild<{ origin: string }>(new URL("./lib/minimal-server.ts", import.meta.url)) : undefined;
const child = await startChild<{ file: string; calls: number; cpuMicros: number }>(new URL("./lib/profile-worker.ts", import.meta.url), [
  "--variant",
  variant,
  "--calls",
  calls,
  "--out",
  out,
  "--path",
  path,
  ...(server ? ["--origin", server.first.origin] : []),
]);
await child.stop();
await server?.stop();
const { file, cpuMicros } = child.first;
const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
const n = Number(calls);
console.log(
  `${variant}, Node ${process.version}: ${(cpuMicros / n).toFixed(2)} µs of CPU per call over ${n} ${loopback ? "loopback" : `stub-fetch (${path})`} calls\n`,
);
console.log(profileTable(summarize(profile, n)));
console.log(`\nProfile: ${file}`);
