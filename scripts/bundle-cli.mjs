// The CLI as one bundle whose commands' work sits in chunks loaded when a command runs
// (dist/cli/bundle/, what bin/uipath-identity.js runs), from tsc's output in dist/cli/. Run by
// `npm run build`, and by the tests' global set-up when the sources are newer than the bundle, so
// tests and benchmarks that start the binary never run an older build.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { build } from "esbuild";

const BUNDLE = "cli/bundle";
process.chdir(new URL("..", import.meta.url).pathname);

// One bundle because resolving and loading some hundred files on every start cost more than running
// them (BENCHMARKS.md, benchmark 8). Packages are bundled too; the few loaded with require
// (src/cli/lazy.ts) stay outside. The chunks sit as deep as dist/cli/iac/, so paths built from
// import.meta.url (the schema, the contract) still point into the package. Each file is written
// beside and renamed, and chunks of an older build go last, so a CLI started meanwhile finds whole
// files.
const bundle = await build({
  entryPoints: ["dist/cli/main.js"],
  outdir: join("dist", BUNDLE),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // CommonJS packages in an ES module bundle call require for Node's own modules.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  write: false,
  logLevel: "warning",
});
mkdirSync(join("dist", BUNDLE), { recursive: true });
const written = new Set();
for (const file of bundle.outputFiles) {
  writeFileSync(`${file.path}.${process.pid}`, file.contents);
  renameSync(`${file.path}.${process.pid}`, file.path);
  written.add(basename(file.path));
}
for (const old of readdirSync(join("dist", BUNDLE))) if (!written.has(old)) rmSync(join("dist", BUNDLE, old));
