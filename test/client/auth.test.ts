import { afterEach, describe, expect, it } from "@jest/globals";
import { createIdentityClient, IdentityApiError } from "../../src/client/index.js";
import { CLIENT_ID, CLIENT_SECRET, GRYFFINDORS, ORG, clientFor, gryffindors, startIdentity } from "./helpers/identity.js";
import { send, startServer, serverPool } from "../helpers/http-server.js";

const servers = serverPool();
afterEach(() => servers.closeAll());

const identity = async (...args: Parameters<typeof startIdentity>) => servers.add(await startIdentity(...args));

const ok = () => identity((req, res) => send(res, 200, gryffindors));

describe("client credentials", () => {
  it("posts a client_credentials form to {baseUrl}/connect/token, asking for the scope the contract names first for the call", async () => {
    const server = await ok();
    await clientFor(server).groups.get(GRYFFINDORS);
    expect(server.tokenRequests).toHaveLength(1);
    const req = server.tokenRequests[0];
    expect(req?.method).toBe("POST");
    expect(req?.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(req?.body))).toEqual({
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      scope: "PM.Group",
    });
  });

  it("asks for the scopes the caller configures", async () => {
    const server = await ok();
    const pm = clientFor(server, {
      credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: ["PM.Group.Read"] },
    });
    await pm.groups.get(GRYFFINDORS);
    expect(new URLSearchParams(server.tokenRequests[0]?.body).get("scope")).toBe("PM.Group.Read");
  });

  it("caches the token across calls while it is fresh", async () => {
    const server = await ok();
    const pm = clientFor(server);
    for (let i = 0; i < 5; i++) await pm.groups.get(GRYFFINDORS);
    expect(server.tokenRequests).toHaveLength(1);
  });

  it("100 concurrent calls with an expired token make exactly one token request", async () => {
    // The first token's lifetime is 0: it is stale as soon as it has been used once.
    const server = await identity((req, res) => send(res, 200, gryffindors), { tokenLifetime: (n) => (n === 1 ? 0 : 3600) });
    const pm = clientFor(server);
    await pm.groups.get(GRYFFINDORS);
    expect(server.tokenRequests).toHaveLength(1);

    await Promise.all(Array.from({ length: 100 }, () => pm.groups.get(GRYFFINDORS)));
    expect(server.tokenRequests).toHaveLength(2);
    expect(server.apiRequests.slice(1).every((r) => r.token === server.issued[1])).toBe(true);
  });

  it("reuses a short-lived token until halfway through its life", async () => {
    const server = await identity((req, res) => send(res, 200, gryffindors), { tokenLifetime: () => 30 });
    const pm = clientFor(server);
    for (let i = 0; i < 3; i++) await pm.groups.get(GRYFFINDORS);
    expect(server.tokenRequests).toHaveLength(1);
  });

  it("100 concurrent first calls share one token request", async () => {
    const server = await ok();
    const pm = clientFor(server);
    await Promise.all(Array.from({ length: 100 }, () => pm.groups.get(GRYFFINDORS)));
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(100);
  });

  it("on a 401 it fetches a new token once and repeats the request", async () => {
    const server = await ok();
    const pm = clientFor(server);
    await pm.groups.get(GRYFFINDORS);
    server.revoke(server.issued[0] as string);
    expect((await pm.groups.get(GRYFFINDORS)).name).toBe("Gryffindors");
    expect(server.tokenRequests).toHaveLength(2);
    expect(server.apiRequests.map((r) => r.token)).toEqual([server.issued[0], server.issued[0], server.issued[1]]);
  });

  it("a burst of 401s for the same revoked token causes one refresh", async () => {
    const server = await ok();
    const pm = clientFor(server);
    await pm.groups.get(GRYFFINDORS);
    server.revoke(server.issued[0] as string);
    await Promise.all(Array.from({ length: 20 }, () => pm.groups.get(GRYFFINDORS)));
    expect(server.tokenRequests).toHaveLength(2);
  });

  it("a 401 with a fresh token too is surfaced as unauthorized, after one refresh only", async () => {
    const server = await identity((req, res) => send(res, 401));
    const pm = clientFor(server);
    const error = await pm.groups.get(GRYFFINDORS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityApiError);
    expect(error).toMatchObject({ kind: "unauthorized", status: 401 });
    expect(server.tokenRequests).toHaveLength(2);
    expect(server.apiRequests).toHaveLength(2);
  });

  it("refused credentials (400 invalid_client) are an unauthorized error naming the token endpoint", async () => {
    const server = await identity((req, res) => send(res, 200, gryffindors), {
      tokenHandler: (req, res) => {
        send(res, 400, { error: "invalid_client" });
        return true;
      },
    });
    const error = (await clientFor(server)
      .groups.get(GRYFFINDORS)
      .catch((e: unknown) => e)) as IdentityApiError;
    expect(error).toMatchObject({ kind: "unauthorized", status: 400, method: "POST", path: "/hogwarts/identity_/connect/token" });
    expect(error.message).toContain("invalid_client");
    expect(server.apiRequests).toHaveLength(0);
  });

  it("invalid_scope from the token endpoint is a forbidden error", async () => {
    const server = await identity((req, res) => send(res, 200, gryffindors), {
      tokenHandler: (req, res) => {
        send(res, 400, { error: "invalid_scope" });
        return true;
      },
    });
    const error = await clientFor(server)
      .groups.get(GRYFFINDORS)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "forbidden", status: 400 });
  });

  it("a token endpoint 503 is retried", async () => {
    const server = await identity((req, res) => send(res, 200, gryffindors), {
      tokenHandler: (req, res, n) => {
        if (n > 1) return false;
        send(res, 503, { title: "Service Unavailable" });
        return true;
      },
    });
    expect((await clientFor(server).groups.get(GRYFFINDORS)).id).toBe(GRYFFINDORS);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it("a token answer without access_token is a server error", async () => {
    const server = await identity((req, res) => send(res, 200, gryffindors), {
      tokenHandler: (req, res) => {
        send(res, 200, { token_type: "Bearer" });
        return true;
      },
    });
    const error = await clientFor(server)
      .groups.get(GRYFFINDORS)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "server", message: expect.stringContaining("no access_token") });
  });
});

