// `npm test`'s last step: the Jest suite (the packed-package consumer test included) under every
// Node major the project supports, one after another (two cores do not run two suites faster).
// Each run puts its Node first on PATH, so what the tests start by name (`node`, tsx, prism, npm,
// the linters' bins) runs on the same Node as Jest and its workers (process.execPath).
//   TEST_NODE_VERSIONS=22,24 npm test     only these majors; "current" means the running Node
//   npm test -- test/client               arguments after -- go to Jest on every version
// A version that fails, or cannot be installed, fails the whole run and is named at the end. The
// last line is the usual "Tests: N passed, N failed", summed over every version.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TESTED_MAJORS, currentMajor, nodeBinary } from "./node-builds.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const chosen = process.env.TEST_NODE_VERSIONS?.trim();
const majors = chosen ? chosen.split(/[\s,]+/).map((v) => (v === "current" ? currentMajor() : Number(v))) : TESTED_MAJORS;
const jestArgs = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), "identity-test-nodes-"));

const results = [];
for (const major of majors) {
  const started = Date.now();
  let bin;
  try {
    bin = nodeBinary(major);
  } catch (error) {
    results.push({ major, version: String(major), ok: false, why: error.message, seconds: 0 });
    console.error(`\nNode ${major}: ${error.message}`);
    continue;
  }
  const version = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim().replace(/^v/, "");
  console.log(`\n=== Jest on Node ${version} (${bin === process.execPath ? "the running Node" : bin}) ===\n`);
  const summary = join(work, `jest-${version}.json`);
  const env = { ...process.env, PATH: `${dirname(bin)}${delimiter}${process.env.PATH ?? ""}`, npm_node_execpath: bin, NODE: bin };
  // Under `npm test` the outer npm exports the prefix it derived from its own Node's location; an
  // npm started inside the suite would then put that Node's bin directory first on PATH.
  delete env.npm_config_prefix;
  delete env.npm_config_global_prefix;
  const run = spawnSync(
    bin,
    ["--experimental-vm-modules", "node_modules/jest/bin/jest.js", "--json", `--outputFile=${summary}`, ...jestArgs],
    { cwd: root, stdio: "inherit", env },
  );
  const counts = readCounts(summary);
  const ok = run.status === 0 && counts !== undefined && counts.failed === 0;
  const why = run.error ? run.error.message : run.signal ? `killed by ${run.signal}` : `Jest exited with ${run.status}`;
  results.push({ major, version, ok, why, counts, seconds: Math.round((Date.now() - started) / 1000) });
}
rmSync(work, { recursive: true, force: true });

console.log("\n=== Node versions ===");
for (const r of results) {
  const counts = r.counts ? `${r.counts.passed} passed, ${r.counts.failed} failed` : "no results";
  console.log(`Node ${r.version}: ${r.ok ? "passed" : `FAILED (${r.why})`} — ${counts}, ${r.seconds} s`);
}
const failedOn = results.filter((r) => !r.ok).map((r) => `Node ${r.version}`);
if (failedOn.length > 0) console.log(`Failed on ${failedOn.join(", ")}.`);
const passed = results.reduce((n, r) => n + (r.counts?.passed ?? 0), 0);
// A version without results counts as one failure, as a suite that cannot load does.
const failed = results.reduce((n, r) => n + (r.counts ? r.counts.failed : 1), 0);
const skipped = results.reduce((n, r) => n + (r.counts?.skipped ?? 0), 0);
const line = `Tests: ${passed} passed, ${failed} failed`;
console.log(skipped > 0 ? `${line}, ${skipped} skipped` : line);
process.exit(failedOn.length > 0 ? 1 : 0);

/** Counts from Jest's --json output, with suites that failed to load counted as failures. */
function readCounts(file) {
  try {
    const r = JSON.parse(readFileSync(file, "utf8"));
    return {
      passed: r.numPassedTests,
      failed: r.numFailedTests + r.numRuntimeErrorTestSuites,
      skipped: r.numPendingTests + r.numTodoTests,
    };
  } catch {
    return undefined;
  }
}
