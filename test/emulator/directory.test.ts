// The directory lookups over raw HTTP (prefix search with its filters, bulk name resolution), and
// membership kept consistent across every view: user side, group side, robot accounts.
import { beforeEach, describe, expect, it } from "@jest/globals";
import type { EmulatorHandle, SeedData } from "../../src/emulator/index.js";
import { loadBundledDocument } from "../../src/emulator/document.js";
import {
  ALBUS,
  ALUMNI,
  allScopes,
  call,
  DRACO,
  EMAILS,
  GINNY,
  GRYFFINDORS,
  HARRY,
  HERMIONE,
  LUNA,
  NEVILLE,
  ORG_ID,
  PREFECTS,
  ROBY,
  RON,
  emulatorPerTest,
  UIPATH_ADMINS,
  UNKNOWN_ID,
} from "./support.js";

const doc = loadBundledDocument() as any;
const HEDWIG = "e5c9a3b1-4d8f-4a02-9b36-9c7e2f5a0a34";
const NEW_GROUP = "aa6f2c1e-0d3b-4a59-8e27-1c4b5d6e7f80";

const start = emulatorPerTest();
let emulator: EmulatorHandle;
let base: string;
let token: string;
const api = (method: string, path: string, body?: unknown) => call(base, method, path, { token, body });
const search = async (query: string) => {
  const res = await api("GET", `/api/Directory/Search/${ORG_ID}?${query}`);
  expect(res.status).toBe(200);
  return res.json as Array<{ identifier: string; identityName: string; objectType: string; type: number; source: string }>;
};
const names = (results: Array<{ identityName: string }>) => results.map((r) => r.identityName);
const resolve = (entityNames: string[], entityType: string) =>
  api("POST", `/api/Directory/BulkResolveByName/${ORG_ID}`, { entityNames, entityType });

beforeEach(async () => {
  emulator = await start();
  base = emulator.baseUrl();
  token = allScopes(emulator);
});