describe("a static access token", () => {
  it("is sent as is, and a 401 is surfaced without any token request", async () => {
    let calls = 0;
    const server = await startServer((req, res) => {
      calls++;
      if (req.headers.authorization === "Bearer static-token-123") send(res, 200, gryffindors);
      else send(res, 401);
    });
    servers.add(server);
    const pm = createIdentityClient({
      baseUrl: `${server.origin}/identity`,
      partitionGlobalId: ORG,
      credentials: { accessToken: "static-token-123" },
      rateLimit: false,
    });
    expect((await pm.groups.get(GRYFFINDORS)).name).toBe("Gryffindors");
    const other = createIdentityClient({
      baseUrl: `${server.origin}/identity`,
      partitionGlobalId: ORG,
      credentials: { accessToken: "expired-token-456" },
      rateLimit: false,
    });
    await expect(other.groups.get(GRYFFINDORS)).rejects.toMatchObject({ kind: "unauthorized", attempts: 1 });
    expect(calls).toBe(2);
    expect(server.requests.map((r) => r.path)).toEqual([
      `/identity/api/Group/${ORG}/${GRYFFINDORS}`,
      `/identity/api/Group/${ORG}/${GRYFFINDORS}`,
    ]);
  });
});

describe("a token provider", () => {
  it("is asked for a token per request, and asked to refresh after a 401", async () => {
    const server = await startServer((req, res) =>
      req.headers.authorization === "Bearer fresh-token-2" ? send(res, 200, gryffindors) : send(res, 401),
    );
    servers.add(server);
    const asks: boolean[] = [];
    const pm = createIdentityClient({
      baseUrl: `${server.origin}/identity`,
      partitionGlobalId: ORG,
      credentials: async ({ forceRefresh }) => {
        asks.push(forceRefresh);
        return forceRefresh ? "fresh-token-2" : "old-token-1";
      },
      rateLimit: false,
    });
    expect((await pm.groups.get(GRYFFINDORS)).name).toBe("Gryffindors");
    expect(asks).toEqual([false, true]);
  });

  it("an error thrown by the provider reaches the caller unchanged", async () => {
    const server = await startServer((req, res) => send(res, 200, gryffindors));
    servers.add(server);
    const failure = new Error("vault is sealed");
    const pm = createIdentityClient({
      baseUrl: `${server.origin}/identity`,
      partitionGlobalId: ORG,
      credentials: async () => {
        throw failure;
      },
    });
    await expect(pm.groups.get(GRYFFINDORS)).rejects.toBe(failure);
    expect(server.requests).toHaveLength(0);
  });
});
