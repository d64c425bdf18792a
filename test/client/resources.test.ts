import { describe, expect, it } from "@jest/globals";
import { PACKAGE_NAME, PACKAGE_VERSION, isGuid, type Group, type RobotAccount } from "../../src/client/index.js";
import {
  ADMINISTRATORS,
  ALUMNI,
  EVERYONE,
  GRYFFINDORS,
  HARRY,
  HERMIONE,
  ORG,
  RON,
  ROBY,
  apiPerTest,
  clientFor,
  gryffindors,
  roby,
} from "./helpers/identity.js";
import { send } from "../helpers/http-server.js";

const withApi = apiPerTest();

const OTHER_ORG = "8b1d5e2f-3c4a-4b6d-9e7f-0a1b2c3d4e5f";

describe("groups", () => {
  it("list: GET /api/Group/{partitionGlobalId} returns the array", async () => {
    const groups = [
      { ...gryffindors, id: ADMINISTRATORS, name: "Administrators", type: 0 },
      { ...gryffindors, id: EVERYONE, name: "Everyone", type: "builtIn" },
      gryffindors,
    ];
    const { pm, server } = await withApi((req, res) => send(res, 200, groups));
    const result: Group[] = await pm.groups.list();
    expect(result.map((g) => g.name)).toEqual(["Administrators", "Everyone", "Gryffindors"]);
    expect(server.apiRequests.map((r) => `${r.method} ${r.apiPath}`)).toEqual([`GET /api/Group/${ORG}`]);
  });

  it("get: GET /api/Group/{partitionGlobalId}/{groupId}", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 200, gryffindors));
    const group = await pm.groups.get(GRYFFINDORS);
    expect(group).toEqual(gryffindors);
    expect(server.apiRequests[0]?.apiPath).toBe(`/api/Group/${ORG}/${GRYFFINDORS}`);
  });

  it("create: POST /api/Group with a generated GUID id, members and the partition", async () => {
    const { pm, server } = await withApi((req, res) => {
      const body = req.json() as { id: string; name: string };
      send(res, 201, { ...gryffindors, id: body.id, name: body.name });
    });
    const group = await pm.groups.create({ name: "Gryffindors", memberIds: [RON, HARRY, HERMIONE] });
    const sent = server.apiRequests[0];
    expect(sent?.method).toBe("POST");
    expect(sent?.apiPath).toBe("/api/Group");
    const body = sent?.json() as Record<string, unknown>;
    expect(isGuid(body["id"])).toBe(true);
    expect(body).toEqual({
      partitionGlobalId: ORG,
      id: body["id"],
      name: "Gryffindors",
      directoryUserMemberIDs: [RON, HARRY, HERMIONE],
    });
    expect(group.id).toBe(body["id"]);
    expect(sent?.headers["content-type"]).toBe("application/json");
  });

  it("create: keeps an id the caller chose", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 201, gryffindors));
    await pm.groups.create({ name: "Gryffindors", id: GRYFFINDORS });
    expect(server.apiRequests[0]?.json()).toEqual({ partitionGlobalId: ORG, id: GRYFFINDORS, name: "Gryffindors" });
  });

  it("update with a name: one PUT /api/Group/{groupId}", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 200, { ...gryffindors, name: "Lions" }));
    const group = await pm.groups.update(GRYFFINDORS, { name: "Lions", addMemberIds: [RON], removeMemberIds: [HARRY] });
    expect(group.name).toBe("Lions");
    expect(server.apiRequests.map((r) => `${r.method} ${r.apiPath}`)).toEqual([`PUT /api/Group/${GRYFFINDORS}`]);
    expect(server.apiRequests[0]?.json()).toEqual({
      partitionGlobalId: ORG,
      name: "Lions",
      directoryUserIDsToAdd: [RON],
      directoryUserIDsToRemove: [HARRY],
    });
  });

  it("addMembers fetches the current name first, then sends it with the change", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 200, gryffindors));
    await pm.groups.addMembers(GRYFFINDORS, [RON, HERMIONE]);
    expect(server.apiRequests.map((r) => `${r.method} ${r.apiPath}`)).toEqual([
      `GET /api/Group/${ORG}/${GRYFFINDORS}`,
      `PUT /api/Group/${GRYFFINDORS}`,
    ]);
    expect(server.apiRequests[1]?.json()).toEqual({
      partitionGlobalId: ORG,
      name: "Gryffindors",
      directoryUserIDsToAdd: [RON, HERMIONE],
    });
  });

  it("removeMembers keeps the name the same way", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 200, gryffindors));
    await pm.groups.removeMembers(GRYFFINDORS, [HARRY]);
    expect(server.apiRequests[1]?.json()).toEqual({
      partitionGlobalId: ORG,
      name: "Gryffindors",
      directoryUserIDsToRemove: [HARRY],
    });
  });

  it("delete: DELETE /api/Group/{partitionGlobalId}/{groupId} resolves on 204", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 204));
    await expect(pm.groups.delete(GRYFFINDORS)).resolves.toBeUndefined();
    expect(server.apiRequests.map((r) => `${r.method} ${r.apiPath}`)).toEqual([`DELETE /api/Group/${ORG}/${GRYFFINDORS}`]);
  });

  it("deleteMany: DELETE /api/Group/{partitionGlobalId} with groupIDs; an empty list sends nothing", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 204));
    await pm.groups.deleteMany([GRYFFINDORS, ALUMNI]);
    await pm.groups.deleteMany([]);
    expect(server.apiRequests).toHaveLength(1);
    expect(server.apiRequests[0]?.apiPath).toBe(`/api/Group/${ORG}`);
    expect(server.apiRequests[0]?.method).toBe("DELETE");
    expect(server.apiRequests[0]?.json()).toEqual({ groupIDs: [GRYFFINDORS, ALUMNI] });
  });

  it("listMembersPage: GET …/Members with top and skip", async () => {
    const page = { totalCount: 4, results: [{ id: ROBY, type: "DirectoryRobotUser" }] };
    const { pm, server } = await withApi((req, res) => send(res, 200, page));
    expect(await pm.groups.listMembersPage(GRYFFINDORS, { top: 1, skip: 3 })).toEqual(page);
    const sent = server.apiRequests[0];
    expect(sent?.apiPath).toBe(`/api/Group/${ORG}/${GRYFFINDORS}/Members`);
    expect(Object.fromEntries(sent?.query ?? [])).toEqual({ top: "1", skip: "3" });
  });

  it("a call can act on another organization", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 200, []));
    await pm.groups.list({ partitionGlobalId: OTHER_ORG });
    expect(server.apiRequests[0]?.apiPath).toBe(`/api/Group/${OTHER_ORG}`);
  });
});