describe("directory search", () => {
  it("answers the contract's example for 'her' among local users and groups", async () => {
    const example =
      doc.paths["/api/Directory/Search/{partitionGlobalId}"].get.responses["200"].content["application/json"].examples.her.value;
    expect(await search("startsWith=her&sourceFilter=localUsers&sourceFilter=localGroups")).toEqual(example);
  });

  it("matches the start of user names, e-mail, names and display names, group names and robot names, ignoring case", async () => {
    // Users (by user name), then groups, then robot accounts, each ordered by name.
    expect(names(await search("startsWith=G"))).toEqual([EMAILS.ginny, EMAILS.hermione, "Gryffindors"]);
    expect(names(await search("startsWith=r"))).toEqual([EMAILS.ron, "Roby"]);
    expect(names(await search("startsWith=weasley"))).toEqual([EMAILS.ginny, EMAILS.ron]);
    expect(names(await search("startsWith=Dobby%20the"))).toEqual(["Dobby"]);
    expect(names(await search("startsWith=a"))).toEqual([
      EMAILS.albus,
      "Administrators",
      "alumni",
      "Automation Developers",
      "Automation Express",
      "Automation Users",
    ]);
    // A prefix, not a substring.
    expect(await search("startsWith=easley")).toEqual([]);
  });

  it("gives each kind its shape: type 0 for users and robot accounts, 1 for groups", async () => {
    const found = await search("startsWith=r");
    expect(found).toEqual([
      {
        source: "local",
        identifier: RON,
        identityName: EMAILS.ron,
        displayName: "Ron Weasley",
        email: EMAILS.ron,
        domain: null,
        type: 0,
        objectType: "DirectoryUser",
      },
      {
        source: "local",
        identifier: ROBY,
        identityName: "Roby",
        displayName: "Roby",
        email: null,
        domain: null,
        type: 0,
        objectType: "DirectoryRobotUser",
      },
    ]);
    expect(await search("startsWith=pre")).toEqual([
      {
        source: "local",
        identifier: PREFECTS,
        identityName: "Prefects",
        displayName: "Prefects",
        email: null,
        domain: null,
        type: 1,
        objectType: "DirectoryGroup",
      },
    ]);
  });

  it("narrows by entity type: users include robot accounts; there are no applications", async () => {
    expect(names(await search("startsWith=h&entityType=user"))).toEqual([EMAILS.harry, EMAILS.hermione, "Hedwig"]);
    // Groups of the linked directory are groups too.
    expect(names(await search("startsWith=h&entityType=group"))).toEqual(["Hogwarts-Staff"]);
    expect(names(await search("startsWith=g&entityType=group"))).toEqual(["Gryffindors"]);
    expect(await search("startsWith=h&entityType=application")).toEqual([]);
  });

  it("narrows by source filters, repeated for several", async () => {
    expect(names(await search("startsWith=h&sourceFilter=robotAccounts"))).toEqual(["Hedwig"]);
    expect(names(await search("startsWith=h&sourceFilter=localUsers"))).toEqual([EMAILS.harry, EMAILS.hermione]);
    expect(names(await search("startsWith=al&sourceFilter=localGroups&sourceFilter=robotAccounts"))).toEqual(["alumni"]);
    expect(await search("startsWith=a&sourceFilter=directoryGroups&sourceFilter=applications&sourceFilter=directoryUsers")).toEqual([]);
    expect(await search("startsWith=uipath&sourceFilter=directoryGroups")).toEqual([
      {
        source: "azuread",
        identifier: UIPATH_ADMINS,
        identityName: "UiPath-Admins",
        displayName: "UiPath-Admins",
        email: null,
        domain: null,
        type: 1,
        objectType: "DirectoryGroup",
      },
    ]);
    // Both narrowings apply together.
    expect(names(await search("startsWith=h&entityType=user&sourceFilter=localGroups"))).toEqual([]);
  });

  it("tells local users from directory users by their source", async () => {
    const seed: SeedData = {
      users: [
        { objectType: "DirectoryUser", identifier: RON, name: "Ron", email: EMAILS.ron },
        { objectType: "DirectoryUser", identifier: HARRY, name: "Harry", email: "rharry@ministry.example", source: "ministry.example" },
      ],
    };
    const other = await start({ seed });
    const t = allScopes(other);
    const get = async (q: string) =>
      (await call(other.baseUrl(), "GET", `/api/Directory/Search/${ORG_ID}?startsWith=r&${q}`, { token: t })).json;
    expect((await get("sourceFilter=localUsers")).map((r: { identifier: string }) => r.identifier)).toEqual([RON]);
    expect(await get("sourceFilter=directoryUsers")).toEqual([
      expect.objectContaining({ identifier: HARRY, source: "ministry.example", objectType: "DirectoryUser" }),
    ]);
  });

  it("refuses a missing prefix and values outside the contract's lists with 400", async () => {
    const missing = await api("GET", `/api/Directory/Search/${ORG_ID}`);
    expect(missing.json.errors).toEqual({ startsWith: ["The startsWith field is required."] });
    expect((await api("GET", `/api/Directory/Search/${ORG_ID}?startsWith=r&entityType=robot`)).json.errors).toEqual({
      entityType: ["The value 'robot' is not valid."],
    });
    const filter = await api("GET", `/api/Directory/Search/${ORG_ID}?startsWith=r&sourceFilter=localUsers&sourceFilter=everyone`);
    expect(filter.json.errors).toEqual({ sourceFilter: ["The value 'everyone' is not valid."] });
    const other = await api("GET", `/api/Directory/Search/${UNKNOWN_ID}?startsWith=r`);
    expect(other.json.errors.partitionGlobalId[0]).toContain("InvalidPartition");
  });
});

