// `--node 24` (or BENCH_NODE=24) on a benchmark command: run the same command again under that
// Node major — the running Node when it matches, otherwise the pinned official build from the npm
// registry (scripts/node-builds.mjs installs and caches it) — and exit with its status.
// `--node 20,22,24` runs it once per major, one after another, and fails if any run failed.
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const NODE_BUILDS = fileURLToPath(new URL("../../scripts/node-builds.mjs", import.meta.url));

export function reexecUnderChosenNode(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf("--node");
  const chosen = at >= 0 ? args[at + 1] : process.env["BENCH_NODE"];
  if (chosen === undefined || chosen === "") return;
  const majors = chosen.split(",").map(Number);
  if (majors.some((m) => !Number.isInteger(m))) throw new Error(`--node wants major versions such as 24 or 20,22,24, not "${chosen}"`);
  const current = Number(process.versions.node.split(".")[0]);
  if (majors.length === 1 && majors[0] === current) return;
  const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
  const failed: number[] = [];
  for (const major of majors) {
    const bin =
      major === current
        ? process.execPath
        : execFileSync(process.execPath, [NODE_BUILDS, String(major)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
    const run = spawnSync(bin, [...process.execArgv, process.argv[1] as string, ...rest, "--node", String(major)], {
      stdio: "inherit",
      env: { ...process.env, BENCH_NODE: "" },
    });
    if (run.status !== 0) failed.push(major);
  }
  if (failed.length > 0) console.error(`Failed on Node ${failed.join(", ")}.`);
  process.exit(failed.length > 0 ? 1 : 0);
}
