// The token endpoint's OAuth errors, the 401/403 answers of the API, and the tokens themselves:
// JWTs verified against the keys the emulator publishes.
import { beforeAll, describe, expect, it } from "@jest/globals";
import { createRemoteJWKSet, jwtVerify, SignJWT } from "jose";
import type { EmulatorHandle } from "../../src/emulator/index.js";
import { call, emulatorPerFile, emulatorPerTest, GRYFFINDORS, ORG_ID, PM_SCOPES, requestToken, ROBY } from "./support.js";

const READER = { clientId: "group-reader", clientSecret: "s3cret-reader-value", scopes: ["PM.Group.Read"] };
const ROBOTS = { clientId: "robot-admin", clientSecret: "s3cret-robot-value", scopes: ["PM.RobotAccount"] };
const HOGWARTS_ONLY = { clientId: "hogwarts-only", clientSecret: "s3cret-hogwarts-value", scopes: ["PM.Group"], organization: "hogwarts" };

/** The emulator the tests share, and others a test starts for itself. */
const startShared = emulatorPerFile();
const start = emulatorPerTest();
let emulator: EmulatorHandle;
let base: string;
let tokenUrl: string;

beforeAll(async () => {
  emulator = await startShared({
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

  it("refuses Basic credentials with a broken percent-escape as an unknown client, not a server error", async () => {
    const res = await fetch(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from("%zz:%").toString("base64")}` },
      body: "grant_type=client_credentials",
    });
    expect(res.status).toBe(400);
    expect((await res.json()) as unknown).toEqual({ error: "invalid_client" });
  });

  it("refuses a body that is not a form", async () => {
    const res = await fetch(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(form(READER)),
    });
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
    expect(res.json).toEqual({
      errorMessage: "Scope(s) 'PM.RobotAccount' is(are) invalid. Expect to have 'PM.Group' or 'PM.Group.Read'. ",
    });
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

describe("tokens are JWTs that anyone can verify with the published keys", () => {
  const decode = (token: string) =>
    token
      .split(".")
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>);

  it("carries IdentityServer's header and claims, prt_id being the organization's id", async () => {
    const grant = await requestToken(tokenUrl, form(READER, { scope: "PM.Group.Read" }));
    const [header, claims] = decode(grant.json.access_token as string);
    expect(header).toEqual({ alg: "RS256", typ: "at+jwt", kid: expect.stringMatching(/^[\w-]{43}$/) });
    expect(claims).toEqual({
      iss: base,
      aud: "UiPath.Identity",
      client_id: READER.clientId,
      prt_id: ORG_ID,
      scope: ["PM.Group.Read"],
      iat: expect.any(Number),
      nbf: claims!.iat,
      exp: (claims!.iat as number) + 120,
      jti: expect.stringMatching(/^[0-9A-F]{32}$/),
    });
    // The handle's tokens have the same form, issued at the organization-level base.
    const [, issued] = decode(emulator.issueToken({ scopes: ["PM.Group"], organization: "beauxbatons" }));
    expect(issued).toMatchObject({
      iss: emulator.baseUrl("beauxbatons"),
      prt_id: "1b2c3d4e-5f60-4a71-8b92-a3b4c5d6e7f8",
      scope: ["PM.Group"],
    });
  });

  it.each([
    ["organization-level", (e: EmulatorHandle) => e.baseUrl()],
    ["host-level", (e: EmulatorHandle) => `${e.url}/identity_`],
    ["standalone", (e: EmulatorHandle) => `${e.url}/identity`],
  ])("publishes discovery and keys at the %s base, and a third party verifies tokens with them", async (_name, baseOf) => {
    const at = baseOf(emulator);
    const config = await call(at, "GET", "/.well-known/openid-configuration");
    expect(config.status).toBe(200);
    expect(config.json).toEqual({
      issuer: at,
      jwks_uri: `${at}/.well-known/openid-configuration/jwks`,
      token_endpoint: `${at}/connect/token`,
      scopes_supported: [...PM_SCOPES],
      grant_types_supported: ["client_credentials"],
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      response_types_supported: ["token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
    });
    const grant = await requestToken(config.json.token_endpoint as string, form(READER));
    const keys = createRemoteJWKSet(new URL(config.json.jwks_uri as string));
    const { payload, protectedHeader } = await jwtVerify(grant.json.access_token as string, keys, {
      issuer: config.json.issuer as string,
      audience: "UiPath.Identity",
      algorithms: ["RS256"],
    });
    expect(payload.prt_id).toBe(ORG_ID);
    expect(protectedHeader.kid).toBe((await call(at, "GET", "/.well-known/openid-configuration/jwks")).json.keys[0].kid);
    // The token works at the API of the base it came from.
    expect((await call(at, "GET", `/api/Group/${ORG_ID}`, { token: grant.json.access_token })).status).toBe(200);
  });

  it("serves the metadata to GET only, without a token or a rate limit", async () => {
    const limited = await start({ rateLimit: { windowMs: 60_000, budgets: { GET: 1, POST: 1, PUT: 1, PATCH: 1, DELETE: 1 } } });
    for (let i = 0; i < 3; i++) expect((await call(limited.baseUrl(), "GET", "/.well-known/openid-configuration/jwks")).status).toBe(200);
    const jwks = (await call(limited.baseUrl(), "GET", "/.well-known/openid-configuration/jwks")).json;
    expect(jwks.keys).toEqual([{ kty: "RSA", n: expect.any(String), e: "AQAB", kid: expect.any(String), alg: "RS256", use: "sig" }]);
    const post = await call(limited.baseUrl(), "POST", "/.well-known/openid-configuration", { body: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
    // Each emulator has its own key.
    expect(jwks.keys[0].kid).not.toBe((await call(base, "GET", "/.well-known/openid-configuration/jwks")).json.keys[0].kid);
  });

  it("refuses a tampered token, another key's token, alg none and an HMAC token with 401 invalid_token", async () => {
    const good = emulator.issueToken({ scopes: ["PM.Group.Read"] });
    const [h, p, s] = good.split(".") as [string, string, string];
    const widened = Buffer.from(JSON.stringify({ ...decode(good)[1], scope: ["PM.Group"] })).toString("base64url");
    const other = await start();
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt" })).toString("base64url")}.${p}.`;
    const hmac = await new SignJWT(decode(good)[1])
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
      .sign(new TextEncoder().encode("a-guessable-secret-of-32-bytes!!"));
    const foreign = other.issueToken({ scopes: ["PM.Group"] }); // same organization id, another emulator
    for (const token of [`${h}.${widened}.${s}`, `${h}.${p}.${s.slice(0, -4)}AAAA`, foreign, none, hmac, `${h}.${p}`]) {
      const res = await call(base, "DELETE", `/api/Group/${ORG_ID}/${GRYFFINDORS}`, { token });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    }
    expect(emulator.state().groups.some((g) => g.id === GRYFFINDORS)).toBe(true);
  });

  it("refuses another organization's token, though it verifies", async () => {
    const token = emulator.issueToken({ scopes: ["PM.Group"], organization: "beauxbatons" });
    const res = await call(base, "GET", `/api/Group/${ORG_ID}`, { token });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  });

  it("checks expiry by the emulator's clock on every use, also for a token it has seen before", async () => {
    let clock = Date.parse("2024-05-01T12:00:00Z");
    const timed = await start({ now: () => clock });
    const token = timed.issueToken({ scopes: ["PM.Group"], expiresInSeconds: 60 });
    const get = () => call(timed.baseUrl(), "GET", `/api/Group/${ORG_ID}`, { token });
    expect((await get()).status).toBe(200);
    clock += 59_999;
    expect((await get()).status).toBe(200);
    clock += 1;
    const expired = await get();
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toBe('Bearer error="invalid_token", error_description="The token expired"');
    // A token that is already expired when first seen says so too.
    const old = timed.issueToken({ scopes: ["PM.Group"], expiresInSeconds: -5 });
    expect((await call(timed.baseUrl(), "GET", `/api/Group/${ORG_ID}`, { token: old })).headers.get("www-authenticate")).toContain(
      "The token expired",
    );
  });
});
