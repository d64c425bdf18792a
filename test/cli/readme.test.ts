// The CLI's generated documentation (the README's example plan and apply output, every command's
// --help in docs/cli.md) is what the program really prints: regenerated from real runs and compared.
import { describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ROOT } from "./helpers.js";

describe("README.md and docs/cli.md", () => {
  it("shows the CLI as it is: the example plan and apply, and every --help", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/readme-cli.ts", "--check"], {
      cwd: ROOT,
    }).catch((e: { stdout: string; stderr: string }) => ({ stdout: `${e.stdout}${e.stderr}` }));
    expect(stdout.trim()).toBe("README.md's and docs/cli.md's CLI sections are up to date.");
  });
});
