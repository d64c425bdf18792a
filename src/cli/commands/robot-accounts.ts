// `robot-accounts list|get|create|update|delete`, with groups by name.
import type { Command } from "@commander-js/extra-typings";
import type { Group, RobotAccount } from "../../client/index.js";
import { CliFailure, UsageError } from "../failures.js";
import { GroupListing, RobotAccountListing } from "../names.js";
import { noneFound, render, renderRecord, showsData, type Column } from "../output.js";
import { limitOption, parseLimit, take, type Act } from "./shared.js";

function columns(groupName: (id: string) => string): Column<RobotAccount>[] {
  return [
    { header: "NAME", value: (r) => r.name },
    { header: "DISPLAY NAME", value: (r) => r.displayName },
    { header: "GROUPS", value: (r) => (r.groupIds ?? []).map(groupName) },
    { header: "LAST LOGIN", value: (r) => r.lastLoginTime },
    { header: "ID", value: (r) => r.id },
  ];
}

/** Group names for the GROUPS column: one listing of the groups, only for table and plain output. */
async function groupNamer(groups: GroupListing, needed: boolean): Promise<(id: string) => string> {
  if (!needed) return (id) => id;
  const byId = new Map((await groups.all()).map((g: Group) => [g.id.toLowerCase(), g.name ?? g.id]));
  return (id) => byId.get(id.toLowerCase()) ?? id;
}

export function registerRobotAccounts(program: Command, act: Act): void {
  const robots = program.command("robot-accounts").description("List, create, change and delete robot accounts, and their groups.");

  robots
    .command("list")
    .description("List robot accounts.")
    .option("-s, --search <text>", "only those whose name or display name contains the text")
    .addOption(limitOption())
    .action((options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const limit = parseLimit(options.limit);
        const list = await take(pm.robotAccounts.list(options.search ? { search: options.search } : {}), limit);
        const name = await groupNamer(new GroupListing(pm), !showsData(ctx.format));
        ctx.printListing(render(ctx.format, list, columns(name)), list.length, noneFound("robot accounts", options.search));
      }),
    );

  robots
    .command("get")
    .description("Show one robot account.")
    .argument("<robot-account>", "its name or id")
    .action((ref, _options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const robot = await new RobotAccountListing(pm).find(ref);
        const name = await groupNamer(new GroupListing(pm), !showsData(ctx.format));
        ctx.print(
          renderRecord(
            ctx.format,
            [
              ["name", robot.name],
              ["displayName", robot.displayName],
              ["groups", (robot.groupIds ?? []).map(name)],
              ["lastLogin", robot.lastLoginTime],
              ["created", robot.creationTime],
              ["id", robot.id],
            ],
            robot,
          ),
        );
      }),
    );

  robots
    .command("create")
    .description("Create a robot account, joining groups in the same request.")
    .argument("<name>", "the unique name (it cannot change later)")
    .option("-d, --display-name <text>", "the friendly name (default: the name)")
    .option("-g, --add-to-group <group...>", "groups to join, by name or id")
    .action((name, options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const groups = new GroupListing(pm);
        const groupIds = await groups.ids(options.addToGroup);
        const robot = await pm.robotAccounts.create({
          name,
          ...(options.displayName !== undefined && { displayName: options.displayName }),
          ...(groupIds.length > 0 && { groupIds }),
        });
        ctx.note(`Created robot account ${robot.name} (${robot.id}).`);
        ctx.print(render(ctx.format, [robot], columns(await groupNamer(groups, !showsData(ctx.format))), robot));
      }),
    );

  robots
    .command("update")
    .description("Change a robot account's display name or groups (one request).")
    .argument("<robot-account>", "its name or id")
    .option("-d, --display-name <text>", "the new friendly name")
    .option("-g, --add-to-group <group...>", "groups to join, by name or id")
    .option("-r, --remove-from-group <group...>", "groups to leave, by name or id")
    .action((ref, options, cmd) =>
      act(cmd, async (ctx) => {
        if (options.displayName === undefined && !options.addToGroup && !options.removeFromGroup) {
          throw new UsageError("Nothing to change: give --display-name, --add-to-group or --remove-from-group");
        }
        const pm = await ctx.client();
        const robot = await new RobotAccountListing(pm).find(ref);
        const groups = new GroupListing(pm);
        const updated = await pm.robotAccounts.update(robot.id, {
          ...(options.displayName !== undefined && { displayName: options.displayName }),
          ...(options.addToGroup && { addToGroupIds: await groups.ids(options.addToGroup) }),
          ...(options.removeFromGroup && { removeFromGroupIds: await groups.ids(options.removeFromGroup) }),
        });
        ctx.note(`Updated robot account ${updated.name}.`);
        ctx.print(render(ctx.format, [updated], columns(await groupNamer(groups, !showsData(ctx.format))), updated));
      }),
    );

  robots
    .command("delete")
    .description("Delete robot accounts (asks first on a terminal).")
    .argument("<robot-account...>", "names or ids")
    .option("-y, --yes", "do not ask; required when not on a terminal")
    .action((refs, options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const found = await new RobotAccountListing(pm).findAll(refs);
        const names = found.map((r) => r.name).join(", ");
        if (!options.yes && !(await ctx.confirm(`Delete ${found.length} robot account(s): ${names}?`, "--yes"))) {
          throw new CliFailure("Nothing deleted.");
        }
        if (found.length === 1) await pm.robotAccounts.delete((found[0] as RobotAccount).id);
        else await pm.robotAccounts.deleteMany(found.map((r) => r.id));
        ctx.note(`Deleted ${names}.`);
      }),
    );
}
