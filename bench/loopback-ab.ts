// A/B runs of benchmark 1 on loopback, for telling small differences apart: named variants, each
// from this checkout or from another copy of the repository (`@/path`, measured through
// BENCH_CLIENT_ROOT), in rounds whose order rotates; each prints its median µs per call (wall and
// the client process's CPU) and the median over rounds of its calls/s relative to the first
// variant in the same round, which cancels the drift a shared machine adds between rounds.
// Where `taskset` exists the server gets the last CPU and the clients the others, as if the
// server were another machine.
//   npx tsx bench/loopback-ab.ts --node 22 --rounds 9 --calls 3000 \
//     "oft=openapi-fetch + timeout" "ours=our client" "change=our client@/tmp/copy"
import { cpuPins, startChild } from "./lib/child.js";
import { reexecUnderChosenNode } from "./lib/node-choice.js";
import { median } from "./lib/stats.js";

reexecUnderChosenNode();
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : fallback;
};
const rounds = Number(option("rounds", "9"));
const calls = option("calls", "3000");
const specs = args
  .filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"))
  .map((spec) => {
    const [label, rest = ""] = spec.split("=", 2) as [string, string?];
    const [variant, root] = rest.split("@", 2) as [string, string?];
    return { label, variant, root };
  });
if (specs.length < 2) throw new Error('give two or more variants: "label=variant" or "label=variant@/path/to/checkout"');

const pins = cpuPins();
const server = await startChild<{ origin: string }>(new URL("./lib/minimal-server.ts", import.meta.url), [], [], {
  prefix: pins.server,
});
const samples = specs.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
try {
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < specs.length; k++) {
      const i = (r + k) % specs.length;
      const { variant, root } = specs[i]!;
      const worker = await startChild<{ secondsPerCall: number; cpuSecondsPerCall: number }>(
        new URL("./lib/overhead-worker.ts", import.meta.url),
        ["--variant", variant, "--calls", calls, "--origin", server.first.origin],
        [],
        { prefix: pins.clients, ...(root !== undefined && { env: { BENCH_CLIENT_ROOT: root } }) },
      );
      await worker.stop();
      samples[i]!.wall.push(worker.first.secondsPerCall * 1e6);
      samples[i]!.cpu.push(worker.first.cpuSecondsPerCall * 1e6);
    }
  }
} finally {
  await server.stop();
}

const base = samples[0]!;
console.log(
  `Node ${process.version}, ${rounds} rounds of ${calls} calls${pins.server.length > 0 ? `, server on CPU ${pins.server.at(-1)}` : ""}`,
);
specs.forEach(({ label }, i) => {
  const { wall, cpu } = samples[i]!;
  const ratio = median(wall.map((w, round) => (base.wall[round] as number) / w));
  console.log(
    `${label.padEnd(16)} ${median(wall).toFixed(0).padStart(5)} µs/call (CPU ${median(cpu).toFixed(0)})  ${ratio.toFixed(3)}x ${specs[0]!.label}  rounds: ${wall.map((w) => w.toFixed(0)).join(" ")}`,
  );
});
