// `groups list|get|create|rename|delete` and `groups members list|add|remove`.
import type { Command } from "@commander-js/extra-typings";
import type { Group, GroupMember, IdentityClient } from "../../client/index.js";
import { CliFailure } from "../failures.js";
import { GroupListing, RobotAccountListing, resolveMembers } from "../names.js";
import { render, renderRecord, type Column } from "../output.js";
import { limitOption, parseLimit, take, type Act } from "./shared.js";

const isBuiltIn = (g: Group) => g.type === 0 || g.type === "builtIn";

const GROUP_COLUMNS: Column<Group>[] = [
  { header: "NAME", value: (g) => g.name },
  { header: "TYPE", value: (g) => (isBuiltIn(g) ? "built-in" : "custom") },
  { header: "ID", value: (g) => g.id },
];

export function registerGroups(program: Command, act: Act): void {
  const groups = program.command("groups").description("List, create, rename and delete groups, and change their members.");

  groups
    .command("list")
    .description("List the organization's groups (built-in and custom).")
    .addOption(limitOption())
    .action((options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const limit = parseLimit(options.limit);
        const all = await pm.groups.list();
        const rows = limit === undefined ? all : all.slice(0, limit);
        ctx.printListing(render(ctx.format, rows, GROUP_COLUMNS), rows.length, "No groups found.");
      }),
    );

  groups
    .command("get")
    .description("Show one group.")
    .argument("<group>", "the group's name or id")
    .action((ref, _options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const group = await pm.groups.get((await new GroupListing(pm).find(ref)).id);
        ctx.print(
          renderRecord(
            ctx.format,
            [
              ["name", group.name],
              ["type", isBuiltIn(group) ? "built-in" : "custom"],
              ["id", group.id],
              ["created", group.creationTime],
              ["modified", group.lastModificationTime],
            ],
            group,
          ),
        );
      }),
    );

  groups
    .command("create")
    .description("Create a custom group, optionally with members.")
    .argument("<name>", "the new group's name (unique in the organization)")
    .option("-m, --member <member...>", "members: e-mail addresses or user names, robot-account names, or ids")
    .action((name, options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const members = options.member ? await resolveMembers(pm, options.member) : [];
        const group = await pm.groups.create({ name, memberIds: members.map((m) => m.id) });
        ctx.note(`Created group ${group.name} (${group.id})${members.length ? ` with ${members.length} member(s)` : ""}.`);
        ctx.print(render(ctx.format, [group], GROUP_COLUMNS, group));
      }),
    );

  groups
    .command("rename")
    .description("Rename a custom group; its members stay.")
    .argument("<group>", "the group's name or id")
    .argument("<new-name>", "the new name")
    .action((ref, newName, _options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const group = await new GroupListing(pm).find(ref);
        refuseBuiltIn(group, "renamed");
        const renamed = await pm.groups.update(group.id, { name: newName });
        ctx.note(`Renamed ${group.name} to ${renamed.name}.`);
        ctx.print(render(ctx.format, [renamed], GROUP_COLUMNS, renamed));
      }),
    );

  groups
    .command("delete")
    .description("Delete custom groups (asks first on a terminal).")
    .argument("<group...>", "names or ids of the groups")
    .option("-y, --yes", "do not ask; required when not on a terminal")
    .action((refs, options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const directory = new GroupListing(pm);
        const found = await Promise.all(refs.map((ref) => directory.find(ref)));
        for (const g of found) refuseBuiltIn(g, "deleted");
        const names = found.map((g) => g.name).join(", ");
        if (!options.yes && !(await ctx.confirm(`Delete ${found.length} group(s): ${names}?`, "--yes"))) {
          throw new CliFailure("Nothing deleted.");
        }
        // One request for all of them: deletes are the scarcest budget.
        if (found.length === 1) await pm.groups.delete((found[0] as Group).id);
        else await pm.groups.deleteMany(found.map((g) => g.id));
        ctx.note(`Deleted ${names}.`);
      }),
    );

  const members = groups.command("members").description("List, add and remove a group's members.");

  members
    .command("list")
    .description("List a group's members (users and robot accounts), with their names.")
    .argument("<group>", "the group's name or id")
    .addOption(limitOption())
    .action((ref, options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const group = await new GroupListing(pm).find(ref);
        const limit = parseLimit(options.limit);
        const list = await take(pm.groups.listMembers(group.id, limit !== undefined && limit < 1000 ? { pageSize: limit } : {}), limit);
        const names = await memberNames(pm, list);
        ctx.print(
          render(
            ctx.format,
            list,
            [
              { header: "NAME", value: (m) => names.get(m.id.toLowerCase())?.name },
              { header: "KIND", value: (m) => names.get(m.id.toLowerCase())?.kind ?? m.type },
              { header: "ID", value: (m) => m.id },
            ],
            list,
          ),
        );
      }),
    );

  for (const [verb, description] of [
    ["add", "Add members to a custom group (one request, however many)."],
    ["remove", "Remove members from a custom group (one request, however many)."],
  ] as const) {
    members
      .command(verb)
      .description(description)
      .argument("<group>", "the group's name or id")
      .argument("<member...>", "e-mail addresses or user names, robot-account names, or ids")
      .action((ref, refs, _options, cmd) =>
        act(cmd, async (ctx) => {
          const pm = await ctx.client();
          const group = await new GroupListing(pm).find(ref);
          refuseBuiltIn(group, "changed");
          const resolved = await resolveMembers(pm, refs);
          const ids = resolved.map((m) => m.id);
          await (verb === "add" ? pm.groups.addMembers(group.id, ids) : pm.groups.removeMembers(group.id, ids));
          const names = resolved.map((m) => m.name).join(", ");
          ctx.note(verb === "add" ? `Added ${names} to ${group.name}.` : `Removed ${names} from ${group.name}.`);
        }),
      );
  }
}

function refuseBuiltIn(group: Group, what: string): void {
  if (isBuiltIn(group)) throw new CliFailure(`${group.name} is a built-in group; it cannot be ${what}.`);
}

/** Names for member ids: the users' addresses and the robot accounts' names (two listings at most). */
async function memberNames(pm: IdentityClient, members: GroupMember[]): Promise<Map<string, { name: string; kind: string }>> {
  const out = new Map<string, { name: string; kind: string }>();
  if (members.length === 0) return out;
  const wanted = new Set(members.map((m) => m.id.toLowerCase()));
  for (const robot of await new RobotAccountListing(pm).all()) {
    if (wanted.has(robot.id.toLowerCase())) out.set(robot.id.toLowerCase(), { name: robot.name ?? robot.id, kind: "robot account" });
  }
  if (out.size < wanted.size) {
    for await (const user of pm.users.list()) {
      if (wanted.has(user.id.toLowerCase())) out.set(user.id.toLowerCase(), { name: user.email || user.userName || user.id, kind: "user" });
    }
  }
  return out;
}
