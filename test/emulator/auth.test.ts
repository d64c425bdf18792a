// The token endpoint's OAuth errors, and the 401/403 answers of the API.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { EmulatorHandle } from "../../src/emulator/index.js";
import { call, GRYFFINDORS, ORG_ID, requestToken, ROBY, start, stop } from "./support.js";

const READER = { clientId: "group-reader", clientSecret: "s3cret-reader-value", scopes: ["PM.Group.Read"] };
const ROBOTS = { clientId: "robot-admin", clientSecret: "s3cret-robot-value", scopes: ["PM.RobotAccount"] };
const HOGWARTS_ONLY = { clientId: "hogwarts-only", clientSecret: "s3cret-hogwarts-value", scopes: ["PM.Group"], organization: "hogwarts" };

let emulator: EmulatorHandle;
let base: string;
let tokenUrl: string;

beforeAll(async () => {
  emulator = await start({
    organizations: [
      { name: "hogwarts", partitionGlobalId: ORG_ID },
      { name: "beauxbatons", partitionGlobalId: "1b2c3d4e-5f60-4a71-8b92-a3b4c5d6e7f8", seed: "empty" },
    ],
    clients: [READER, ROBOTS, HOGWARTS_ONLY],
    tokenLifetimeSeconds: 120,
  });
  base = emulator.baseUrl();
  tokenUrl = `${base}/connect/token`;
});
afterAll(() => stop(emulator));

const form = (client: { clientId: string; clientSecret: string }, extra: Record<string, string> = {}) => ({
  grant_type: "client_credentials",
  client_id: client.clientId,
  client_secret: client.clientSecret,
  ...extra,
});

describe("token endpoint", () => {
  it("issues a bearer token with an expiry and the granted scopes", async () => {
    const res = await requestToken(tokenUrl, form(READER, { scope: "PM.Group.Read" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.json).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 120, scope: "PM.Group.Read" });
  });

  it("grants all of the client's scopes when none are asked for", async () => {
    const res = await requestToken(tokenUrl, form(ROBOTS));
    expect(res.json.scope).toBe("PM.RobotAccount");
  });

  it("accepts client credentials in a Basic Authorization header", async () => {
    const res = await fetch(tokenUrl, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${READER.clientId}:${READER.clientSecret}`).toString("base64")}`,
      },
      body: "grant_type=client_credentials",
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ["a wrong secret", form({ ...READER, clientSecret: "wrong" }), "invalid_client"],
    ["an unknown client", form({ clientId: "nobody", clientSecret: "x" }), "invalid_client"],
    ["no client id", { grant_type: "client_credentials" }, "invalid_client"],
    ["no grant type", { client_id: READER.clientId, client_secret: READER.clientSecret }, "invalid_request"],
    ["another grant type", form(READER, { grant_type: "password" }), "unsupported_grant_type"],
    ["scopes beyond the client's", form(READER, { scope: "PM.Group.Read PM.Group.Write" }), "invalid_scope"],
  ])("refuses %s with the OAuth error JSON", async (_case, fields, error) => {
    const res = await requestToken(tokenUrl, fields);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe(error);
    // The client's secret never comes back in an error.
    expect(res.text).not.toContain(READER.clientSecret);
  });

  it("refuses a body that is not a form", async () => {
    const res = await fetch(tokenUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(form(READER)) });
    expect(res.status).toBe(400);
    expect((await res.json()) as unknown).toMatchObject({ error: "invalid_request" });
  });

  it("keeps an organization-bound client out of other organizations", async () => {
    const ok = await requestToken(tokenUrl, form(HOGWARTS_ONLY));
    expect(ok.status).toBe(200);
    const other = await requestToken(`${emulator.baseUrl("beauxbatons")}/connect/token`, form(HOGWARTS_ONLY));
    expect(other.json).toEqual({ error: "invalid_client" });
  });
});

describe("API authorization", () => {
  const listGroups = `/api/Group/${ORG_ID}`;

  it("answers a missing token with 401, an empty body and a bare Bearer challenge", async () => {
    const res = await call(base, "GET", listGroups);
    expect(res.status).toBe(401);
    expect(res.text).toBe("");
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
  });

  it.each([
    ["a malformed header", { authorization: "Token abc" }],
    ["an unknown token", { authorization: "Bearer not-a-token" }],
    ["a bearer without a token", { authorization: "Bearer " }],
  ])("answers %s with 401 invalid_token", async (_case, headers) => {
    const res = await call(base, "GET", listGroups, { headers });
    expect(res.status).toBe(401);
    expect(res.text).toBe("");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
  });

  it("answers an expired token with 401", async () => {
    const token = emulator.issueToken({ scopes: ["PM.Group"], expiresInSeconds: 0 });
    const res = await call(base, "GET", listGroups, { token });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("expired");
  });

  it("answers a token without the operation's scopes with 403 naming the accepted ones", async () => {
    const robotsOnly = (await requestToken(tokenUrl, form(ROBOTS))).json.access_token as string;
    const res = await call(base, "GET", listGroups, { token: robotsOnly });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.json).toEqual({ errorMessage: "Scope(s) 'PM.RobotAccount' is(are) invalid. Expect to have 'PM.Group' or 'PM.Group.Read'. " });
  });

  it("lets a read scope read but not write", async () => {
    const token = emulator.issueToken({ scopes: ["PM.Group.Read"] });
    expect((await call(base, "GET", `/api/Group/${ORG_ID}/${GRYFFINDORS}`, { token })).status).toBe(200);
    const write = await call(base, "DELETE", `/api/Group/${ORG_ID}/${GRYFFINDORS}`, { token });
    expect(write.status).toBe(403);
    expect(write.json.errorMessage).toBe("Scope(s) 'PM.Group.Read' is(are) invalid. Expect to have 'PM.Group' or 'PM.Group.Write'. ");
    expect(emulator.state().groups.some((g) => g.id === GRYFFINDORS)).toBe(true);
  });

  it("lets a write scope write robot accounts but not read them", async () => {
    const token = emulator.issueToken({ scopes: ["PM.RobotAccount.Write"] });
    expect((await call(base, "GET", `/api/RobotAccount/${ORG_ID}/${ROBY}`, { token })).status).toBe(403);
    const res = await call(base, "PUT", `/api/RobotAccount/${ROBY}`, { token, body: { partitionGlobalId: ORG_ID, displayName: "Roby" } });
    expect(res.status).toBe(200);
  });

  it("checks the token before the request's shape", async () => {
    const res = await call(base, "GET", "/api/Group/magic-7");
    expect(res.status).toBe(401);
  });
});
