// The users and directory resources against a small look-alike server: the requests they send (paths,
// casing, bodies) and how they read every answer the service is known to give.
import { describe, expect, it } from "@jest/globals";
import { IdentityApiError, IdentityLookupError, type User } from "../../src/client/index.js";
import { ALUMNI, GRYFFINDORS, ORG, RON, apiPerTest, type ApiRequest, type FakeIdentity } from "./helpers/identity.js";
import { send } from "../helpers/http-server.js";

const withApi = apiPerTest();

const ok = { succeeded: true, errors: [] };
const refused = (code: string, description: string) => ({ succeeded: false, errors: [{ code, description }] });

function user(overrides: Partial<User> = {}): User {
  return {
    id: RON,
    userName: "ron.weasley@hogwarts.example",
    email: "ron.weasley@hogwarts.example",
    name: "Ron",
    surname: "Weasley",
    displayName: "Ron Weasley",
    creationTime: "2021-09-01T08:00:00.1234567",
    type: 0,
    // An undeclared field the live service sends: it must pass through untouched.
    category: 0,
    groupIDs: [GRYFFINDORS],
    ...overrides,
  };
}

const calls = (s: FakeIdentity) => s.apiRequests.map((r) => `${r.method} ${r.apiPath}`);
const page = (results: User[], totalCount = results.length) => ({ totalCount, results });

