// The client against the project's stateful emulator: the whole walkthrough, real URLs and
// tokens, with every emulator response checked against the contract.
import { afterEach, describe, expect, it } from "@jest/globals";
import { DEMO_CLIENT, startEmulator, type EmulatorHandle } from "../../src/emulator/index.js";
import { createIdentityClient, type IdentityClientOptions } from "../../src/index.js";
import { ADMINISTRATORS, ALUMNI, EVERYONE, GRYFFINDORS, HARRY, HERMIONE, ORG, RON, ROBY } from "./helpers/identity.js";

let emulator: EmulatorHandle | undefined;
afterEach(async () => {
  if (!emulator) return;
  await emulator.close();
  expect(emulator.violations).toEqual([]);
  emulator = undefined;
});

async function setup(options: Partial<IdentityClientOptions> = {}, emulatorOptions: Parameters<typeof startEmulator>[0] = {}) {
  emulator = await startEmulator({ seed: "demo", validateResponses: true, rateLimit: false, ...emulatorOptions });
  const pm = createIdentityClient({
    baseUrl: emulator.baseUrl("hogwarts"),
    partitionGlobalId: ORG,
    credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret },
    retry: { baseDelayMs: 1, maxDelayMs: 4 },
    rateLimit: false,
    ...options,
  });
  return { emulator, pm };
}

describe("the client against the emulator", () => {
  it("groups: list, create, get, change members, rename, list members, delete", async () => {
    const { pm } = await setup();
    const names = (await pm.groups.list()).map((g) => g.id);
    expect(names).toEqual(expect.arrayContaining([ADMINISTRATORS, EVERYONE, GRYFFINDORS]));

    const created = await pm.groups.create({ name: "Order of the Phoenix", memberIds: [RON, HARRY] });
    expect(created.name).toBe("Order of the Phoenix");
    expect((await pm.groups.get(created.id)).id).toBe(created.id);

    await pm.groups.addMembers(created.id, [HERMIONE]);
    await pm.groups.removeMembers(created.id, [RON]);
    const memberIds = (await pm.groups.listMembers(created.id, { pageSize: 1 }).toArray()).map((m) => m.id);
    expect(memberIds.sort()).toEqual([HARRY, HERMIONE].sort());
    expect((await pm.groups.listMembersPage(created.id, { top: 1 })).totalCount).toBe(2);

    const renamed = await pm.groups.update(created.id, { name: "The Order" });
    expect(renamed.name).toBe("The Order");

    await pm.groups.delete(created.id);
    await expect(pm.groups.get(created.id)).rejects.toMatchObject({ kind: "not_found", status: 404 });

    const a = await pm.groups.create({ name: "Dumbledore's Army" });
    const b = await pm.groups.create({ name: "Slug Club" });
    await pm.groups.deleteMany([a.id, b.id]);
    const left = (await pm.groups.list()).map((g) => g.id);
    expect(left).not.toContain(a.id);
    expect(left).not.toContain(b.id);
  });

  it("robot accounts: search, create, join and leave groups, page, delete", async () => {
    const { pm } = await setup();
    const found = await pm.robotAccounts.list({ search: "Roby" }).toArray();
    expect(found.map((r) => r.id)).toEqual([ROBY]);

    const robot = await pm.robotAccounts.create({ name: "Fawkes", displayName: "Fawkes the phoenix", groupIds: [GRYFFINDORS] });
    expect(robot.groupIds).toEqual([GRYFFINDORS]);
    const joined = await pm.robotAccounts.addToGroups(robot.id, [ALUMNI]);
    expect([...(joined.groupIds ?? [])].sort()).toEqual([ALUMNI, GRYFFINDORS].sort());
    const left = await pm.robotAccounts.removeFromGroups(robot.id, [GRYFFINDORS]);
    expect(left.groupIds).toEqual([ALUMNI]);
    expect(left.displayName).toBe("Fawkes the phoenix");
    expect((await pm.robotAccounts.update(robot.id, { displayName: "Fawkes" })).displayName).toBe("Fawkes");
    expect((await pm.robotAccounts.get(robot.id)).name).toBe("Fawkes");

    // The demo data holds Roby, Dobby, Hedwig and Buckbeak.
    const page = await pm.robotAccounts.listPage({ top: 2, sortBy: "name", sortOrder: "asc" });
    expect(page.totalCount).toBe(5);
    expect(page.results.map((r) => r.name)).toEqual(["Buckbeak", "Dobby"]);

    // A taken name: 409, or 400 with an IdentityResult (DuplicateUserName); either way, sent once.
    const taken = await pm.robotAccounts.create({ name: "Fawkes" }).catch((e: unknown) => e);
    expect(taken).toMatchObject({ attempts: 1, message: expect.stringMatching(/Fawkes/) });
    expect(["conflict", "validation"]).toContain((taken as { kind: string }).kind);

    await pm.robotAccounts.delete(robot.id);
    await pm.robotAccounts.deleteMany([ROBY]);
    const names = (await pm.robotAccounts.list().toArray()).map((r) => r.name);
    expect(names.sort()).toEqual(["Buckbeak", "Dobby", "Hedwig"]);
  });

  it("a token without robot-account scopes gets a forbidden error naming the scopes to grant", async () => {
    const { pm } = await setup({
      credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret, scopes: ["PM.Group"] },
    });
    expect(Array.isArray(await pm.groups.list())).toBe(true);
    const error = await pm.robotAccounts.get(ROBY).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "forbidden", status: 403 });
    expect((error as { acceptedScopes?: string[] }).acceptedScopes).toEqual(
      expect.arrayContaining(["PM.RobotAccount", "PM.RobotAccount.Read"]),
    );
  });

  it("wrong client credentials are an unauthorized error", async () => {
    const { pm } = await setup({ credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: "not-the-secret" } });
    await expect(pm.groups.list()).rejects.toMatchObject({ kind: "unauthorized" });
  });

  it("an expired token from a provider is replaced after the emulator's 401", async () => {
    await setup();
    const expired = (emulator as EmulatorHandle).issueToken({ scopes: ["PM.Group"], expiresInSeconds: 0 });
    let first = true;
    const provided = createIdentityClient({
      baseUrl: (emulator as EmulatorHandle).baseUrl("hogwarts"),
      partitionGlobalId: ORG,
      credentials: async ({ forceRefresh }) => {
        if (first && !forceRefresh) {
          first = false;
          return expired;
        }
        return (emulator as EmulatorHandle).issueToken({ scopes: ["PM.Group"] });
      },
    });
    expect((await provided.groups.list()).length).toBeGreaterThan(0);
  });

  it("with the same budget as the emulator, a burst is paced instead of refused", async () => {
    const budgets = { GET: 4, POST: 100, PUT: 100, PATCH: 100, DELETE: 100 };
    const { pm } = await setup(
      // The margin absorbs the difference in travel time between requests (see rate-limit.ts).
      { retry: false, rateLimit: { windowMs: 300, budgets, marginMs: 100 } },
      { rateLimit: { windowMs: 300, budgets } },
    );
    const results = await Promise.all(Array.from({ length: 10 }, () => pm.robotAccounts.get(ROBY)));
    expect(results.every((r) => r.id === ROBY)).toBe(true);
  });
});
