// Measures what the client adds to a user's bundle: minified + gzipped, next to openapi-fetch alone.
import { build } from "esbuild";
import { gzipSync } from "node:zlib";

async function measure(entry) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
    external: ["node:*"],
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const rows = [
  ["openapi-fetch (alone)", await measure("node_modules/openapi-fetch/dist/index.mjs")],
  ["uipath-identity-toolkit client (includes openapi-fetch)", await measure("src/client/index.ts")],
];
console.log("| bundle | minified | minified + gzip |\n|---|---|---|");
for (const [name, size] of rows) console.log(`| ${name} | ${kib(size.minified)} | ${kib(size.gzipped)} |`);
