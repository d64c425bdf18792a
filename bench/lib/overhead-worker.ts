// One batch of benchmark 1 in a process of its own: `--variant` (raw fetch, openapi-fetch, our
// client), `--calls` sequential GETs, against `--origin` (wall time) or, without one, the stub
// fetch (CPU time). Prints {"secondsPerCall": ...} and exits.
import { stubFetch, variants, type Variant } from "../overhead.js";

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const origin = arg("origin");
const calls = Number(arg("calls") ?? "1000");
const variant = variants(origin ?? "http://127.0.0.1:9", origin ? undefined : stubFetch).list.find(
  (v: Variant) => v.name === arg("variant"),
);
if (!variant) throw new Error(`unknown variant ${arg("variant")}`);

// Warm-up: the token, the connection, and enough calls for the JIT to settle.
for (let i = 0; i < Math.max(500, Math.min(5000, calls)); i++) await variant.call();
let secondsPerCall: number;
if (origin) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await variant.call();
  secondsPerCall = Number(process.hrtime.bigint() - started) / 1e9 / calls;
} else {
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i++) await variant.call();
  const used = process.cpuUsage(started);
  secondsPerCall = (used.user + used.system) / 1e6 / calls;
}
process.stdout.write(`${JSON.stringify({ secondsPerCall })}\n`);
