// A peer tool checks the emulator: Prism as a validating proxy (`--errors`) between raw HTTP calls
// and the emulator finds no request or response that breaks the document.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { EmulatorHandle } from "../../src/emulator/index.js";
import { startPrism, type PrismServer } from "../helpers/prism.js";
import {
  ALUMNI,
  allScopes,
  call,
  EMAILS,
  GRYFFINDORS,
  HARRY,
  HERMIONE,
  ORG_ID,
  PREFECTS,
  ROBY,
  RON,
  emulatorPerFile,
  UNKNOWN_ID,
} from "./support.js";

const start = emulatorPerFile();
let emulator: EmulatorHandle;
let prism: PrismServer;
let token: string;

beforeAll(async () => {
  emulator = await start();
  token = allScopes(emulator);
  prism = await startPrism({ mode: "proxy", upstream: emulator.baseUrl() });
});
afterAll(async () => {
  await prism?.close();
});

const NEW_GROUP = "7c2e4a6b-8d0f-4e21-9b43-5a6c7d8e9f10";
const CEDRIC = "3c5e7a9b-1d3f-4a5c-8e7b-9d1f3a5c7e26";
const inviteUrl = (organizationId: string) =>
  `https://cloud.uipath.com/portal_/acceptInvite?organizationId=${organizationId}&organizationName=hogwarts&language=en`;
const cedric = {
  partitionGlobalId: ORG_ID,
  id: CEDRIC,
  userName: "cedric.diggory@hogwarts.example",
  email: "cedric.diggory@hogwarts.example",
  name: "Cedric",
  surname: "Diggory",
  type: 0,
  groupIDs: [GRYFFINDORS],
};

