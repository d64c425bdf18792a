// Child process of bench/profile.ts: runs one variant of benchmark 1 (the stub-fetch loop, or GETs
// against `--origin`) with the V8 sampling profiler on for the measured calls only (not start-up
// or warm-up), then writes the profile and prints {file, calls, cpuMicros} on one line.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { stubFetch, variants, warmUp, type SendingPath, type Variant } from "../overhead.js";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : fallback;
};
const which = arg("variant", "our client");
const calls = Number(arg("calls", "40000"));
const out = arg("out", "profile.cpuprofile");
const origin = arg("origin", "");

const path = arg("path", "default") as SendingPath;
const variant = variants(origin || "http://127.0.0.1:9", origin ? undefined : stubFetch, path).list.find((v: Variant) => v.name === which);
if (!variant) throw new Error(`unknown variant ${which}`);
await warmUp(variant.call);

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: Number(arg("interval", "100")) });
await session.post("Profiler.start");
const cpu = process.cpuUsage();
for (let i = 0; i < calls; i++) await variant.call();
const used = process.cpuUsage(cpu);
const { profile } = await session.post("Profiler.stop");
session.disconnect();
writeFileSync(out, JSON.stringify(profile));
process.stdout.write(`${JSON.stringify({ file: out, calls, cpuMicros: used.user + used.system })}\n`);
