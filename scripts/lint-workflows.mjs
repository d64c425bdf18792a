// Validates every GitHub workflow, the repository's action.yml and the example workflows with
// action-validator, which takes one file per run.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const yamlIn = (dir) =>
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f));
const dir = ".github/workflows";
const workflows = yamlIn(dir);
if (workflows.length === 0) throw new Error(`lint:workflows: no workflow files in ${dir}`);
const files = [...workflows, "action.yml", ...yamlIn("examples/github/.github/workflows")];
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
console.log(`lint:workflows: ${files.length} workflow and action files valid (${files.join(", ")}).`);