describe("robot accounts", () => {
  it("listPage: GET /api/RobotAccount/{partitionGlobalId} with the query names the service uses", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 200, { totalCount: 1, results: [roby] }));
    const page = await pm.robotAccounts.listPage({ search: "Rob", top: 5, skip: 10, sortBy: "name", sortOrder: "desc" });
    expect(page).toEqual({ totalCount: 1, results: [roby] });
    const sent = server.apiRequests[0];
    expect(sent?.apiPath).toBe(`/api/RobotAccount/${ORG}`);
    expect(Object.fromEntries(sent?.query ?? [])).toEqual({
      searchTerm: "Rob",
      top: "5",
      skip: "10",
      sortBy: "name",
      sortOrder: "desc",
    });
  });

  it("listPage turns a null results into an empty array", async () => {
    const { pm } = await withApi((req, res) => send(res, 200, { totalCount: 0, results: null }));
    expect(await pm.robotAccounts.listPage()).toEqual({ totalCount: 0, results: [] });
  });

  it("get: GET /api/RobotAccount/{partitionGlobalId}/{robotAccountId}", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 200, roby));
    const account: RobotAccount = await pm.robotAccounts.get(ROBY);
    expect(account).toEqual(roby);
    expect(server.apiRequests[0]?.apiPath).toBe(`/api/RobotAccount/${ORG}/${ROBY}`);
  });

  it("create: POST /api/RobotAccount with groupIDsToAdd", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 201, roby));
    expect(await pm.robotAccounts.create({ name: "Roby", displayName: "Roby", groupIds: [GRYFFINDORS] })).toEqual(roby);
    expect(server.apiRequests[0]?.apiPath).toBe("/api/RobotAccount");
    expect(server.apiRequests[0]?.json()).toEqual({
      partitionGlobalId: ORG,
      name: "Roby",
      displayName: "Roby",
      groupIDsToAdd: [GRYFFINDORS],
    });
  });

  it("update: PUT /api/RobotAccount/{robotAccountId}", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 200, roby));
    await pm.robotAccounts.update(ROBY, { displayName: "Roby the Brave", addToGroupIds: [ALUMNI], removeFromGroupIds: [] });
    expect(server.apiRequests[0]?.method).toBe("PUT");
    expect(server.apiRequests[0]?.apiPath).toBe(`/api/RobotAccount/${ROBY}`);
    expect(server.apiRequests[0]?.json()).toEqual({
      partitionGlobalId: ORG,
      displayName: "Roby the Brave",
      groupIDsToAdd: [ALUMNI],
      groupIDsToRemove: [],
    });
  });

  it("addToGroups and removeFromGroups send only the membership change (the display name is kept)", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 200, roby));
    await pm.robotAccounts.addToGroups(ROBY, [ALUMNI]);
    await pm.robotAccounts.removeFromGroups(ROBY, [GRYFFINDORS]);
    expect(server.apiRequests.map((r) => r.json())).toEqual([
      { partitionGlobalId: ORG, groupIDsToAdd: [ALUMNI] },
      { partitionGlobalId: ORG, groupIDsToRemove: [GRYFFINDORS] },
    ]);
  });

  it("delete and deleteMany", async () => {
    const { pm, server } = await withApi((req, res) => send(res, 204));
    await pm.robotAccounts.delete(ROBY);
    await pm.robotAccounts.deleteMany([ROBY]);
    await pm.robotAccounts.deleteMany([]);
    expect(server.apiRequests.map((r) => `${r.method} ${r.apiPath}`)).toEqual([
      `DELETE /api/RobotAccount/${ORG}/${ROBY}`,
      `DELETE /api/RobotAccount/${ORG}`,
    ]);
    expect(server.apiRequests[1]?.json()).toEqual({ robotAccountIDs: [ROBY] });
  });
});

