// `npm run build` (and so `npm install` here, and `npm pack`): generated/, then src/ compiled to
// dist/, the demo seed beside the emulator, the CLI bundled for a fast start (dist/cli/bundle/, what
// bin/uipath-identity.js runs), and the rendered API docs in dist/docs/index.html, which
// the installed `uipath-identity-emulator` serves at /docs. Tests may be running the CLI from dist/
// meanwhile (the package test packs), so nothing is wiped: compiled files are overwritten, files
// whose source is gone are removed, and the docs page replaces the old one in one rename.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, relative } from "node:path";

// Progress goes to stderr: `npm pack --json` runs this and prints its JSON on the same stdout.
const BUNDLE = "cli/bundle";
const node = (...args) => execFileSync(process.execPath, args, { stdio: ["ignore", 2, 2] });

node("scripts/generate.mjs");
node("node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json");
copyFileSync("src/emulator/demo-seed.json", "dist/emulator/demo-seed.json");

// Compiled output of a module that was renamed or deleted would otherwise ship in the package.
for (const file of readdirSync("dist", { recursive: true, encoding: "utf8" })) {
  const compiled = /^(.*)\.(js|d\.ts|js\.map)$/.exec(file);
  if (compiled && !file.startsWith("docs") && !file.startsWith(BUNDLE) && !existsSync(join("src", `${compiled[1]}.ts`)))
    rmSync(join("dist", file));
}

node("scripts/bundle-cli.mjs");

mkdirSync("dist/docs", { recursive: true });
const page = join("dist", "docs", `index.${process.pid}.html`);
node("scripts/docs.mjs", page);
renameSync(page, "dist/docs/index.html");
process.stderr.write(`build: dist/ is up to date (docs at ${relative(".", "dist/docs/index.html")})\n`);
