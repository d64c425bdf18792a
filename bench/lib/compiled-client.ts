// The client as users run it: tsc's output (what `npm run build` publishes), not tsx's
// on-the-fly transform, which wraps every function expression in a name-keeping helper call that
// costs about 3,000 instructions per call here and that no user ever runs. Compiled into
// bench/results/build/ (git-ignored), again only when a source file is newer than the output.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const TSC = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The file URL of the compiled client entry point of the source tree at `root` (this repository
 * by default; another checkout to compare with, e.g. BENCH_CLIENT_ROOT=/tmp/main-copy).
 */
export function compiledClient(root: string = fileURLToPath(new URL("../..", import.meta.url))): string {
  const outDir = join(root, "bench", "results", "build");
  const entry = join(outDir, "client", "index.js");
  if (!existsSync(entry) || statSync(entry).mtimeMs < newestSource(join(root, "src"))) {
    execFileSync(process.execPath, [TSC, "-p", join(root, "tsconfig.build.json"), "--outDir", outDir, "--declaration", "false"], {
      // tsc's report to stderr: a worker's stdout is the lines its parent reads.
      stdio: ["ignore", 2, 2],
    });
  }
  // The compiled client imports ../../generated/ (the scope table), as dist/ does in the package.
  const generated = join(outDir, "..", "generated");
  if (!existsSync(generated) && existsSync(join(root, "generated", "scopes.js"))) symlinkSync(join(root, "generated"), generated, "dir");
  return pathToFileURL(entry).href;
}
