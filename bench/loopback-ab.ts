// A/B runs of benchmark 1 on loopback, for telling small differences apart: named variants, each
// from this checkout or from another copy of the repository (`@/path`, measured through
// BENCH_CLIENT_ROOT), in worker processes whose blocks of calls take turns (lib/interleave.ts).
// Prints each one's µs per call (wall, and the worker's own CPU) and its calls/s relative to the
// first variant, over all sets and per set. Where `taskset` exists the server gets the last CPU
// and the clients the others, as if the server were another machine.
//   npx tsx bench/loopback-ab.ts --node 22 --sets 6 --rounds 20 --calls 200 \
//     "oft=openapi-fetch + timeout" "ours=our client" "change=our client@/tmp/copy"
import { cpuPins, startChild } from "./lib/child.js";
import { interleave } from "./lib/interleave.js";
import { reexecUnderChosenNode } from "./lib/node-choice.js";

reexecUnderChosenNode();
const args = process.argv.slice(2);
const option = (name: string, fallback: string): number => {
  const i = args.indexOf(`--${name}`);
  return Number(i >= 0 ? args[i + 1] : fallback);
};
const sets = option("sets", "6");
const rounds = option("rounds", "20");
const calls = option("calls", "200");
const contenders = args
  .filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"))
  .map((spec) => {
    const [label, rest = ""] = spec.split("=", 2) as [string, string?];
    const [variant, root] = rest.split("@", 2) as [string, string?];
    return { label, variant, ...(root !== undefined && { env: { BENCH_CLIENT_ROOT: root } }) };
  });
if (contenders.length < 2) throw new Error('give two or more variants: "label=variant" or "label=variant@/path/to/checkout"');

const pins = cpuPins();
const server = await startChild<{ origin: string }>(new URL("./lib/minimal-server.ts", import.meta.url), [], [], { prefix: pins.server });
let result: Awaited<ReturnType<typeof interleave>>[number];
try {
  [result] = (await interleave(server.first.origin, contenders, sets, [{ rounds, calls, delayMs: 0 }])) as [typeof result];
} finally {
  await server.stop();
}

const first = contenders[0]!.label;
console.log(
  `Node ${process.version}, ${sets} sets of ${rounds} blocks of ${calls} calls per variant` +
    (pins.server.length > 0 ? `, server on CPU ${pins.server.at(-1)}` : ""),
);
for (const { label } of contenders) {
  const { wall, cpu } = result.total.get(label)!;
  const perSet = result.perSet.get(label)!.map((t, i) => (result.perSet.get(first)![i]!.wall / t.wall).toFixed(3));
  console.log(
    `${label.padEnd(16)} ${(wall * 1e6).toFixed(1).padStart(6)} µs/call (CPU ${(cpu * 1e6).toFixed(1)})  ` +
      `${(result.total.get(first)!.wall / wall).toFixed(3)}x ${first}  per set: ${perSet.join(" ")}`,
  );
}
