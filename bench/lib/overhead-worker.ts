// One batch of benchmark 1 in a process of its own: `--variant` (raw fetch, openapi-fetch, our
// client), warmed up until its code is optimized, then `--calls` sequential GETs, against
// `--origin` (which holds the timed calls' answers `--delay-ms`, if given) or, without one, the
// stub fetch handed over the way `--path` says (default, fetchWithInit, fetch). Prints
// {"secondsPerCall": wall, "cpuSecondsPerCall": this process's CPU} and exits.
import { stubFetch, variants, warmUp, type SendingPath, type Variant } from "../overhead.js";

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const origin = arg("origin");
const calls = Number(arg("calls") ?? "1000");
const path = (arg("path") ?? "default") as SendingPath;
const variant = variants(origin ?? "http://127.0.0.1:9", origin ? undefined : stubFetch, path).list.find(
  (v: Variant) => v.name === arg("variant"),
);
if (!variant) throw new Error(`unknown variant ${arg("variant")}`);

// Warm-up: the token, the connection, and the JIT; against a server that answers at once, so
// warming up does not take a thousand times the delay.
await warmUp(variant.call);
const delayMs = arg("delay-ms");
const setDelay = async (ms: string) => {
  const answer = await fetch(`${origin}/bench/delay-ms`, { method: "PUT", body: ms });
  if (answer.status !== 204) throw new Error(`the server did not take the delay (${answer.status})`);
};
if (origin && delayMs) await setDelay(delayMs);
const started = process.hrtime.bigint();
const cpu = process.cpuUsage();
for (let i = 0; i < calls; i++) await variant.call();
const used = process.cpuUsage(cpu);
const secondsPerCall = Number(process.hrtime.bigint() - started) / 1e9 / calls;
const cpuSecondsPerCall = (used.user + used.system) / 1e6 / calls;
if (origin && delayMs) await setDelay("0");
process.stdout.write(`${JSON.stringify({ secondsPerCall, cpuSecondsPerCall })}\n`);
