// The client's whole surface, walked through once against a real server: the emulator directly,
// or the emulator behind Prism's validating proxy. Returns what it saw so tests can assert on it.
import { expect } from "@jest/globals";
import { IdentityApiError, type IdentityClient } from "../../src/client/index.js";

import { ALUMNI, EMAILS, GINNY, GRYFFINDORS, HARRY, HERMIONE, ORG, RON, ROBY, UNKNOWN_ID as UNKNOWN } from "../fixtures/walkthrough.js";

export { ALUMNI, GRYFFINDORS, HARRY, HERMIONE, ORG, RON, ROBY };

/** Awaits a promise that must fail with an IdentityApiError and returns the error. */
export async function failure(promise: Promise<unknown>): Promise<IdentityApiError> {
  const err = await promise.then(
    () => new Error("expected the call to fail"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IdentityApiError);
  return err as IdentityApiError;
}

/** Every Group and Robot Account method, in the order a platform admin would use them. */
export async function walkThrough(pm: IdentityClient): Promise<void> {
  // Groups: the seeded walkthrough data is there.
  const groups = await pm.groups.list();
  expect(groups.map((g) => g.name)).toEqual(expect.arrayContaining(["Administrators", "Everyone", "Gryffindors"]));
  const gryffindors = await pm.groups.get(GRYFFINDORS);
  expect(gryffindors.type === 1 || gryffindors.type === "custom").toBe(true);

  // Create without an id: the client picks the GUID the service requires.
  const slytherins = await pm.groups.create({ name: "Slytherins", memberIds: [RON] });
  expect(slytherins.id).toMatch(/^[0-9a-f-]{36}$/);
  expect((slytherins.members ?? []).map((m) => m.identifier)).toEqual([RON]);

  // Members change without resending the name; rename keeps the members.
  await pm.groups.addMembers(slytherins.id, [HARRY, HERMIONE]);
  await pm.groups.removeMembers(slytherins.id, [RON]);
  const renamed = await pm.groups.update(slytherins.id, { name: "Slytherin House" });
  expect(renamed.name).toBe("Slytherin House");
  const memberIds: string[] = [];
  for await (const member of pm.groups.listMembers(slytherins.id)) memberIds.push(member.id);
  expect(memberIds.sort()).toEqual([HARRY, HERMIONE].sort());
  const firstPage = await pm.groups.listMembersPage(slytherins.id, { top: 1, skip: 0 });
  expect(firstPage).toMatchObject({ totalCount: 2 });
  expect(firstPage.results).toHaveLength(1);

  // Robot accounts: create in a group, find, page, change, move between groups.
  const robo = await pm.robotAccounts.create({ name: "Robo-Slytherin", displayName: "Robo", groupIds: [slytherins.id] });
  expect(robo.groupIds).toEqual([slytherins.id]);
  expect(await pm.robotAccounts.get(robo.id)).toMatchObject({ id: robo.id, name: "Robo-Slytherin" });
  const found: string[] = [];
  for await (const account of pm.robotAccounts.list({ search: "robo-sly" })) found.push(account.id);
  expect(found).toEqual([robo.id]);
  const page = await pm.robotAccounts.listPage({ top: 1, skip: 0, sortBy: "name", sortOrder: "asc" });
  expect(page.results).toHaveLength(1);
  expect(page.totalCount).toBeGreaterThanOrEqual(2);
  expect((await pm.robotAccounts.update(robo.id, { displayName: "Robo the Second" })).displayName).toBe("Robo the Second");
  await pm.robotAccounts.addToGroups(robo.id, [GRYFFINDORS]);
  const moved = await pm.robotAccounts.removeFromGroups(robo.id, [slytherins.id]);
  expect(moved.groupIds).toEqual([GRYFFINDORS]);
  expect(await pm.robotAccounts.get(ROBY)).toMatchObject({ name: "Roby" });

  // Deletes, one and many; what is gone answers 404 as a typed error.
  const spare = await pm.robotAccounts.create({ name: "Robo-Spare" });
  await pm.robotAccounts.delete(robo.id);
  await pm.robotAccounts.deleteMany([spare.id, UNKNOWN]);
  expect((await failure(pm.robotAccounts.get(robo.id))).kind).toBe("not_found");
  const extra = await pm.groups.create({ name: "Hufflepuffs" });
  await pm.groups.delete(slytherins.id);
  await pm.groups.deleteMany([extra.id, UNKNOWN]);
  const notFound = await failure(pm.groups.get(slytherins.id));
  expect(notFound).toMatchObject({ kind: "not_found", status: 404, method: "GET" });

  // A taken group name is a conflict; a taken robot-account name fails as identity users do.
  expect((await failure(pm.groups.create({ name: "Gryffindors" }))).kind).toBe("conflict");
  const duplicate = await failure(pm.robotAccounts.create({ name: "roby" }));
  expect(duplicate).toMatchObject({ kind: "validation", status: 400, errorCodes: ["DuplicateUserName"] });
  expect(duplicate.serverMessage).toContain("User name 'roby' is already taken.");

  // The raw openapi-fetch client stays reachable, with the same auth.
  const raw = await pm.raw.GET("/api/Group/{partitionGlobalId}/{groupId}", {
    params: { path: { partitionGlobalId: ORG, groupId: GRYFFINDORS } },
  });
  expect(raw.data?.name).toBe("Gryffindors");
}

/** Every User and Directory method, and robot accounts joining a group from the group side. */
export async function walkThroughUsers(pm: IdentityClient, options: { acceptLink?: string } = {}): Promise<void> {
  // People by address, not GUID: one exact lookup, one bulk resolve, one prefix search.
  expect((await pm.users.findByEmail(EMAILS.ron.toUpperCase())).id).toBe(RON);
  const resolved = await pm.directory.resolve([EMAILS.ron, EMAILS.harry, "nobody@hogwarts.example"], "user");
  expect([...resolved].map(([name, entity]) => [name, entity?.identifier])).toEqual([
    [EMAILS.ron, RON],
    [EMAILS.harry, HARRY],
    ["nobody@hogwarts.example", undefined],
  ]);
  expect((await pm.directory.resolve(["gryffindors"], "group")).get("gryffindors")?.identifier).toBe(GRYFFINDORS);
  const hits = await pm.directory.search("her", { types: ["localUsers"] });
  expect(hits.map((h) => h.identifier)).toEqual([HERMIONE]);
  const weasleys = await pm.users.list({ search: "weasley" }).toArray();
  expect(weasleys.map((u) => u.id).sort()).toEqual([GINNY, RON].sort());
  expect((await pm.users.listPage({ top: 1, sortBy: "Email", sortOrder: "asc" })).results).toHaveLength(1);
  expect((await failureOf(pm.users.findByEmail("nobody@hogwarts.example"))).name).toBe("IdentityLookupError");

  // A user made, changed, and seen from the group side; robot accounts added from the group side too.
  const club = await pm.groups.create({ name: "Duelling Club" });
  const cedric = await pm.users.create({
    email: "cedric.diggory@hogwarts.example",
    name: "Cedric",
    surname: "Diggory",
    groupIds: [club.id],
  });
  expect(cedric).toMatchObject({ userName: "cedric.diggory@hogwarts.example", groupIDs: [club.id] });
  await pm.users.update(cedric.id, { displayName: "C. Diggory", addToGroupIds: [GRYFFINDORS] });
  expect((await pm.users.get(cedric.id)).displayName).toBe("C. Diggory");
  await pm.groups.addMembers(club.id, [ROBY, HARRY]);
  expect((await pm.robotAccounts.get(ROBY)).groupIds).toContain(club.id);
  const members = await pm.groups.listMembers(club.id).toArray();
  expect(members.map((m) => m.id).sort()).toEqual([cedric.id, HARRY, ROBY].sort());
  await pm.groups.removeMembers(club.id, [ROBY]);
  expect((await pm.robotAccounts.get(ROBY)).groupIds).not.toContain(club.id);

  // Identity refusals carry their codes; bulk creates are all or nothing.
  const taken = await failure(pm.users.create({ email: EMAILS.ron }));
  expect(taken).toMatchObject({ kind: "validation", status: 400 });
  expect(taken.errorCodes).toEqual(expect.arrayContaining(["DuplicateUserName", "DuplicateEmail"]));
  const twins = await pm.users.createMany({
    users: [
      { email: "fred.weasley@hogwarts.example", name: "Fred" },
      { email: "george.weasley@hogwarts.example", name: "George" },
    ],
    groupIds: [club.id],
  });
  expect(twins.map((u) => u.userName)).toEqual(["fred.weasley@hogwarts.example", "george.weasley@hogwarts.example"]);
  const half = await failure(pm.users.createMany({ users: [{ email: "percy.weasley@hogwarts.example" }, { email: EMAILS.ginny }] }));
  expect(half.errorCodes).toContain("DuplicateUserName");
  await expect(pm.users.findByEmail("percy.weasley@hogwarts.example")).rejects.toMatchObject({ kind: "not_found" });

  // Invitations: the default accept link (built from an organization-level base URL) is one the
  // service takes; another one fails on its own.
  const invited = await pm.users.invite([
    {
      email: "dean.thomas@hogwarts.example",
      name: "Dean",
      groupIds: [club.id],
      ...(options.acceptLink && { redirectUrl: options.acceptLink }),
    },
    { email: "seamus.finnigan@hogwarts.example", redirectUrl: "https://elsewhere.example/accept" },
  ]);
  expect(invited.map((i) => [i.email, i.success, i.errorMsg])).toEqual([
    ["dean.thomas@hogwarts.example", true, null],
    ["seamus.finnigan@hogwarts.example", false, "Redirect URL is not valid"],
  ]);
  expect(await pm.users.findByEmail("dean.thomas@hogwarts.example")).toMatchObject({ invitationAccepted: false });

  // Deletes, one and many; a deleted user also leaves its groups.
  await pm.users.delete(cedric.id);
  expect((await failure(pm.users.get(cedric.id))).kind).toBe("not_found");
  await pm.users.deleteMany([...twins.map((u) => u.id), UNKNOWN]);
  expect((await pm.groups.listMembers(club.id).toArray()).map((m) => m.id).sort()).toEqual(
    [HARRY, (await pm.users.findByEmail("dean.thomas@hogwarts.example")).id].sort(),
  );
  await pm.groups.delete(club.id);
  expect(await pm.partitionGlobalId()).toBe(ORG);
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  return (await promise.then(
    () => new Error("expected the call to fail"),
    (e: unknown) => e,
  )) as Error;
}
