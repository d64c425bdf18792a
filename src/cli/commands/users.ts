// `users list|get|find`: people by e-mail address or user name.
import type { Command } from "@commander-js/extra-typings";
import type { IdentityClient, User } from "../../client/index.js";
import { userTypeName } from "../../client/user-type.js";
import { isGuid } from "../../client/validate.js";
import { CliFailure } from "../failures.js";
import { noneFound, render, renderRecord, type Column } from "../output.js";
import { limitOption, parseLimit, take, type Act } from "./shared.js";

/** A user type for people: `robotAccount` reads "robot account". */
const typeLabel = (type: User["type"]) =>
  type === undefined ? undefined : (userTypeName(type)?.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`) ?? type);

const COLUMNS: Column<User>[] = [
  { header: "USER NAME", value: (u) => u.userName },
  { header: "EMAIL", value: (u) => u.email },
  { header: "NAME", value: (u) => u.displayName ?? [u.name, u.surname].filter(Boolean).join(" ") },
  { header: "STATUS", value: (u) => status(u) },
  { header: "ID", value: (u) => u.id },
];

function status(u: User): string {
  if (u.isActive === false) return "inactive";
  if (u.invitationAccepted === false && !u.lastLoginTime) return "invited";
  return "active";
}

/** A user by id, e-mail address or user name. */
async function findUser(pm: IdentityClient, ref: string): Promise<User> {
  return isGuid(ref) ? pm.users.get(ref) : pm.users.findByEmail(ref);
}

export function registerUsers(program: Command, act: Act): void {
  const users = program.command("users").description("List and look up users.");

  users
    .command("list")
    .description("List users, sorted by user name.")
    .option("-s, --search <text>", "only users whose user name, e-mail or name contains the text")
    .addOption(limitOption())
    .action((options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const list = await take(
          pm.users.list({ ...(options.search && { search: options.search }), sortBy: "UserName" }),
          parseLimit(options.limit),
        );
        ctx.printListing(render(ctx.format, list, COLUMNS), list.length, noneFound("users", options.search));
      }),
    );

  users
    .command("get")
    .description("Show one user.")
    .argument("<user>", "an e-mail address, user name or id")
    .action((ref, _options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const u = await findUser(pm, ref);
        ctx.print(
          renderRecord(
            ctx.format,
            [
              ["userName", u.userName],
              ["email", u.email],
              ["name", u.name],
              ["surname", u.surname],
              ["displayName", u.displayName],
              ["status", status(u)],
              ["type", typeLabel(u.type)],
              ["groups", (u.groupIDs ?? []).length],
              ["lastLogin", u.lastLoginTime],
              ["created", u.creationTime],
              ["id", u.id],
            ],
            u,
          ),
        );
      }),
    );

  users
    .command("find")
    .description("Find the users with these exact e-mail addresses or user names (ignoring case); fails naming any not found.")
    .argument("<user...>", "e-mail addresses or user names")
    .action((refs, _options, cmd) =>
      act(cmd, async (ctx) => {
        const pm = await ctx.client();
        const found: User[] = [];
        const problems: string[] = [];
        for (const ref of refs) {
          try {
            found.push(await pm.users.findByEmail(ref));
          } catch (error) {
            if (!(error instanceof Error && error.name === "IdentityLookupError")) throw error;
            problems.push(error.message);
          }
        }
        ctx.print(render(ctx.format, found, COLUMNS));
        if (problems.length > 0) throw new CliFailure(problems.join("\n"));
      }),
    );
}
