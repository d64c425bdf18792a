// Scopes from the contract: client credentials without `scopes` ask, per call, for a scope the
// operation accepts, against a look-alike token endpoint that refuses (invalid_scope) the scopes an
// application was not granted; and what a 403 says about the token's scopes.
import { afterEach, describe, expect, it } from "@jest/globals";
import type { ServerResponse } from "node:http";
import { createIdentityClient, DEFAULT_SCOPES, IdentityInputError } from "../../src/client/index.js";
import { createTokenSource, REFUSED_SCOPE_MEMORY_MS } from "../../src/client/auth.js";
import { scopeNeed } from "../../src/client/scopes.js";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  GRYFFINDORS,
  ORG,
  RON,
  ROBY,
  clientFor,
  failure,
  gryffindors,
  roby,
  startIdentity,
} from "./helpers/identity.js";
import type { ApiRequest, FakeIdentity } from "./helpers/identity.js";
import { send, serverPool, type Recorded } from "../helpers/http-server.js";

const servers = serverPool();
afterEach(() => servers.closeAll());

const ron = { id: RON, userName: "ron.weasley@hogwarts.example", email: "ron.weasley@hogwarts.example", type: 0 };

/** Answers every API call with something of the right shape. */
function answer(req: ApiRequest, res: ServerResponse): void {
  if (req.apiPath.startsWith("/api/User/users/")) send(res, 200, { totalCount: 1, results: [ron] });
  else if (req.apiPath.startsWith("/api/User")) send(res, 200, ron);
  else if (req.apiPath.startsWith("/api/RobotAccount")) send(res, 200, roby);
  else send(res, 200, req.method === "GET" && req.apiPath === `/api/Group/${ORG}` ? [gryffindors] : gryffindors);
}

/** A look-alike whose application was granted every scope but `refused`. */
async function application(refused: string[] = [], api = answer): Promise<FakeIdentity> {
  return servers.add(
    await startIdentity(api, {
      tokenHandler: (req, res) => {
        const asked = scopeOf(req).split(" ");
        if (!asked.some((s) => refused.includes(s))) return false;
        send(res, 400, { error: "invalid_scope" });
        return true;
      },
    }),
  );
}

const scopeOf = (req: Recorded): string => new URLSearchParams(req.body).get("scope") ?? "";
const asked = (server: FakeIdentity): string[] => server.tokenRequests.map(scopeOf);
/** The scope each API request's token was asked for (the look-alike numbers its tokens by request). */
const carried = (server: FakeIdentity): string[] =>
  server.apiRequests.map((r) => scopeOf(server.tokenRequests[Number(/^tok-(\d+)-/.exec(r.token ?? "")?.[1]) - 1] as Recorded));

