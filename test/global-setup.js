// Compiles src/ to dist/ and bundles the CLI once per test run when either is older than the
// sources, so the tests that run the `uipath-identity` binary in a child process run the compiled
// program of these sources, as users do.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export default function globalSetup() {
  const sources = Math.max(newest(join(root, "src")), newest(join(root, "generated")));
  const compiled = join(root, "dist/cli/main.js");
  if (!existsSync(compiled) || statSync(compiled).mtimeMs < sources) {
    execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], {
      stdio: "inherit",
    });
    execFileSync(
      process.execPath,
      ["-e", "require('node:fs').copyFileSync('src/emulator/demo-seed.json','dist/emulator/demo-seed.json')"],
      {
        cwd: root,
      },
    );
  }
  // The binary runs the bundle, not dist/cli/main.js: it must be newer than what it is built from.
  const bundled = join(root, "dist/cli/bundle/main.js");
  if (!existsSync(bundled) || statSync(bundled).mtimeMs < Math.max(sources, statSync(compiled).mtimeMs)) {
    execFileSync(process.execPath, [join(root, "scripts/bundle-cli.mjs")], { stdio: "inherit" });
  }
}