describe("every request", () => {
  it("carries the bearer token, a User-Agent with package and version, and Accept: application/json", async () => {
    const { server } = await withApi((req, res) => send(res, 200, []));
    const pm = clientFor(server, { userAgent: "sorting-hat/1.0" });
    await pm.groups.list();
    const headers = server.apiRequests[0]?.headers;
    expect(headers?.authorization).toBe(`Bearer ${server.issued[0]}`);
    expect(headers?.["user-agent"]).toBe(`${PACKAGE_NAME}/${PACKAGE_VERSION} sorting-hat/1.0`);
    expect(headers?.accept).toBe("application/json");
  });

  it("the raw openapi-fetch client works with the same auth, and unwrap turns its answer into data or an error", async () => {
    const { pm, server } = await withApi((req, res) =>
      req.apiPath.endsWith(ROBY) ? send(res, 200, roby) : send(res, 404, { title: "Not Found", status: 404 }),
    );
    const ok = await pm.raw.GET("/api/RobotAccount/{partitionGlobalId}/{robotAccountId}", {
      params: { path: { partitionGlobalId: ORG, robotAccountId: ROBY } },
    });
    expect(pm.unwrap(ok).name).toBe("Roby");
    const missing = await pm.raw.GET("/api/RobotAccount/{partitionGlobalId}/{robotAccountId}", {
      params: { path: { partitionGlobalId: ORG, robotAccountId: ALUMNI } },
    });
    expect(missing.error).toEqual({ title: "Not Found", status: 404 });
    expect(() => pm.unwrap(missing)).toThrow(expect.objectContaining({ kind: "not_found", status: 404, method: "GET" }));
    expect(server.apiRequests.every((r) => r.token === server.issued[0])).toBe(true);
  });
});