describe("resolving names in bulk", () => {
  it("finds users by user name or e-mail, ignoring case, keyed by each name as given; unknown names are null", async () => {
    const res = await resolve([EMAILS.ron, "HERMIONE.GRANGER@hogwarts.example", "nobody@hogwarts.example", EMAILS.ron], "user");
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)).toEqual([EMAILS.ron, "HERMIONE.GRANGER@hogwarts.example", "nobody@hogwarts.example"]);
    expect(res.json["nobody@hogwarts.example"]).toBeNull();
    expect(res.json["HERMIONE.GRANGER@hogwarts.example"].identifier).toBe(HERMIONE);
    // The contract's example, and the same entry a group's member list shows.
    const example =
      doc.paths["/api/Directory/BulkResolveByName/{partitionGlobalId}"].post.responses["200"].content["application/json"].examples.twoEmails
        .value;
    expect(res.json[EMAILS.ron]).toMatchObject(example[EMAILS.ron]);
    const members = (await api("GET", `/api/Group/${ORG_ID}/${GRYFFINDORS}`)).json.members;
    expect(res.json[EMAILS.ron]).toEqual(members.find((m: { identifier: string }) => m.identifier === RON));
  });

  it("finds a user by e-mail when the user name is something else", async () => {
    await api("POST", "/api/User", { partitionGlobalId: ORG_ID, userName: "filch", email: "argus.filch@hogwarts.example" });
    const res = await resolve(["argus.filch@hogwarts.example", "FILCH"], "user");
    expect(res.json["argus.filch@hogwarts.example"].identifier).toBe(res.json.FILCH.identifier);
  });

  it("finds groups by name; applications and robot accounts never resolve", async () => {
    const groups = await resolve(["prefects", "Gryffindors", "Slytherins", "uipath-admins"], "group");
    expect(groups.json).toEqual({
      // A group of the linked directory, with its source.
      "uipath-admins": {
        objectType: "DirectoryGroup",
        source: "azuread",
        identifier: UIPATH_ADMINS,
        name: "UiPath-Admins",
        displayName: "UiPath-Admins",
      },
      prefects: { objectType: "DirectoryGroup", source: "local", identifier: PREFECTS, name: "Prefects", displayName: "Prefects" },
      Gryffindors: {
        objectType: "DirectoryGroup",
        source: "local",
        identifier: GRYFFINDORS,
        name: "Gryffindors",
        displayName: "Gryffindors",
      },
      Slytherins: null,
    });
    expect((await resolve(["Roby"], "user")).json).toEqual({ Roby: null });
    expect((await resolve(["Roby"], "application")).json).toEqual({ Roby: null });
    const robot = await resolve(["Roby"], "robot");
    expect(robot.status).toBe(400);
    expect(Object.keys(robot.json.errors)).toEqual(["$.entityType"]);
  });

  it("keeps any name as an ordinary key, and refuses an empty list", async () => {
    const res = await resolve(["__proto__", "constructor"], "group");
    expect(res.text).toBe('{"__proto__":null,"constructor":null}');
    expect((await resolve([], "user")).status).toBe(400);
  });

  it("needs PM.Directory or PM.Directory.Read with an application token", async () => {
    const reader = emulator.issueToken({ scopes: ["PM.Directory.Read"] });
    expect(
      (
        await call(base, "POST", `/api/Directory/BulkResolveByName/${ORG_ID}`, {
          token: reader,
          body: { entityNames: ["x"], entityType: "user" },
        })
      ).status,
    ).toBe(200);
    const users = emulator.issueToken({ scopes: ["PM.User"] });
    const res = await call(base, "GET", `/api/Directory/Search/${ORG_ID}?startsWith=r`, { token: users });
    expect(res.status).toBe(403);
    expect(res.json.errorMessage).toBe("Scope(s) 'PM.User' is(are) invalid. Expect to have 'PM.Directory' or 'PM.Directory.Read'. ");
  });
});

