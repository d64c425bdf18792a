// Every operation of the contract answers under each URL layout the document's servers declare.
import { describe, expect, it } from "@jest/globals";
import type { EmulatorHandle } from "../../src/emulator/index.js";
import { indexOperations, loadBundledDocument } from "../../src/emulator/document.js";
import {
  ALUMNI,
  allScopes,
  BUILT_IN_GROUPS,
  call,
  GRYFFINDORS,
  HARRY,
  HERMIONE,
  ORG_ID,
  requestToken,
  ROBY,
  RON,
  DEMO_CLIENT,
  emulatorPerTest,
  UNKNOWN_ID,
} from "./support.js";

const NEW_GROUP = "6b1d9e3a-2c4f-4d58-9a7b-0e1f2a3b4c5d";
const CEDRIC = "3c5e7a9b-1d3f-4a5c-8e7b-9d1f3a5c7e26";
const INVITE_URL = `https://cloud.uipath.com/portal_/acceptInvite?organizationId=${ORG_ID}&emailForUserinvite=dean.thomas%40hogwarts.example&organizationName=hogwarts&language=en`;

/** One successful call per operation, in an order that keeps each one's target alive. */
const SCENARIO: Array<{ operationId: string; method: string; path: string; body?: unknown; status: number }> = [
  { operationId: "listGroups", method: "GET", path: `/api/Group/${ORG_ID}`, status: 200 },
  { operationId: "getGroup", method: "GET", path: `/api/Group/${ORG_ID}/${GRYFFINDORS}`, status: 200 },
  { operationId: "queryAuditRecords", method: "GET", path: `/api/AuditQuery/${ORG_ID}?top=5`, status: 200 },
  { operationId: "downloadAuditRecords", method: "GET", path: `/api/AuditQuery/${ORG_ID}/download?size=5`, status: 200 },
  { operationId: "listGroupMembers", method: "GET", path: `/api/Group/${ORG_ID}/${GRYFFINDORS}/Members`, status: 200 },
  {
    operationId: "listUsers",
    method: "GET",
    path: `/api/User/users/${ORG_ID}?searchTerm=weasley&top=1000&skip=0&sortBy=UserName&sortOrder=asc`,
    status: 200,
  },
  { operationId: "getUser", method: "GET", path: `/api/User/${RON}`, status: 200 },
  {
    operationId: "createUser",
    method: "POST",
    path: "/api/User",
    body: {
      partitionGlobalId: ORG_ID,
      id: CEDRIC,
      userName: "cedric.diggory@hogwarts.example",
      email: "cedric.diggory@hogwarts.example",
      name: "Cedric",
      surname: "Diggory",
      type: 0,
      groupIDs: [ALUMNI],
    },
    status: 200,
  },
  {
    operationId: "createUsers",
    method: "POST",
    path: "/api/User/BulkCreate",
    body: {
      partitionGlobalId: ORG_ID,
      groupIDs: [GRYFFINDORS],
      users: [
        { userName: "fred.weasley@hogwarts.example", email: "fred.weasley@hogwarts.example" },
        { userName: "george.weasley@hogwarts.example", type: "user" },
      ],
    },
    status: 200,
  },
  {
    operationId: "inviteUsers",
    method: "POST",
    path: "/api/User/InviteUsers",
    body: [
      {
        email: "dean.thomas@hogwarts.example",
        name: "Dean",
        surname: "Thomas",
        language: "en",
        groupIDs: [GRYFFINDORS],
        redirectUrl: INVITE_URL,
      },
    ],
    status: 200,
  },
  {
    operationId: "updateUser",
    method: "PUT",
    path: `/api/User/${CEDRIC}`,
    body: { displayName: "Cedric D.", groupIDsToAdd: [GRYFFINDORS], groupIDsToRemove: [ALUMNI] },
    status: 200,
  },
  {
    operationId: "searchDirectory",
    method: "GET",
    path: `/api/Directory/Search/${ORG_ID}?startsWith=ced&sourceFilter=localUsers&sourceFilter=localGroups`,
    status: 200,
  },
  {
    operationId: "resolveDirectoryNames",
    method: "POST",
    path: `/api/Directory/BulkResolveByName/${ORG_ID}`,
    body: { entityNames: ["cedric.diggory@hogwarts.example", "nobody@hogwarts.example"], entityType: "user" },
    status: 200,
  },
  { operationId: "deleteUser", method: "DELETE", path: `/api/User/${CEDRIC}`, status: 204 },
  {
    operationId: "deleteUsers",
    method: "DELETE",
    path: "/api/User",
    body: { partitionGlobalId: ORG_ID, userIds: [HARRY, UNKNOWN_ID] },
    status: 204,
  },
  {
    operationId: "createGroup",
    method: "POST",
    path: "/api/Group",
    body: { partitionGlobalId: ORG_ID, id: NEW_GROUP, name: "Duelling Club", directoryUserMemberIDs: [RON] },
    status: 201,
  },
  {
    operationId: "updateGroup",
    method: "PUT",
    path: `/api/Group/${NEW_GROUP}`,
    body: { partitionGlobalId: ORG_ID, name: "Duelling Club", directoryUserIDsToAdd: [HERMIONE, ROBY] },
    status: 200,
  },
  { operationId: "deleteGroup", method: "DELETE", path: `/api/Group/${ORG_ID}/${NEW_GROUP}`, status: 204 },
  { operationId: "deleteGroups", method: "DELETE", path: `/api/Group/${ORG_ID}`, body: { groupIDs: [ALUMNI] }, status: 204 },
  { operationId: "listRobotAccounts", method: "GET", path: `/api/RobotAccount/${ORG_ID}`, status: 200 },
  { operationId: "getRobotAccount", method: "GET", path: `/api/RobotAccount/${ORG_ID}/${ROBY}`, status: 200 },
  {
    operationId: "createRobotAccount",
    method: "POST",
    path: "/api/RobotAccount",
    body: { partitionGlobalId: ORG_ID, name: "Fawkes", displayName: "Fawkes", groupIDsToAdd: [GRYFFINDORS] },
    status: 201,
  },
  {
    operationId: "updateRobotAccount",
    method: "PUT",
    path: `/api/RobotAccount/${ROBY}`,
    body: { partitionGlobalId: ORG_ID, displayName: "Roby II", groupIDsToRemove: [GRYFFINDORS] },
    status: 200,
  },
  { operationId: "deleteRobotAccount", method: "DELETE", path: `/api/RobotAccount/${ORG_ID}/${ROBY}`, status: 204 },
  {
    operationId: "deleteRobotAccounts",
    method: "DELETE",
    path: `/api/RobotAccount/${ORG_ID}`,
    body: { robotAccountIDs: ["d4b8f2a0-3c7e-4f91-8a25-8b6d1e4f9923"] },
    status: 204,
  },
];