describe("scopes from the contract (client credentials without scopes)", () => {
  it("asks, per call, for the scope the contract names first for its operation, one token per scope set, reused", async () => {
    const server = await application();
    const pm = clientFor(server);
    await pm.groups.get(GRYFFINDORS);
    await pm.robotAccounts.get(ROBY);
    await pm.users.get(RON);
    await pm.directory.search("Ron");
    await pm.groups.create({ name: "Prefects" });
    await pm.users.list().toArray();
    expect(asked(server)).toEqual(["PM.Group", "PM.RobotAccount", "PM.User", "PM.Directory"]);
    expect(carried(server)).toEqual(["PM.Group", "PM.RobotAccount", "PM.User", "PM.Directory", "PM.Group", "PM.User"]);
  });

  it("an application granted only the narrow scopes: the broad one is refused once, then the narrow ones are asked for", async () => {
    const server = await application(["PM.Group"]);
    const pm = clientFor(server);
    await pm.groups.get(GRYFFINDORS);
    await pm.groups.create({ name: "Prefects" });
    await pm.groups.list();
    await pm.groups.delete(GRYFFINDORS);
    expect(asked(server)).toEqual(["PM.Group", "PM.Group.Read", "PM.Group.Write"]);
    expect(carried(server)).toEqual(["PM.Group.Read", "PM.Group.Write", "PM.Group.Read", "PM.Group.Write"]);
  });

  it("an application granted only PM.Group keeps working for groups; a users call fails before it is sent, naming the scope and where to grant it", async () => {
    const server = await application(["PM.User", "PM.User.Read", "PM.User.Write"]);
    const pm = clientFor(server);
    expect((await pm.groups.get(GRYFFINDORS)).name).toBe("Gryffindors");
    const error = await failure(pm.users.get(RON));
    expect(error.message).toBe(
      `GET /api/User/{userId} needs the scope PM.User or PM.User.Read, and the External Application ${CLIENT_ID} was not granted any ` +
        "of them (the token endpoint answered invalid_scope), so the call was not sent. Grant the scope to the application in " +
        "Admin → External Applications, then try again.",
    );
    expect(error).toMatchObject({
      kind: "forbidden",
      status: 400,
      method: "POST",
      path: "/hogwarts/identity_/connect/token",
      acceptedScopes: ["PM.User", "PM.User.Read"],
      missingScopes: ["PM.User", "PM.User.Read"],
      serverMessage: "invalid_scope",
    });
    expect(server.apiRequests.map((r) => r.apiPath)).toEqual([`/api/Group/${ORG}/${GRYFFINDORS}`]);
    expect(asked(server)).toEqual(["PM.Group", "PM.User", "PM.User.Read"]);
    // Remembered: the next users call fails at once, without asking the token endpoint again.
    await failure(pm.users.list().toArray());
    const write = await failure(pm.users.delete(RON));
    expect(write.message).toMatch(/^DELETE \/api\/User\/\{userId\} needs the scope PM\.User or PM\.User\.Write, /);
    expect(asked(server)).toEqual(["PM.Group", "PM.User", "PM.User.Read", "PM.User.Write"]);
    expect(server.apiRequests).toHaveLength(1);
    expect(JSON.stringify(error)).not.toContain(CLIENT_SECRET);
  });

  it("many calls at once that meet a refused scope share one token request per scope set", async () => {
    const server = await application(["PM.User"]);
    const pm = clientFor(server);
    await Promise.all(Array.from({ length: 20 }, () => pm.users.get(RON)));
    expect(asked(server)).toEqual(["PM.User", "PM.User.Read"]);
    expect(server.apiRequests).toHaveLength(20);
  });

  it("raw calls ask for the scope of the operation their URL addresses", async () => {
    const server = await application();
    const pm = clientFor(server);
    pm.unwrap(await pm.raw.GET("/api/User/{userId}", { params: { path: { userId: RON } } }));
    pm.unwrap(await pm.raw.POST("/api/User/BulkCreate", { body: { partitionGlobalId: ORG, users: [] } }));
    pm.unwrap(await pm.raw.GET("/api/RobotAccount/{id}", { params: { path: { id: ORG } } }));
    expect(asked(server)).toEqual(["PM.User", "PM.RobotAccount"]);
  });

  it("a raw call to a path the contract does not have fails before anything is sent, saying to pass scopes", async () => {
    const server = await application();
    const pm = clientFor(server);
    // A route some deployments have but the contract does not describe (hence the cast).
    const error = await pm.raw
      .GET("/api/Directory/Scopes" as "/api/User/{userId}", { params: { path: { userId: RON } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityInputError);
    expect(error).toMatchObject({ field: "credentials.scopes" });
    expect((error as Error).message).toBe(
      "GET /api/Directory/Scopes is not an operation of the contract, so the client cannot tell which scope it needs: pass credentials.scopes",
    );
    expect(server.requests).toHaveLength(0);
  });

  it("a 401 renews the token of the call's own scope set", async () => {
    const server = await application();
    const pm = clientFor(server);
    await pm.groups.get(GRYFFINDORS);
    await pm.users.get(RON);
    server.revoke(server.issued[1] as string);
    await pm.users.get(RON);
    await pm.groups.get(GRYFFINDORS);
    expect(asked(server)).toEqual(["PM.Group", "PM.User", "PM.User"]);
  });

  it("other token endpoint failures are not taken for a missing scope", async () => {
    const server = servers.add(
      await startIdentity(answer, {
        tokenHandler: (req, res) => {
          send(res, 400, { error: "invalid_client" });
          return true;
        },
      }),
    );
    const error = await failure(clientFor(server).users.get(RON));
    expect(error).toMatchObject({ kind: "unauthorized", status: 400 });
    expect(server.tokenRequests).toHaveLength(1);
  });

  it("a refused scope set is asked for again once REFUSED_SCOPE_MEMORY_MS has passed (a grant made meanwhile is noticed)", async () => {
    let granted = false;
    const server = servers.add(
      await startIdentity(answer, {
        tokenHandler: (req, res) => {
          if (granted || !scopeOf(req).startsWith("PM.User")) return false;
          send(res, 400, { error: "invalid_scope" });
          return true;
        },
      }),
    );
    let clock = 1_000_000;
    const source = createTokenSource(
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      { url: `${server.baseUrl}/connect/token`, post: (request, signal) => fetch(request, { signal }), now: () => clock },
    );
    const need = scopeNeed("GET /api/User/{userId}");
    const signal = new AbortController().signal;
    await expect(source.getToken(signal, undefined, need)).rejects.toMatchObject({ kind: "forbidden" });
    granted = true;
    clock += REFUSED_SCOPE_MEMORY_MS - 1;
    await expect(source.getToken(signal, undefined, need)).rejects.toMatchObject({ kind: "forbidden" });
    expect(asked(server)).toEqual(["PM.User", "PM.User.Read"]);
    clock += 2;
    expect(await source.getToken(signal, undefined, need)).toBe(server.issued[0]);
    expect(asked(server)).toEqual(["PM.User", "PM.User.Read", "PM.User"]);
  });
});

describe("explicit credentials.scopes", () => {
  it("one token with exactly those scopes for every call, whatever it needs", async () => {
    const server = await application();
    const pm = clientFor(server, { credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: "PM.Group PM.User" } });
    await pm.groups.get(GRYFFINDORS);
    await pm.users.get(RON);
    await pm.robotAccounts.get(ROBY);
    expect(asked(server)).toEqual(["PM.Group PM.User"]);
  });

  it("DEFAULT_SCOPES, the old default, still asks for PM.Group PM.RobotAccount in one token", async () => {
    const server = await application();
    const pm = clientFor(server, { credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: [...DEFAULT_SCOPES] } });
    await pm.groups.get(GRYFFINDORS);
    await pm.robotAccounts.get(ROBY);
    expect(asked(server)).toEqual(["PM.Group PM.RobotAccount"]);
  });
});

