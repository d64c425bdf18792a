import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createIdentityClient, IdentityInputError, type IdentityClient } from "../../src/client/index.js";
import { GRYFFINDORS, RON, ROBY, clientFor, startIdentity, type FakeIdentity } from "./helpers/identity.js";
import { send } from "../helpers/http-server.js";

// One server for the file: every test here must fail before sending anything to it.
let server: FakeIdentity;
let pm: IdentityClient;
beforeAll(async () => {
  server = await startIdentity((req, res) => send(res, 200, {}));
  pm = clientFor(server);
});
afterAll(() => server.close());

async function inputError(run: () => unknown): Promise<IdentityInputError> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(IdentityInputError);
  expect(server.requests).toHaveLength(0);
  return error as IdentityInputError;
}

describe("bad input is refused before any request", () => {
  it.each([
    ["groups.get", () => pm.groups.get("gryff-01"), "groupId"],
    ["groups.delete", () => pm.groups.delete(""), "groupId"],
    ["groups.deleteMany", () => pm.groups.deleteMany([GRYFFINDORS, "88-uv"]), "groupIds[1]"],
    ["groups.create name", () => pm.groups.create({ name: "   " }), "name"],
    ["groups.create id", () => pm.groups.create({ name: "Gryffindors", id: "magic-7" }), "id"],
    ["groups.create members", () => pm.groups.create({ name: "Gryffindors", memberIds: ["ron"] }), "memberIds[0]"],
    ["groups.update empty name", () => pm.groups.update(GRYFFINDORS, { name: "" }), "name"],
    ["groups.update nothing", () => pm.groups.update(GRYFFINDORS, {}), "changes"],
    ["groups.addMembers", () => pm.groups.addMembers(GRYFFINDORS, ["harry"]), "addMemberIds[0]"],
    ["groups.listMembers", () => pm.groups.listMembers("x"), "groupId"],
    ["groups.listMembers pageSize", () => pm.groups.listMembers(GRYFFINDORS, { pageSize: 0 }), "pageSize"],
    ["groups.listMembersPage top", () => pm.groups.listMembersPage(GRYFFINDORS, { top: 1001 }), "top"],
    ["groups.listMembersPage skip", () => pm.groups.listMembersPage(GRYFFINDORS, { skip: -1 }), "skip"],
    ["robotAccounts.get", () => pm.robotAccounts.get("roby"), "robotAccountId"],
    ["robotAccounts.create", () => pm.robotAccounts.create({ name: "" }), "name"],
    ["robotAccounts.create groups", () => pm.robotAccounts.create({ name: "Roby", groupIds: ["gryff-01"] }), "groupIds[0]"],
    ["robotAccounts.update", () => pm.robotAccounts.addToGroups(ROBY, ["x"]), "addToGroupIds[0]"],
    ["robotAccounts.list pageSize", () => pm.robotAccounts.list({}, { pageSize: 5000 }), "pageSize"],
    ["robotAccounts.listPage top", () => pm.robotAccounts.listPage({ top: 2.5 }), "top"],
    ["robotAccounts.deleteMany", () => pm.robotAccounts.deleteMany("nope" as unknown as string[]), "robotAccountIds"],
    ["a per-call timeout", () => pm.robotAccounts.get(ROBY, { timeoutMs: -1 }), "timeoutMs"],
    ["a partition override", () => pm.groups.list({ partitionGlobalId: "hogwarts" }), "partitionGlobalId"],
    ["a partition override of a listing", () => pm.users.list({}, { partitionGlobalId: "hogwarts" }), "partitionGlobalId"],
    ["users.get", () => pm.users.get("ron-0103"), "userId"],
    ["users.create nothing to name it", () => pm.users.create({ name: "Ron" }), "userName"],
    ["users.create email", () => pm.users.create({ email: "ron at hogwarts" }), "email"],
    ["users.create groups", () => pm.users.create({ email: "ron@hogwarts.example", groupIds: ["gryff-01"] }), "groupIds[0]"],
    ["users.createMany shape", () => pm.users.createMany([] as never), "users"],
    ["users.createMany item", () => pm.users.createMany({ users: [{ email: "a@b.example" }, { email: "nope" }] }), "users[1].email"],
    ["users.update nothing", () => pm.users.update(RON, {}), "changes"],
    ["users.update email", () => pm.users.update(RON, { email: "ron" }), "email"],
    ["users.update groups", () => pm.users.update(RON, { addToGroupIds: ["x"] }), "addToGroupIds[0]"],
    ["users.delete", () => pm.users.delete("ron"), "userId"],
    ["users.deleteMany", () => pm.users.deleteMany([RON, "x"]), "userIds[1]"],
    ["users.invite email", () => pm.users.invite([{ email: "dean" }]), "invitations[0].email"],
    ["users.findByEmail", () => pm.users.findByEmail(""), "email"],
    ["users.listPage top", () => pm.users.listPage({ top: 5000 }), "top"],
    ["directory.search prefix", () => pm.directory.search(""), "prefix"],
    ["directory.resolve robots", () => pm.directory.resolve(["Roby"], "robot" as never), "type"],
    ["directory.resolve names", () => pm.directory.resolve(["ron", " "], "user"), "names[1]"],
  ])("%s", async (_name, run, field) => {
    const error = await inputError(run);
    expect(error.field).toBe(field);
    expect(error.kind).toBe("input");
  });

  it("a missing partition id (and a token that names none) names the fix", async () => {
    const noDefault = createIdentityClient({ baseUrl: server.baseUrl, credentials: { accessToken: "t0ken" } });
    const error = await inputError(() => noDefault.groups.list());
    expect(error.message).toBe(
      "partitionGlobalId is missing and the access token does not name an organization (no prt_id claim, as with " +
        "some personal or non-UiPath tokens): set partitionGlobalId on createIdentityClient or pass it with the call",
    );
  });

  it("messages quote the bad value and say what is expected", async () => {
    const error = await inputError(() => pm.groups.get("gryff-01"));
    expect(error.message).toBe('groupId must be a GUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6, got "gryff-01"');
  });
});

