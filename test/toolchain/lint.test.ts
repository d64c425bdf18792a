// The linter's type-aware rules really run: a promise nobody awaits, made through the client's
// inferred types (which a syntax-only linter cannot see), is reported.
import { describe, expect, it } from "@jest/globals";
import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURE = fileURLToPath(new URL("fixtures/floating-promise.ts", import.meta.url));

describe("npm run lint", () => {
  it("reports a promise nobody awaits", async () => {
    const eslint = new ESLint({ cwd: ROOT, ignore: false });
    const [result] = await eslint.lintFiles([FIXTURE]);
    const rules = result!.messages.map((m) => `${m.line}:${m.ruleId ?? m.message}`);
    expect(rules).toEqual(["7:@typescript-eslint/no-floating-promises"]);
  });
});