describe("through a Prism validating proxy", () => {
  it("passes the whole raw-HTTP scenario with zero violations", async () => {
    const steps: Array<[string, string, unknown, number]> = [
      ["GET", `/api/Group/${ORG_ID}`, undefined, 200],
      ["GET", `/api/Group/${ORG_ID}/${GRYFFINDORS}`, undefined, 200],
      ["GET", `/api/Group/${ORG_ID}/${GRYFFINDORS}/Members?top=2&skip=1`, undefined, 200],
      ["POST", "/api/Group", { partitionGlobalId: ORG_ID, id: NEW_GROUP, name: "Duelling Club", directoryUserMemberIDs: [RON, ROBY] }, 201],
      ["POST", "/api/Group", { partitionGlobalId: ORG_ID, id: NEW_GROUP, name: "Duelling Club again" }, 409],
      [
        "PUT",
        `/api/Group/${NEW_GROUP}`,
        { partitionGlobalId: ORG_ID, name: "Duelling Club", directoryUserIDsToAdd: [HARRY], directoryUserIDsToRemove: [RON] },
        200,
      ],
      ["GET", `/api/Group/${ORG_ID}/${NEW_GROUP}/Members`, undefined, 200],
      ["PUT", `/api/Group/${UNKNOWN_ID}`, { partitionGlobalId: ORG_ID, name: "Nobody" }, 404],
      ["DELETE", `/api/Group/${ORG_ID}/${NEW_GROUP}`, undefined, 204],
      ["GET", `/api/Group/${ORG_ID}/${NEW_GROUP}`, undefined, 404],
      ["GET", `/api/RobotAccount/${ORG_ID}?searchTerm=o&top=2&skip=0&sortBy=name&sortOrder=desc`, undefined, 200],
      ["GET", `/api/RobotAccount/${ORG_ID}/${ROBY}`, undefined, 200],
      [
        "POST",
        "/api/RobotAccount",
        { partitionGlobalId: ORG_ID, name: "Fawkes", displayName: "Fawkes", groupIDsToAdd: [GRYFFINDORS] },
        201,
      ],
      ["POST", "/api/RobotAccount", { partitionGlobalId: ORG_ID, name: "Fawkes" }, 400],
      [
        "PUT",
        `/api/RobotAccount/${ROBY}`,
        { partitionGlobalId: ORG_ID, displayName: "Roby", groupIDsToAdd: [ALUMNI], groupIDsToRemove: [] },
        200,
      ],
      ["DELETE", `/api/RobotAccount/${ORG_ID}/${ROBY}`, undefined, 204],
      ["DELETE", `/api/RobotAccount/${ORG_ID}`, { robotAccountIDs: [UNKNOWN_ID] }, 204],
      ["DELETE", `/api/Group/${ORG_ID}`, { groupIDs: [ALUMNI, UNKNOWN_ID] }, 204],
      ["DELETE", `/api/Group/${ORG_ID}`, { groupIDs: ["0e4b2a6c-7d1f-4a39-8c50-2f6e9b1d0a00"] }, 409],
      ["GET", `/api/Group/${ORG_ID}`, undefined, 200],
      // Users and the directory.
      ["GET", `/api/User/users/${ORG_ID}?searchTerm=weasley&top=2&skip=0&sortBy=UserName&sortOrder=desc`, undefined, 200],
      ["GET", `/api/User/users/${ORG_ID}`, undefined, 200],
      ["GET", `/api/User/${RON}`, undefined, 200],
      ["GET", `/api/User/${UNKNOWN_ID}`, undefined, 404],
      ["POST", "/api/User", cedric, 200],
      ["POST", "/api/User", cedric, 400],
      ["POST", "/api/User", { ...cedric, userName: "cedric", email: "" }, 409],
      [
        "POST",
        "/api/User/BulkCreate",
        {
          partitionGlobalId: ORG_ID,
          groupIDs: [PREFECTS],
          users: [
            { userName: "fred.weasley@hogwarts.example", email: "fred.weasley@hogwarts.example", type: "user" },
            { userName: "george" },
          ],
        },
        200,
      ],
      ["POST", "/api/User/BulkCreate", { partitionGlobalId: ORG_ID, users: [{ userName: "percy" }, { userName: EMAILS.ron }] }, 400],
      [
        "POST",
        "/api/User/InviteUsers",
        [
          { email: "dean.thomas@hogwarts.example", name: "Dean", language: "en", groupIDs: [GRYFFINDORS], redirectUrl: inviteUrl(ORG_ID) },
          { email: "seamus.finnigan@hogwarts.example", redirectUrl: "https://example.com/join" },
        ],
        200,
      ],
      [
        "PUT",
        `/api/User/${CEDRIC}`,
        {
          displayName: "Cedric D.",
          isActive: null,
          groupIDsToAdd: [PREFECTS],
          groupIDsToRemove: [GRYFFINDORS],
          extensionUserAttributesToAddOrUpdate: { house: "Hufflepuff" },
        },
        200,
      ],
      ["PUT", `/api/User/${CEDRIC}`, { email: EMAILS.hermione }, 400],
      ["PUT", `/api/User/${UNKNOWN_ID}`, { name: "Nobody" }, 404],
      ["GET", `/api/Directory/Search/${ORG_ID}?startsWith=her&sourceFilter=localUsers&sourceFilter=localGroups`, undefined, 200],
      ["GET", `/api/Directory/Search/${ORG_ID}?startsWith=r&entityType=user`, undefined, 200],
      [
        "POST",
        `/api/Directory/BulkResolveByName/${ORG_ID}`,
        { entityNames: [EMAILS.ron, "nobody@hogwarts.example"], entityType: "user" },
        200,
      ],
      ["POST", `/api/Directory/BulkResolveByName/${ORG_ID}`, { entityNames: ["prefects", "Nowhere"], entityType: "group" }, 200],
      ["DELETE", `/api/User/${CEDRIC}`, undefined, 204],
      ["DELETE", `/api/User/${CEDRIC}`, undefined, 404],
      ["DELETE", "/api/User", { partitionGlobalId: ORG_ID, userIds: [HERMIONE, UNKNOWN_ID] }, 204],
    ];
    for (const [method, path, body, status] of steps) {
      const res = await call(prism.url, method, path, { token, body });
      expect({ method, path, status: res.status, violations: res.headers.get("sl-violations") }).toEqual({
        method,
        path,
        status,
        violations: null,
      });
    }
    // Error answers from the emulator pass Prism's response check too.
    const forbidden = await call(prism.url, "GET", `/api/Group/${ORG_ID}`, { token: emulator.issueToken({ scopes: ["PM.RobotAccount"] }) });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.errorMessage).toContain("Expect to have 'PM.Group' or 'PM.Group.Read'");
    const expired = await call(prism.url, "GET", `/api/Group/${ORG_ID}`, {
      token: emulator.issueToken({ scopes: ["PM.Group"], expiresInSeconds: 0 }),
    });
    expect(expired.status).toBe(401);
    expect(prism.output()).not.toMatch(/Violation:|violation/);
  });

  it("is a real check: a response that breaks the document comes back as Prism's 500 with sl-violations", async () => {
    // Negative control: an upstream that sends a group list without required fields.
    const broken = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('[{"id":"not-a-guid"}]');
    });
    await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", () => resolve()));
    const checker = await startPrism({ mode: "proxy", upstream: `http://127.0.0.1:${(broken.address() as AddressInfo).port}/x/identity_` });
    try {
      const res = await call(checker.url, "GET", `/api/Group/${ORG_ID}`, { token: "anything" });
      expect(res.status).toBe(500);
      expect(res.headers.get("sl-violations")).toContain("must have required property 'name'");
      // Requests are checked too: Prism refuses a non-GUID id before the upstream sees it.
      expect((await call(checker.url, "GET", "/api/Group/magic-7", { token: "anything" })).status).toBe(422);
    } finally {
      await checker.close();
      await new Promise<void>((resolve) => broken.close(() => resolve()));
    }
  });
});
