// The README's CLI sections (the example's plan and apply output, every command's --help) are what
// the binary really prints: regenerated from real runs and compared.
import { describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ROOT } from "./helpers.js";

describe("README", () => {
  it("shows the CLI as it is: the example plan and apply, and every --help", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/readme-cli.ts", "--check"], {
      cwd: ROOT,
    }).catch((e: { stdout: string; stderr: string }) => ({ stdout: `${e.stdout}${e.stderr}` }));
    expect(stdout.trim()).toBe("README.md's CLI sections are up to date.");
  });
});
