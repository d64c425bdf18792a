// Renders the contract into one self-contained HTML page (build/docs/index.html) that opens offline.
// Redoc's bundle is inlined and its browser telemetry is off; the one asset Redoc still fetches from
// its CDN (the "API docs by" logo) is swapped for an inline SVG so the page contacts no other host.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2] ?? "build/docs/index.html";
try {
  execFileSync(
    join("node_modules", ".bin", "redocly"),
    [
      "build-docs",
      "identity",
      "--inlineBundle",
      "--openapi.disableTelemetry=true",
      "--title",
      "UiPath Identity API: Groups and Robot Accounts",
      "-o",
      out,
    ],
    { stdio: "pipe" },
  );
} catch (err) {
  // Redocly's output is only worth showing when it failed (otherwise it is a Node 20 notice).
  process.stderr.write(String(err.stderr ?? err));
  process.exit(1);
}

const logo =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="14"><text x="0" y="11" font-size="11" font-family="sans-serif">Redoc</text></svg>',
  );
let html = readFileSync(out, "utf8");
for (const asset of ["https://cdn.redoc.ly/redoc/logo-mini-full.svg", "https://cdn.redoc.ly/redoc/logo-mini.svg"]) {
  if (!html.includes(asset)) throw new Error(`docs: expected Redoc to reference ${asset}; re-check offline rendering`);
  html = html.split(asset).join(logo);
}
writeFileSync(out, html);
console.log(`docs: wrote ${out} (${Math.round(Buffer.byteLength(html) / 1024)} KiB)`);
