// `validate`, `export`, `plan` and `apply`: the organization as a file of names. The command lines
// only: what each command does is in iac/commands.ts, loaded when one of them runs (so that other
// commands start without it), and from there in its own module under iac/.
import { Option, type Command } from "@commander-js/extra-typings";
import { DEFAULT_MAX_REMOVALS } from "../iac/guards.js";
import type { Act } from "./shared.js";

const FILE_HELP = "identity files: YAML, JSON, or CSV (robot accounts or users); - reads stdin";
const work = () => import("../iac/commands.js");

const maxRemovalsOption = () =>
  new Option(
    "--max-removals <percent>",
    `refuse a plan that removes more than this share of a group's members, or deletes more than this share of the groups, robot accounts or users (when at least 5 would go); 100 turns the guard off`,
  ).default(String(DEFAULT_MAX_REMOVALS));

export function registerIdentityAsCode(program: Command, act: Act): void {
  program
    .command("validate")
    .description(
      "Check identity files with no organization, no credentials and no network: syntax, the schema, duplicates, and the rules that need no live data. For forks' pull requests and pre-commit hooks.",
    )
    .requiredOption("-f, --file <path...>", FILE_HELP)
    .action((options, cmd) => act(cmd, async (ctx) => (await work()).validate(ctx, options)));

  program
    .command("export")
    .description(
      "Write the organization as a file of names: every group (built-in ones too) with its members, robot accounts with their groups, local users (YAML, or JSON with -o json).",
    )
    .action((_options, cmd) => act(cmd, async (ctx) => (await work()).exportOrganization(ctx)));

  program
    .command("plan")
    .description("Show what apply would change to make the organization match the file(s), and what that costs in requests and time.")
    .requiredOption("-f, --file <path...>", FILE_HELP)
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when there are, 1 on error")
    .option("--out <plan.json>", "save the plan, to apply exactly it later (refused once the organization has changed)")
    .addOption(maxRemovalsOption())
    .action((options, cmd) => act(cmd, async (ctx) => (await work()).plan(ctx, options)));

  program
    .command("apply")
    .description("Change the organization to match the file(s), or carry out a saved plan. Asks first on a terminal.")
    .argument("[plan]", "a plan saved by plan --out")
    .option("-f, --file <path...>", FILE_HELP)
    .option("-y, --yes", "do not ask; required when not on a terminal")
    .addOption(new Option("--dry-run", "print the plan and the requests it would send, and send nothing"))
    .option("--concurrency <n>", "requests in flight at once (the rate limiter still paces them)", "8")
    .addOption(maxRemovalsOption())
    .action((planPath, options, cmd) => act(cmd, async (ctx) => (await work()).apply(ctx, planPath, options)));
}
