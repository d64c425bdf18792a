// Validates every GitHub workflow with action-validator, which takes one file per run.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const dir = ".github/workflows";
const files = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join(dir, f));
if (files.length === 0) throw new Error(`lint:workflows: no workflow files in ${dir}`);
const failed = files.filter((file) => {
  try {
    execFileSync(join("node_modules", ".bin", "action-validator"), [file], { stdio: "inherit" });
    return false;
  } catch {
    return true;
  }
});
if (failed.length > 0) {
  console.error(`lint:workflows: ${failed.join(", ")} failed validation (see above).`);
  process.exit(1);
}
console.log(`lint:workflows: ${files.length} workflow files valid (${files.join(", ")}).`);
