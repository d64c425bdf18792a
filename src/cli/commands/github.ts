// `uipath-identity github plan|apply|drift`: identity as code in a GitHub workflow, what the
// repository's action.yml runs. The command lines only: what each does is in github/commands.ts,
// loaded when one of them runs.
import type { Command } from "@commander-js/extra-typings";
import { DEFAULT_MAX_REMOVALS } from "../iac/guards.js";
import type { Act } from "./shared.js";

/** The label that marks the drift issue unless --label says otherwise. */
export const DRIFT_LABEL = "identity-drift";
const work = () => import("../github/commands.js");

export function registerGitHub(program: Command, act: Act): void {
  const github = program
    .command("github")
    .description(
      "Identity as code in GitHub Actions (what this package's action.yml runs): plan on pull requests, apply on merge, drift on a schedule.",
    );
  const files = "-f, --file <path...>";
  const filesHelp = "identity files, as for plan";

  github
    .command("plan")
    .description(
      "On a pull request: plan, post it as one comment (updated on every push) and as the job summary; fail on a file error or a guard. A fork's pull request is validated offline.",
    )
    .requiredOption(files, filesHelp)
    .option("--max-removals <percent>", "as for plan", String(DEFAULT_MAX_REMOVALS))
    .action((options, cmd) => act(cmd, async (ctx) => (await work()).plan(ctx, options)));

  github
    .command("apply")
    .description("On a push to the default branch: apply the files with the guards on; the outcome goes to the job summary.")
    .requiredOption(files, filesHelp)
    .option("--max-removals <percent>", "as for apply", String(DEFAULT_MAX_REMOVALS))
    .option("--concurrency <n>", "as for apply", "8")
    .action((options, cmd) => act(cmd, async (ctx) => (await work()).apply(ctx, options)));

  github
    .command("drift")
    .description(
      "On a schedule: plan; while the organization differs from the files, keep one issue open with the plan (and who caused the drift); close it when they match again.",
    )
    .requiredOption(files, filesHelp)
    .option("--label <name>", "the label that marks the drift issue", DRIFT_LABEL)
    .action((options, cmd) => act(cmd, async (ctx) => (await work()).drift(ctx, options)));
}
