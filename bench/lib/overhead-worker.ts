// One variant of benchmark 1 in a process of its own: `--variant` (raw fetch, openapi-fetch, our
// client) against `--origin` or, without one, the stub fetch handed over the way `--path` says
// (default, fetchWithInit, fetch). It warms up until its code is optimized and prints
// {"ready": true}; then each line it reads is a number of calls to time, sequentially, and it
// answers {"secondsPerCall": wall, "cpuSecondsPerCall": this process's CPU} for them. It stays up
// between blocks, so blocks of several variants can alternate (see `interleave` in ./interleave.ts).
import { createInterface } from "node:readline";
import { stubFetch, variants, warmUp, type SendingPath, type Variant } from "../overhead.js";

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const origin = arg("origin");
const path = (arg("path") ?? "default") as SendingPath;
const variant = variants(origin ?? "http://127.0.0.1:9", origin ? undefined : stubFetch, path).list.find(
  (v: Variant) => v.name === arg("variant"),
);
if (!variant) throw new Error(`unknown variant ${arg("variant")}`);

// The token, the connection, and the JIT.
await warmUp(variant.call);
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const calls = Number(line);
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (let i = 0; i < calls; i++) await variant.call();
  const used = process.cpuUsage(cpu);
  const secondsPerCall = Number(process.hrtime.bigint() - started) / 1e9 / calls;
  const cpuSecondsPerCall = (used.user + used.system) / 1e6 / calls;
  process.stdout.write(`${JSON.stringify({ secondsPerCall, cpuSecondsPerCall })}\n`);
}