describe("a 403 says whether the token lacked the scope or the service refused one it had", () => {
  const forbidden = (body?: unknown) => (req: ApiRequest, res: ServerResponse) => send(res, 403, body);

  it("the token lacked it (scopes given by the caller): what it carries, and what to grant", async () => {
    const server = await application([], forbidden({ title: "Forbidden" }));
    const pm = clientFor(server, { credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: ["PM.Group"] } });
    const error = await failure(pm.users.get(RON));
    expect(error).toMatchObject({
      kind: "forbidden",
      status: 403,
      tokenHadScope: false,
      tokenScopes: ["PM.Group"],
      acceptedScopes: ["PM.User", "PM.User.Read"],
      missingScopes: ["PM.User", "PM.User.Read"],
    });
    expect(error.message).toBe(
      `GET /hogwarts/identity_/api/User/${RON} failed with 403 Forbidden: Forbidden (grant one of: PM.User, PM.User.Read; the token carries PM.Group)`,
    );
  });

  it("the service refused a scope the token had (scopes from the contract): granting more will not help", async () => {
    const server = await application([], forbidden());
    const error = await failure(clientFor(server).users.get(RON));
    expect(error).toMatchObject({ kind: "forbidden", tokenHadScope: true, tokenScopes: ["PM.User"], missingScopes: [] });
    expect(error.message).toContain("the token carries PM.User, which the operation accepts: the service refused it for another reason");
    expect(error.toJSON()).toMatchObject({ tokenHadScope: true });
  });

  it("the service's own scope complaint wins over what the client knows", async () => {
    const complaint = { errorMessage: "Scope(s) 'PM.Audit' is(are) invalid. Expect to have 'PM.User' or 'PM.User.Read'. " };
    const server = await application([], forbidden(complaint));
    const error = await failure(clientFor(server).users.get(RON));
    expect(error).toMatchObject({ tokenHadScope: false, tokenScopes: ["PM.Audit"], missingScopes: ["PM.User", "PM.User.Read"] });
  });

  it("a fixed token is judged by its own scope claim; raw calls by the operation their URL addresses", async () => {
    const server = servers.add(await startIdentity(forbidden()));
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const jwt = `${part({ alg: "RS256" })}.${part({ prt_id: ORG, scope: ["PM.Group.Read"] })}.c2ln`;
    server.issued.push(jwt);
    const pm = createIdentityClient({ baseUrl: server.baseUrl, credentials: { accessToken: jwt }, rateLimit: false, retry: false });
    const result = await pm.raw.PUT("/api/Group/{id}", {
      params: { path: { id: GRYFFINDORS } },
      body: { partitionGlobalId: ORG, name: "x" },
    });
    const error = await failure(Promise.resolve().then(() => pm.unwrap(result)));
    expect(error).toMatchObject({ tokenHadScope: false, tokenScopes: ["PM.Group.Read"], acceptedScopes: ["PM.Group", "PM.Group.Write"] });
    expect(error.message).toContain("(grant one of: PM.Group, PM.Group.Write; the token carries PM.Group.Read)");
  });
});
