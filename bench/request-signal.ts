// What a Request that can be aborted costs: `new Request(url, init)` with and without an
// AbortSignal in `init`, in one process, the two interleaved in rounds (so both meet the same load),
// CPU µs per Request, median of the rounds. This is the floor under the client's one-Request
// `fetch` option: each attempt hands that fetch one Request, and for the per-attempt timeout to
// stop the request the Request must follow the attempt's signal (fetch(url, init) pays the same
// inside the platform's fetch when init has a signal).
//   npx tsx bench/request-signal.ts [--node 20,22,24,26] [--rounds 9] [--calls 20000]
import { loadavg } from "node:os";
import { reexecUnderChosenNode } from "./lib/node-choice.js";
import { median, round } from "./lib/stats.js";

reexecUnderChosenNode();
const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rounds = arg("rounds", 9);
const calls = arg("calls", 20_000);

const url =
  "http://127.0.0.1:9/hogwarts/identity_/api/RobotAccount/3fa85f64-5717-4562-b3fc-2c963f66afa6/c3a7e1f9-2b6d-4e80-9f14-7a5c0d3e8812";
const headers = { "user-agent": "uipath-identity-toolkit/0.1.0", accept: "application/json", authorization: "Bearer bench-access-token" };
// Kept, so no Request is optimized away before the round ends.
let last: Request | undefined;
const variants: Record<string, () => void> = {
  "without a signal": () => {
    last = new Request(url, { headers });
  },
  "with an AbortController's signal": () => {
    last = new Request(url, { headers, signal: new AbortController().signal });
  },
};
const samples = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
for (const make of Object.values(variants)) for (let i = 0; i < 2000; i++) make();
for (let r = 0; r < rounds; r++) {
  for (const [name, make] of Object.entries(variants)) {
    const started = process.cpuUsage();
    for (let i = 0; i < calls; i++) make();
    const used = process.cpuUsage(started);
    samples.get(name)!.push((used.user + used.system) / calls);
  }
}
const [plain, signal] = [...samples.values()].map(median) as [number, number];
console.log(
  `Node ${process.version}: new Request ${round(plain, 2)} µs without a signal, ${round(signal, 2)} µs with one ` +
    `(+${round(signal - plain, 2)} µs; median of ${rounds} rounds of ${calls}, load average ${round(loadavg()[0] ?? 0, 2)})` +
    (last ? "" : "."),
);
