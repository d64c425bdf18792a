// The TypeScript examples of the user's guide (the README and docs/) compile, strictly, against the package as users import it (by
// its own name, resolved through package.json's exports to the built declarations).
import { describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const root = resolve(import.meta.dirname, "..");
// The user's guide: the README and the pages under docs/ it links to.
const pages = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const blocks = pages.flatMap((page) =>
  [...readFileSync(join(root, page), "utf8").matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string),
);

/** What a fragment takes for granted: the client's import (unless it has its own) and a few names. */
function header(code: string): string {
  return [
    ...(/^import \{ createIdentityClient/m.test(code) ? [] : ['import { createIdentityClient } from "uipath-identity-toolkit";']),
    'declare const credentials: import("uipath-identity-toolkit").ClientCredentials;',
    "declare function expect(value: unknown): { toEqual(expected: unknown): void };",
  ].join("\n");
}

describe("README TypeScript examples", () => {
  it("there are some", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it("all compile against the package", async () => {
    const dir = join(root, "build", "readme-snippets");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = blocks.map((code, i) => {
      const name = `block-${i + 1}.ts`;
      writeFileSync(join(dir, name), `${header(code)}\n${code}\nexport {};\n`);
      return name;
    });
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          types: ["node"],
          skipLibCheck: true,
        },
        files,
      }),
    );
    const result = await promisify(execFile)(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", dir]).catch(
      (e: { stdout: string }) => ({ stdout: e.stdout }),
    );
    expect(result.stdout).toBe("");
  });
});
