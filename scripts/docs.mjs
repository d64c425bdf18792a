// Renders the contract into one self-contained HTML page (build/docs/index.html) that opens offline.
// Redoc's bundle is inlined and its browser telemetry is off; the one asset Redoc still fetches from
// its CDN (the "API docs by" logo) is swapped for an inline SVG so the page contacts no other host.
// Beside it, cli.html: the CLI reference (docs/cli.md) as a page of its own, which the emulator
// serves at /docs/cli.html. With a path argument, the API page is written there (the package build
// puts it in dist/docs/), and the CLI page beside it as cli.html.
//   node scripts/docs.mjs            build/docs/index.html and build/docs/cli.html (npm run docs)
//   node scripts/docs.mjs <file>     <file>, and cli.html beside it
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Marked, Renderer } from "marked";

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

writeCliReference("docs/cli.md", join(dirname(out), "cli.html"));

/** docs/cli.md as one plain page with a contents list, no script and nothing from another host. */
function writeCliReference(source, target) {
  const repository = JSON.parse(readFileSync("package.json", "utf8"))
    .repository.url.replace(/^git\+/, "")
    .replace(/\.git$/, "");
  const slug = (text) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
  const commands = [];
  const renderer = new Renderer();
  renderer.heading = (text, level, raw) => {
    if (level === 3) commands.push({ id: slug(raw), text });
    return `<h${level} id="${slug(raw)}">${text}</h${level}>\n`;
  };
  // The README link points into the repository on the published page.
  renderer.link = (href, title, text) => `<a href="${href.replace(/^\.\.\/README\.md/, repository)}">${text}</a>`;
  const body = new Marked({ renderer }).parse(readFileSync(source, "utf8"));
  const contents = commands.map((c) => `<li><a href="#${c.id}">${c.text}</a></li>`).join("\n");
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>uipath-identity command reference</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
pre { background: #f4f4f4; padding: 0.75rem 1rem; overflow-x: auto; border-radius: 4px; }
code { font-family: ui-monospace, monospace; font-size: 0.9em; }
h3 { margin-top: 2.5rem; border-top: 1px solid #ddd; padding-top: 1rem; }
nav ul { columns: 2; }
</style>
</head>
<body>
<p><a href="index.html">API reference</a> · uipath-identity command reference</p>
<nav><ul>
${contents}
</ul></nav>
${body}</body>
</html>
`;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, page);
  console.log(`docs: wrote ${target} (${commands.length} commands)`);
}
