// `npm test` runs this suite once per supported Node (scripts/test-nodes.mjs). What the tests
// start by name — `node`, tsx, npm, and every bin with a `#!/usr/bin/env node` line (Prism,
// Spectral, Redocly) — must run on that same Node, or a version would only be tested in part.
import { describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the Node under test", () => {
  it("is what node, tsx and npm started by name run on", async () => {
    const printVersion = "console.log(process.version)";
    const [node, tsx, npm] = await Promise.all([
      run("node", ["-e", printVersion]),
      run(`${root}node_modules/.bin/tsx`, ["-e", printVersion]),
      run("npm", ["exec", "--offline", "--", "node", "-e", printVersion], { cwd: root }),
    ]);
    expect([node.stdout.trim(), tsx.stdout.trim(), npm.stdout.trim()]).toEqual([process.version, process.version, process.version]);
  });
});