describe("membership, the same in every view", () => {
  const memberList = async (groupId: string) => (await api("GET", `/api/Group/${ORG_ID}/${groupId}/Members?top=1000`)).json.results;
  const groupMembers = async (groupId: string) =>
    (await api("GET", `/api/Group/${ORG_ID}/${groupId}`)).json.members.map((m: { identifier: string }) => m.identifier);
  const userGroups = async (userId: string) => (await api("GET", `/api/User/${userId}`)).json.groupIDs;

  it("a user joining from the user side shows on the group side, and leaving too", async () => {
    expect((await api("PUT", `/api/User/${DRACO}`, { groupIDsToAdd: [ALUMNI, PREFECTS] })).status).toBe(200);
    expect(await memberList(ALUMNI)).toEqual([
      { id: DRACO, type: 0 },
      { id: HEDWIG, type: 4 },
    ]);
    expect(await groupMembers(PREFECTS)).toEqual([RON, HERMIONE, DRACO]);
    expect(await userGroups(DRACO)).toEqual([ALUMNI, PREFECTS]);
    await api("PUT", `/api/User/${DRACO}`, { groupIDsToRemove: [PREFECTS, UNKNOWN_ID] });
    expect(await groupMembers(PREFECTS)).toEqual([RON, HERMIONE]);
    expect(await userGroups(DRACO)).toEqual([ALUMNI]);
  });

  it("a user joining from the group side shows on the user side; deleting the group or the user ends it", async () => {
    await api("PUT", `/api/Group/${PREFECTS}`, {
      partitionGlobalId: ORG_ID,
      name: "Prefects",
      directoryUserIDsToAdd: [NEVILLE],
      directoryUserIDsToRemove: [RON],
    });
    expect(await userGroups(NEVILLE)).toEqual([PREFECTS, GRYFFINDORS]);
    expect(await userGroups(RON)).toEqual([GRYFFINDORS]);
    expect((await api("DELETE", `/api/Group/${ORG_ID}/${PREFECTS}`)).status).toBe(204);
    expect(await userGroups(NEVILLE)).toEqual([GRYFFINDORS]);
    expect((await api("DELETE", `/api/User/${LUNA}`)).status).toBe(204);
    expect((await memberList(GRYFFINDORS)).map((m: { id: string }) => m.id)).toEqual([HERMIONE, HARRY, RON, NEVILLE, GINNY, ROBY]);
    // The copy of the data agrees with the endpoints.
    const state = emulator.state();
    expect(state.users.find((u) => u.id === NEVILLE)?.groupIDs).toEqual([GRYFFINDORS]);
    expect(state.groups.find((g) => g.id === GRYFFINDORS)?.members?.map((m) => m.identifier)).toEqual([
      HERMIONE,
      HARRY,
      RON,
      NEVILLE,
      GINNY,
    ]);
  });

  it("robot accounts join and leave from the group side, stored on the robot account", async () => {
    const created = await api("POST", "/api/Group", {
      partitionGlobalId: ORG_ID,
      id: NEW_GROUP,
      name: "Owlery",
      directoryUserMemberIDs: [HEDWIG, ALBUS],
    });
    expect(created.status).toBe(201);
    // Group.members lists users only; /Members has both, users first.
    expect(created.json.members.map((m: { identifier: string }) => m.identifier)).toEqual([ALBUS]);
    expect(await memberList(NEW_GROUP)).toEqual([
      { id: ALBUS, type: 0 },
      { id: HEDWIG, type: 4 },
    ]);
    expect((await api("GET", `/api/RobotAccount/${ORG_ID}/${HEDWIG}`)).json.groupIds).toEqual([ALUMNI, NEW_GROUP]);
    await api("PUT", `/api/Group/${NEW_GROUP}`, {
      partitionGlobalId: ORG_ID,
      name: "Owlery",
      directoryUserIDsToAdd: [ROBY],
      directoryUserIDsToRemove: [HEDWIG],
    });
    expect((await api("GET", `/api/RobotAccount/${ORG_ID}/${HEDWIG}`)).json.groupIds).toEqual([ALUMNI]);
    expect((await api("GET", `/api/RobotAccount/${ORG_ID}/${ROBY}`)).json.groupIds).toEqual([GRYFFINDORS, NEW_GROUP]);
    expect(await memberList(NEW_GROUP)).toEqual([
      { id: ALBUS, type: 0 },
      { id: ROBY, type: 4 },
    ]);
  });

  it("refuses an id that is neither a user nor a robot account with 400 keyed by the field", async () => {
    const create = await api("POST", "/api/Group", {
      partitionGlobalId: ORG_ID,
      id: NEW_GROUP,
      name: "Ghosts",
      directoryUserMemberIDs: [ROBY, UNKNOWN_ID],
    });
    expect(create.json.errors).toEqual({
      directoryUserMemberIDs: [`No directory user, directory group or robot account with id '${UNKNOWN_ID}'.`],
    });
    const update = await api("PUT", `/api/Group/${PREFECTS}`, {
      partitionGlobalId: ORG_ID,
      name: "Prefects",
      directoryUserIDsToAdd: [GRYFFINDORS],
    });
    expect(update.json.errors).toEqual({
      directoryUserIDsToAdd: [`No directory user, directory group or robot account with id '${GRYFFINDORS}'.`],
    });
    // Nothing changed: no group, no robot membership.
    expect(emulator.state().groups.some((g) => g.id === NEW_GROUP)).toBe(false);
    expect((await api("GET", `/api/RobotAccount/${ORG_ID}/${ROBY}`)).json.groupIds).toEqual([GRYFFINDORS]);
  });

  it("shows each user both as a directory entity and as a user in state()", async () => {
    const ron = emulator.state().users.find((u) => u.identifier === RON);
    expect(ron).toMatchObject({
      objectType: "DirectoryUser",
      identifier: RON,
      firstName: "Ron",
      lastName: "Weasley",
      jobTitle: "student",
      id: RON,
      userName: EMAILS.ron,
      groupIDs: [PREFECTS, GRYFFINDORS],
      type: 0,
    });
  });
});