const start = emulatorPerTest();

describe("routes", () => {
  it("the scenario covers every Identity operation in the document (the audit service's are in audit.test.ts)", () => {
    const ids = indexOperations(loadBundledDocument())
      .filter((o) => o.service === "identity")
      .map((o) => o.operationId)
      .sort();
    expect(SCENARIO.map((s) => s.operationId).sort()).toEqual(ids);
  });

  describe.each([
    ["organization-level /{org}/identity_", (e: EmulatorHandle) => `${e.url}/hogwarts/identity_`],
    ["host-level /identity_", (e: EmulatorHandle) => `${e.url}/identity_`],
    ["standalone /identity", (e: EmulatorHandle) => `${e.url}/identity`],
  ])("layout %s", (_name, baseOf) => {
    it("issues a token and answers every operation", async () => {
      const emulator = await start();
      const base = baseOf(emulator);
      const grant = await requestToken(`${base}/connect/token`, {
        grant_type: "client_credentials",
        client_id: DEMO_CLIENT.clientId,
        client_secret: DEMO_CLIENT.clientSecret,
        scope: "PM.Group PM.RobotAccount PM.User PM.Directory PM.Audit.Read",
      });
      expect(grant.status).toBe(200);
      for (const step of SCENARIO) {
        const res = await call(base, step.method, step.path, { token: grant.json.access_token, body: step.body });
        expect({ op: step.operationId, status: res.status }).toEqual({ op: step.operationId, status: step.status });
        expect(res.headers.get("x-request-id")).toBeTruthy();
      }
    });
  });

  it("gives each organization its own partition id and data", async () => {
    const emulator = await start({
      organizations: [
        { name: "hogwarts", partitionGlobalId: ORG_ID },
        { name: "durmstrang", partitionGlobalId: "8c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", seed: "empty" },
      ],
    });
    const other = emulator.baseUrl("durmstrang");
    const token = allScopes(emulator, "durmstrang");
    const groups = await call(other, "GET", "/api/Group/8c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", { token });
    expect(groups.status).toBe(200);
    expect(groups.json.map((g: { name: string }) => g.name)).toEqual(BUILT_IN_GROUPS);
    // The first organization's id is another organization's business here.
    const wrong = await call(other, "GET", `/api/Group/${ORG_ID}`, { token });
    expect(wrong.status).toBe(400);
    expect(Object.keys(wrong.json.errors)).toEqual(["partitionGlobalId"]);
    // A token of one organization does not open another.
    const crossed = await call(emulator.baseUrl("hogwarts"), "GET", `/api/Group/${ORG_ID}`, { token });
    expect(crossed.status).toBe(401);
    expect(emulator.state("durmstrang").robotAccounts).toEqual([]);
    expect(emulator.state("hogwarts").robotAccounts.length).toBeGreaterThan(0);
  });

  it("answers unknown paths with 404 and wrong methods with 405 and Allow", async () => {
    const emulator = await start();
    const base = emulator.baseUrl();
    const token = allScopes(emulator);
    const unknown = await call(base, "GET", "/api/Setting", { token });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(unknown.json).toMatchObject({ status: 404, title: "Not Found" });
    expect(unknown.json.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect((await call(emulator.url, "GET", "/nowhere/identity_/api/Group")).status).toBe(404);
    expect((await call(emulator.url, "GET", "/hogwarts/orchestrator_/odata")).status).toBe(404);
    const wrongMethod = await call(base, "PATCH", `/api/Group/${ORG_ID}`, { token });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("DELETE, GET, PUT");
    const getCreate = await call(base, "GET", "/api/Group", { token });
    expect(getCreate.status).toBe(405);
    expect(getCreate.headers.get("allow")).toBe("POST");
    const tokenGet = await call(base, "GET", "/connect/token");
    expect(tokenGet.status).toBe(405);
  });

  it("matches route literals without regard to case, as ASP.NET does", async () => {
    const emulator = await start();
    const res = await call(emulator.baseUrl(), "GET", `/API/group/${ORG_ID}/${GRYFFINDORS}/members`, { token: allScopes(emulator) });
    expect(res.status).toBe(200);
    expect(res.json.totalCount).toBe(7);
  });

  it("serves the bundled document, a docs page and a landing page", async () => {
    const emulator = await start();
    const doc = await call(emulator.url, "GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.json).toEqual(loadBundledDocument());
    const docs = await call(emulator.url, "GET", "/docs");
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-type")).toMatch(/^text\/html/);
    expect(docs.text).toContain("/openapi.json");
    const landing = await call(emulator.url, "GET", "/");
    expect(landing.json.organizations).toEqual([
      {
        name: "hogwarts",
        partitionGlobalId: ORG_ID,
        baseUrl: emulator.baseUrl(),
        tokenUrl: `${emulator.baseUrl()}/connect/token`,
        auditBaseUrl: emulator.auditBaseUrl(),
      },
    ]);
  });

  it("keeps a caller's x-request-id", async () => {
    const emulator = await start();
    const res = await call(emulator.baseUrl(), "GET", `/api/Group/${ORG_ID}`, { headers: { "x-request-id": "abc-123" } });
    expect(res.headers.get("x-request-id")).toBe("abc-123");
  });
});