describe("client options", () => {
  const credentials = { accessToken: "t0ken" };
  const make = (options: Partial<Parameters<typeof createIdentityClient>[0]>) => () => createIdentityClient({ credentials, ...options });

  it("Automation Cloud: organization (and region) make the organization-level URL", () => {
    expect(createIdentityClient({ organization: "acme", credentials }).baseUrl).toBe("https://cloud.uipath.com/acme/identity_");
    expect(createIdentityClient({ organization: "acme", region: "govcloud.uipath.us", credentials }).baseUrl).toBe(
      "https://govcloud.uipath.us/acme/identity_",
    );
  });

  it("Automation Suite and standalone: baseUrl is kept, without a trailing slash", () => {
    expect(createIdentityClient({ baseUrl: "https://suite.example.com/acme/identity_/", credentials }).baseUrl).toBe(
      "https://suite.example.com/acme/identity_",
    );
    expect(createIdentityClient({ baseUrl: "https://orch.example.com/identity", credentials }).baseUrl).toBe(
      "https://orch.example.com/identity",
    );
  });

  it("plain http is refused unless loopback or explicitly allowed", () => {
    expect(make({ baseUrl: "http://suite.example.com/identity" })).toThrow(/plain http to a non-loopback host/);
    expect(make({ baseUrl: "http://suite.example.com/identity", allowInsecureHttp: true })).not.toThrow();
    for (const host of ["127.0.0.1:8080", "localhost", "[::1]:9000"]) {
      expect(make({ baseUrl: `http://${host}/identity` })).not.toThrow();
    }
  });

  it("rejects confusing or unsafe deployment options", () => {
    expect(make({})).toThrow(IdentityInputError);
    expect(make({ organization: "acme", baseUrl: "https://x.example.com/identity" })).toThrow(/exactly one/);
    expect(make({ organization: "acme/evil" })).toThrow(/organization/);
    expect(make({ organization: "acme", region: "evil.com/x" })).toThrow(/region/);
    expect(make({ baseUrl: "not a url" })).toThrow(/valid absolute URL/);
    expect(make({ baseUrl: "https://user:pw@x.example.com/identity" })).toThrow(/credentials/);
    expect(make({ baseUrl: "https://x.example.com/identity?x=1" })).toThrow(/query/);
    expect(make({ baseUrl: "ftp://x.example.com/identity" })).toThrow(/http/);
    expect(make({ organization: "acme", partitionGlobalId: "hogwarts" })).toThrow(/partitionGlobalId/);
    expect(make({ organization: "acme", timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(make({ organization: "acme", retry: { maxAttempts: 0 } })).toThrow(/maxAttempts/);
    expect(make({ organization: "acme", rateLimit: { budgets: { GET: 0 } } })).toThrow(/budgets.GET/);
    expect(() => createIdentityClient({ organization: "acme", credentials: { clientId: "id", clientSecret: "" } })).toThrow(/clientSecret/);
  });

  it("every option that cannot work is an IdentityInputError naming the option, thrown when the client is made", () => {
    const cases: Array<[Partial<Parameters<typeof createIdentityClient>[0]>, string, RegExp]> = [
      [{ retry: { maxAttempts: 0 } }, "retry.maxAttempts", /retry.maxAttempts must be an integer of at least 1/],
      [{ retry: { maxAttempts: 1.5 } }, "retry.maxAttempts", /at least 1/],
      [{ retry: { baseDelayMs: -1 } }, "retry.baseDelayMs", /retry.baseDelayMs must be a non-negative number/],
      [{ retry: { maxRetryAfterMs: Number.NaN } }, "retry.maxRetryAfterMs", /non-negative/],
      [{ rateLimit: { windowMs: 0 } }, "rateLimit.windowMs", /rateLimit.windowMs must be positive/],
      [{ rateLimit: { marginMs: -5 } }, "rateLimit.marginMs", /rateLimit.marginMs must not be negative/],
      [{ rateLimit: { budgets: { PUT: 2.5 } } }, "rateLimit.budgets.PUT", /rateLimit.budgets.PUT must be a positive integer/],
      [{ credentials: { accessToken: "" } }, "credentials.accessToken", /credentials.accessToken must be a non-empty string/],
      [{ credentials: { clientId: "", clientSecret: "s" } }, "credentials.clientId", /credentials.clientId must be a non-empty string/],
      [{ credentials: { clientId: "id", clientSecret: "" } }, "credentials.clientSecret", /credentials.clientSecret must be/],
    ];
    for (const [options, field, message] of cases) {
      let thrown: unknown;
      try {
        createIdentityClient({ organization: "acme", credentials, ...options });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(IdentityInputError);
      expect(thrown).toMatchObject({ kind: "input", field });
      expect((thrown as Error).message).toMatch(message);
    }
  });

  it("a token provider that returns no token fails the call with an IdentityInputError, before anything is sent", async () => {
    const error = await inputError(() => clientFor(server, { credentials: async () => "" }).groups.list());
    expect(error).toMatchObject({ field: "credentials", message: "the token provider returned no token" });
  });
});
