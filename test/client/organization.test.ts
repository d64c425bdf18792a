// The organization a call acts on when `partitionGlobalId` is left out: read from the access token's
// `prt_id` claim, as UiPath's tokens carry it; an explicit id wins, and a mismatch is refused.
import { afterEach, describe, expect, it } from "@jest/globals";
import { createIdentityClient, IdentityApiError, IdentityInputError } from "../../src/client/index.js";
import { readClaims } from "../../src/client/jwt-claims.js";
import { readPartitionClaim } from "../../src/client/organization.js";
import { CLIENT_ID, CLIENT_SECRET, GRYFFINDORS, ORG, gryffindors, startIdentity, type FakeIdentity } from "./helpers/identity.js";
import { send } from "../helpers/http-server.js";

const OTHER_ORG = "8b1d5e2f-3c4a-4b6d-9e7f-0a1b2c3d4e5f";

/** A JWT-shaped token; the client only reads claims, so the signature can be anything. */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "RS256", typ: "at+jwt" })}.${part({ client_id: CLIENT_ID, scope: ["PM.Group"], ...claims })}.c2lnbmF0dXJl`;
}

let server: FakeIdentity | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A look-alike whose token endpoint issues JWTs with these claims. */
async function identityIssuing(claims: Record<string, unknown>) {
  server = await startIdentity(
    (req, res) => send(res, 200, req.apiPath.endsWith("/Members") ? { totalCount: 0, results: [] } : [gryffindors]),
    {
      tokenHandler: (req, res, n) => {
        const token = jwt({ ...claims, jti: String(n) });
        server!.issued.push(token);
        send(res, 200, { access_token: token, token_type: "Bearer", expires_in: 3600 });
        return true;
      },
    },
  );
  return server;
}

const clientWith = (s: FakeIdentity, partitionGlobalId?: string) =>
  createIdentityClient({
    baseUrl: s.baseUrl,
    ...(partitionGlobalId && { partitionGlobalId }),
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    rateLimit: false,
  });

describe("the organization from the token", () => {
  it("reads prt_id when partitionGlobalId is left out: one token request, no other extra request", async () => {
    const s = await identityIssuing({ prt_id: ORG.toUpperCase() });
    const pm = clientWith(s);
    await pm.groups.list();
    await pm.groups.listMembers(GRYFFINDORS).toArray();
    expect(s.tokenRequests).toHaveLength(1);
    expect(s.apiRequests.map((r) => r.apiPath)).toEqual([`/api/Group/${ORG}`, `/api/Group/${ORG}/${GRYFFINDORS}/Members`]);
    await expect(pm.partitionGlobalId()).resolves.toBe(ORG);
  });

  it("an explicit partitionGlobalId wins over the token when they agree", async () => {
    const s = await identityIssuing({ prt_id: ORG });
    const pm = clientWith(s, ORG);
    await pm.groups.list();
    await pm.groups.list({ partitionGlobalId: ORG });
    expect(s.apiRequests.map((r) => r.apiPath)).toEqual([`/api/Group/${ORG}`, `/api/Group/${ORG}`]);
  });

  it("an explicit id for another organization than the token's is refused before sending", async () => {
    const s = await identityIssuing({ prt_id: ORG });
    const pm = clientWith(s);
    await pm.groups.list();
    const error = await pm.groups.list({ partitionGlobalId: OTHER_ORG }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityInputError);
    expect((error as IdentityInputError).field).toBe("partitionGlobalId");
    expect((error as Error).message).toBe(
      `partitionGlobalId ${OTHER_ORG} is not the token's organization (prt_id ${ORG}): ` +
        "leave it out, or use that organization's credentials",
    );
    expect(s.apiRequests).toHaveLength(1);
  });

  it("says clearly when the token names no organization", async () => {
    const s = await identityIssuing({});
    const error = await clientWith(s)
      .robotAccounts.listPage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityInputError);
    expect((error as Error).message).toMatch(
      /^partitionGlobalId is missing and the access token does not name an organization \(no prt_id claim/,
    );
    expect(s.apiRequests).toHaveLength(0);
  });

  it("a fixed token that is not a JWT names no organization either; with the option it works as before", async () => {
    server = await startIdentity((req, res) => send(res, 200, [gryffindors]));
    const opaque = createIdentityClient({ baseUrl: server.baseUrl, credentials: { accessToken: "opaque-token" } });
    await expect(opaque.groups.list()).rejects.toBeInstanceOf(IdentityInputError);
    expect(server.requests).toHaveLength(0);
  });

  it("an abort while the token is being fetched is reported as an aborted call", async () => {
    // The token answer comes after the abort, so the call is still waiting for it when it gives up.
    server = await startIdentity((req, res) => send(res, 200, []), {
      tokenHandler: (req, res) => {
        setTimeout(() => send(res, 200, { access_token: jwt({ prt_id: ORG }), expires_in: 3600 }), 200);
        return true;
      },
    });
    const controller = new AbortController();
    const pending = clientWith(server).groups.list({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityApiError);
    expect((error as IdentityApiError).kind).toBe("aborted");
    // The shared token request carries on for other callers; let it finish before the server closes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.tokenRequests).toHaveLength(1);
  });

  it("readPartitionClaim: only a GUID prt_id in a JWT counts", () => {
    expect(readPartitionClaim(jwt({ prt_id: ORG }))).toBe(ORG);
    expect(readPartitionClaim(jwt({ prt_id: "hogwarts" }))).toBeUndefined();
    expect(readPartitionClaim(jwt({ prt_id: 7 }))).toBeUndefined();
    expect(readPartitionClaim("not.a.jwt")).toBeUndefined();
    expect(readPartitionClaim("opaque")).toBeUndefined();
  });

  it("readClaims: a JWT's payload, UTF-8 and unpadded base64url included; anything else is no claims", () => {
    expect(readClaims(jwt({ name: "Åsa Ørnberg ✓", prt_id: ORG }))).toMatchObject({ name: "Åsa Ørnberg ✓", prt_id: ORG });
    const part = (text: string) => Buffer.from(text).toString("base64url");
    expect(readClaims(`${part("{}")}.${part("[1,2]")}.sig`)).toBeUndefined();
    expect(readClaims(`${part("{}")}.${part("not json")}.sig`)).toBeUndefined();
    expect(readClaims(`${part("{}")}.${Buffer.from([0xff, 0xfe]).toString("base64url")}.sig`)).toBeUndefined();
    expect(readClaims(`${part("{}")}.%%%.sig`)).toBeUndefined();
    expect(readClaims(`${part("{}")}..sig`)).toBeUndefined();
    expect(readClaims("a.b")).toBeUndefined();
  });
});