describe("users: reads", () => {
  it("get: GET /api/User/{userId} (no organization in the URL)", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 200, user({ type: 0 })));
    const ron = await pm.users.get(RON);
    expect(ron).toMatchObject({ id: RON, email: "ron.weasley@hogwarts.example", category: 0 });
    expect(calls(server)).toEqual([`GET /api/User/${RON}`]);
  });

  it("listPage: the service's query names; results never null", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 200, { totalCount: 0, results: null }));
    const result = await pm.users.listPage({ search: "weasley", top: 5, skip: 10, sortBy: "UserName", sortOrder: "desc" });
    expect(result).toEqual({ totalCount: 0, results: [] });
    const req = server.apiRequests[0] as ApiRequest;
    expect(req.apiPath).toBe(`/api/User/users/${ORG}`);
    expect(Object.fromEntries(req.query)).toEqual({ searchTerm: "weasley", top: "5", skip: "10", sortBy: "UserName", sortOrder: "desc" });
  });

  it("list: pages of 1000 sorted by Id unless told otherwise, until totalCount", async () => {
    const all = Array.from({ length: 2500 }, (_, i) => user({ id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` }));
    const { pm, server } = await withApi((req, res) => {
      const skip = Number(req.query.get("skip"));
      send(res, 200, page(all.slice(skip, skip + Number(req.query.get("top"))), all.length));
    });
    expect(await pm.users.list({ search: "a" }).toArray()).toHaveLength(2500);
    expect(server.apiRequests.map((r) => [r.query.get("skip"), r.query.get("top"), r.query.get("sortBy")])).toEqual([
      ["0", "1000", "Id"],
      ["1000", "1000", "Id"],
      ["2000", "1000", "Id"],
    ]);
    await pm.users.list({ sortBy: "Email" }).toArray();
    expect(server.apiRequests.at(-1)?.query.get("sortBy")).toBe("Email");
  });
});

describe("users: findByEmail", () => {
  it("matches the e-mail address exactly, ignoring case, among the search's partial matches", async () => {
    const ginny = user({ id: GRYFFINDORS, email: "ginny.weasley@hogwarts.example", userName: "ginny.weasley@hogwarts.example" });
    const { pm, server } = await withApi((req, res) => send(res, 200, page([ginny, user()])));
    const ron = await pm.users.findByEmail(" Ron.Weasley@Hogwarts.example ");
    expect(ron.id).toBe(RON);
    expect(server.apiRequests[0]?.query.get("searchTerm")).toBe("Ron.Weasley@Hogwarts.example");
  });

  it("falls back to the user name for a user whose e-mail is empty", async () => {
    const { pm } = await withApi((req, res) => send(res, 200, page([user({ email: "", userName: "filch@hogwarts.example" })])));
    expect((await pm.users.findByEmail("filch@hogwarts.example")).id).toBe(RON);
  });

  it("says when nothing matches, naming the nearest entries", async () => {
    const { pm } = await withApi((req, res) => send(res, 200, page([user()])));
    const error = await pm.users.findByEmail("ron@hogwarts.example").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityLookupError);
    expect(error).toMatchObject({ kind: "not_found", entity: "user", query: "ron@hogwarts.example" });
    expect((error as Error).message).toBe(
      `No user has the e-mail address "ron@hogwarts.example" (nearest: ron.weasley@hogwarts.example (${RON}))`,
    );
  });

  it("says when several users match, listing them", async () => {
    const other = user({ id: ALUMNI, userName: "ronald", email: "RON.WEASLEY@hogwarts.example" });
    const { pm } = await withApi((req, res) => send(res, 200, page([user(), other])));
    const error = (await pm.users.findByEmail("ron.weasley@hogwarts.example").catch((e: unknown) => e)) as IdentityLookupError;
    expect(error.kind).toBe("ambiguous");
    expect(error.candidates.map((c) => c.id)).toEqual([RON, ALUMNI]);
    expect(error.message).toMatch(/^2 users match the e-mail address "ron.weasley@hogwarts.example": .*; use the id$/);
  });
});

describe("users: writes", () => {
  it("create: POST /api/User with a chosen id, the e-mail as user name, then reads the user back", async () => {
    let created: Record<string, unknown> | undefined;
    const { pm, server } = await withApi((req, res) => {
      if (req.method === "POST") {
        created = req.json() as Record<string, unknown>;
        send(res, 200, ok);
      } else send(res, 200, user({ id: String(created?.id), userName: "cedric.diggory@hogwarts.example" }));
    });
    const cedric = await pm.users.create({
      email: "cedric.diggory@hogwarts.example",
      name: "Cedric",
      surname: "Diggory",
      groupIds: [GRYFFINDORS],
    });
    expect(created).toEqual({
      id: cedric.id,
      partitionGlobalId: ORG,
      userName: "cedric.diggory@hogwarts.example",
      email: "cedric.diggory@hogwarts.example",
      name: "Cedric",
      surname: "Diggory",
      type: 0,
      groupIDs: [GRYFFINDORS],
    });
    expect(calls(server)).toEqual(["POST /api/User", `GET /api/User/${cedric.id}`]);
  });

  it("create: when the service ignored the chosen id, the user is found by user name", async () => {
    const { pm, server } = await withApi((req, res) => {
      if (req.method === "POST") send(res, 200, ok);
      else if (req.apiPath.startsWith("/api/User/users/")) send(res, 200, page([user({ userName: "neville" })]));
      else send(res, 404, { title: "Not Found", status: 404 });
    });
    const neville = await pm.users.create({ userName: "neville", email: "" });
    expect(neville.id).toBe(RON);
    expect(calls(server).map((c) => c.replace(/[0-9a-f-]{36}/g, "{id}"))).toEqual([
      "POST /api/User",
      "GET /api/User/{id}",
      "GET /api/User/users/{id}",
    ]);
  });

  it("create: a refusal throws with the identity codes, whatever the status", async () => {
    for (const status of [400, 200]) {
      const { pm } = await withApi((req, res) =>
        send(res, status, refused("DuplicateEmail", "Email 'ron.weasley@hogwarts.example' is already taken.")),
      );
      const error = (await pm.users.create({ email: "ron.weasley@hogwarts.example" }).catch((e: unknown) => e)) as IdentityApiError;
      expect(error).toBeInstanceOf(IdentityApiError);
      expect(error).toMatchObject({ kind: "validation", status, errorCodes: ["DuplicateEmail"] });
      expect(error.serverMessage).toBe("Email 'ron.weasley@hogwarts.example' is already taken.");
      expect(error.message).toContain(status === 200 ? "was refused (200" : "failed with 400");
    }
  });

  it("create: a repeat after a lost answer meets its own user name and returns the user", async () => {
    let posts = 0;
    let chosen = "";
    const { pm } = await withApi((req, res) => {
      if (req.method === "POST") {
        posts += 1;
        chosen = String((req.json() as { id: string }).id);
        if (posts === 1) send(res, 503, undefined, { "retry-after": "0" });
        else send(res, 400, refused("DuplicateUserName", "User name 'luna' is already taken."));
      } else send(res, 200, user({ id: chosen, userName: "luna" }));
    });
    const luna = await pm.users.create({ userName: "luna" });
    expect(luna.id).toBe(chosen);
    expect(posts).toBe(2);
  });

  it("create: the password never appears in an error", async () => {
    const password = "Wingardium-Leviosa-42";
    const { pm } = await withApi((req, res) => send(res, 400, refused("PasswordTooWeak", `The password ${password} is too weak.`)));
    const error = (await pm.users.create({ userName: "filch", password }).catch((e: unknown) => e)) as IdentityApiError;
    expect(JSON.stringify(error)).not.toContain(password);
    expect(error.message).not.toContain(password);
    expect(error.serverMessage).toBe("The password [REDACTED] is too weak.");
  });

  it("createMany: POST /api/User/BulkCreate, returns the users the service sends", async () => {
    let body: { users: Array<{ id: string; userName: string }>; groupIDs: string[]; partitionGlobalId: string } | undefined;
    const { pm } = await withApi((req, res) => {
      body = req.json() as typeof body;
      send(res, 200, { result: ok, users: body!.users.map((u) => user({ id: u.id, userName: u.userName })) });
    });
    const twins = await pm.users.createMany({
      users: [{ email: "fred.weasley@hogwarts.example" }, { email: "george.weasley@hogwarts.example", name: "George" }],
      groupIds: [GRYFFINDORS],
    });
    expect(twins.map((u) => u.userName)).toEqual(["fred.weasley@hogwarts.example", "george.weasley@hogwarts.example"]);
    expect(body?.partitionGlobalId).toBe(ORG);
    expect(body?.groupIDs).toEqual([GRYFFINDORS]);
    expect(body?.users.map((u) => u.id)).toEqual(twins.map((u) => u.id));
  });

  it("createMany: an answer with only the identity result is read back by the chosen ids", async () => {
    const { pm, server } = await withApi((req, res) => {
      if (req.method === "POST") send(res, 200, ok);
      else send(res, 200, user({ id: req.apiPath.split("/").at(-1), userName: "x" }));
    });
    const made = await pm.users.createMany({ users: [{ userName: "x" }, { userName: "y" }] });
    expect(made).toHaveLength(2);
    expect(calls(server)).toHaveLength(3);
  });

  it("createMany: nothing to create sends nothing; a refusal names every code", async () => {
    const { pm, server } = await withApi((req, res) =>
      send(res, 400, {
        succeeded: false,
        errors: [
          { code: "DuplicateUserName", description: "taken" },
          { code: "InvalidUserName", description: "bad" },
        ],
      }),
    );
    expect(await pm.users.createMany({ users: [] })).toEqual([]);
    expect(server.apiRequests).toHaveLength(0);
    const error = (await pm.users.createMany({ users: [{ userName: "a" }] }).catch((e: unknown) => e)) as IdentityApiError;
    expect(error.errorCodes).toEqual(["DuplicateUserName", "InvalidUserName"]);
  });

  it("invite: a JSON array, with the portal's accept link built from the base URL", async () => {
    let body: Array<Record<string, unknown>> = [];
    const { pm, server } = await withApi((req, res) => {
      body = req.json() as typeof body;
      send(res, 200, {
        result: ok,
        users: [
          { email: "dean.thomas@hogwarts.example", id: RON, errorMsg: null, success: true },
          {
            email: "seamus@hogwarts.example",
            id: "00000000-0000-0000-0000-000000000000",
            errorMsg: "Redirect URL is not valid",
            success: false,
          },
        ],
      });
    });
    const entries = await pm.users.invite([
      { email: "dean.thomas@hogwarts.example", name: "Dean", groupIds: [GRYFFINDORS] },
      { email: "seamus@hogwarts.example", redirectUrl: "https://elsewhere.example/accept", language: "de" },
    ]);
    expect(entries.map((e) => e.success)).toEqual([true, false]);
    expect(body[0]).toEqual({
      email: "dean.thomas@hogwarts.example",
      name: "Dean",
      language: "en",
      groupIDs: [GRYFFINDORS],
      redirectUrl: `${server.origin}/portal_/acceptInvite?organizationId=${ORG}&emailForUserinvite=dean.thomas%40hogwarts.example&organizationName=hogwarts&language=en`,
    });
    expect(body[1]).toEqual({ email: "seamus@hogwarts.example", redirectUrl: "https://elsewhere.example/accept", language: "de" });
  });

  it("update: PUT /api/User/{userId} with the service's field names; partial; an identity refusal throws", async () => {
    let body: unknown;
    const { pm } = await withApi((req, res) => {
      body = req.json();
      send(res, 200, (body as { email?: string }).email ? refused("DuplicateEmail", "taken") : ok);
    });
    await pm.users.update(RON, {
      displayName: "Ron B. Weasley",
      addToGroupIds: [ALUMNI],
      removeFromGroupIds: [GRYFFINDORS],
      setAttributes: { house: "Gryffindor" },
    });
    expect(body).toEqual({
      displayName: "Ron B. Weasley",
      groupIDsToAdd: [ALUMNI],
      groupIDsToRemove: [GRYFFINDORS],
      extensionUserAttributesToAddOrUpdate: { house: "Gryffindor" },
    });
    await expect(pm.users.update(RON, { email: "harry.potter@hogwarts.example" })).rejects.toMatchObject({
      kind: "validation",
      errorCodes: ["DuplicateEmail"],
    });
  });

  it("delete and deleteMany: the ids' casing the service uses; an empty list sends nothing", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 204));
    await pm.users.delete(RON);
    await pm.users.deleteMany([]);
    await pm.users.deleteMany([RON, ALUMNI]);
    expect(calls(server)).toEqual([`DELETE /api/User/${RON}`, "DELETE /api/User"]);
    expect(server.apiRequests[1]?.json()).toEqual({ partitionGlobalId: ORG, userIds: [RON, ALUMNI] });
  });
});

describe("directory", () => {
  it("search: GET with startsWith and one sourceFilter per type", async () => {
    const hit = { identifier: RON, identityName: "ron.weasley@hogwarts.example", objectType: "DirectoryUser", type: 0, source: "local" };
    const { pm, server } = await withApi((req, res) => send(res, 200, [hit]));
    expect(await pm.directory.search("ro", { types: ["localUsers", "robotAccounts"], entityType: "user" })).toEqual([hit]);
    const req = server.apiRequests[0] as ApiRequest;
    expect(req.apiPath).toBe(`/api/Directory/Search/${ORG}`);
    expect([...req.query]).toEqual([
      ["startsWith", "ro"],
      ["entityType", "user"],
      ["sourceFilter", "localUsers"],
      ["sourceFilter", "robotAccounts"],
    ]);
  });

  it("resolve: one POST for all names; every name a key, undefined when not found", async () => {
    const ron = { objectType: "DirectoryUser", identifier: RON, name: "Ron", email: "ron.weasley@hogwarts.example" };
    const { pm, server } = await withApi((req, res) =>
      send(res, 200, { "ron.weasley@hogwarts.example": ron, "nobody@hogwarts.example": null }),
    );
    const found = await pm.directory.resolve(
      ["ron.weasley@hogwarts.example", "nobody@hogwarts.example", "ron.weasley@hogwarts.example"],
      "user",
    );
    expect([...found]).toEqual([
      ["ron.weasley@hogwarts.example", ron],
      ["nobody@hogwarts.example", undefined],
    ]);
    expect(server.apiRequests[0]?.apiPath).toBe(`/api/Directory/BulkResolveByName/${ORG}`);
    expect(server.apiRequests[0]?.json()).toEqual({
      entityNames: ["ron.weasley@hogwarts.example", "nobody@hogwarts.example"],
      entityType: "user",
    });
    expect(await pm.directory.resolve([], "group")).toEqual(new Map());
    expect(server.apiRequests).toHaveLength(1);
  });
});
