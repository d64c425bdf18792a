// The service's rules as the emulator keeps them: built-in groups, membership both ways, bulk
// deletes, duplicates, paging, search and sort.
import { beforeEach, describe, expect, it } from "@jest/globals";
import type { EmulatorHandle } from "../../src/emulator/index.js";
import {
  ADMINISTRATORS,
  ALBUS,
  ALUMNI,
  allScopes,
  BUILT_IN_GROUPS,
  call,
  EVERYONE,
  GINNY,
  GRYFFINDORS,
  HARRY,
  HERMIONE,
  LUNA,
  NEVILLE,
  ORG_ID,
  ROBY,
  RON,
  emulatorPerTest,
  UIPATH_ADMINS,
  UNKNOWN_ID,
} from "./support.js";

const start = emulatorPerTest();
let emulator: EmulatorHandle;
let base: string;
let token: string;
const api = (method: string, path: string, body?: unknown) => call(base, method, path, { token, body });

beforeEach(async () => {
  emulator = await start({ now: () => Date.parse("2024-05-01T12:00:00Z") });
  base = emulator.baseUrl();
  token = allScopes(emulator);
});

describe("groups", () => {
  it("lists built-in and local groups without members", async () => {
    const res = await api("GET", `/api/Group/${ORG_ID}`);
    expect(res.json.map((g: { name: string; type: number }) => [g.name, g.type])).toEqual([
      ...BUILT_IN_GROUPS.map((name) => [name, 0]),
      ["Gryffindors", 1],
      ["alumni", 1],
      ["Prefects", 1],
    ]);
    expect(res.json.every((g: { members: unknown[] }) => g.members.length === 0)).toBe(true);
  });

  it("gets one group with its directory users", async () => {
    const res = await api("GET", `/api/Group/${ORG_ID}/${GRYFFINDORS}`);
    expect(res.json.members.map((m: { identifier: string }) => m.identifier)).toEqual([HERMIONE, HARRY, RON, NEVILLE, LUNA, GINNY]);
    expect(res.json.members[0]).toMatchObject({
      objectType: "DirectoryUser",
      companyName: "Hogwarts",
      city: "London",
      department: "magic",
      jobTitle: "student",
    });
  });

  it("answers unknown groups with 404", async () => {
    for (const [method, path] of [
      ["GET", `/api/Group/${ORG_ID}/${UNKNOWN_ID}`],
      ["GET", `/api/Group/${ORG_ID}/${UNKNOWN_ID}/Members`],
      ["DELETE", `/api/Group/${ORG_ID}/${UNKNOWN_ID}`],
    ] as const) {
      const res = await api(method, path);
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ status: 404, title: "Not Found" });
    }
    const put = await api("PUT", `/api/Group/${UNKNOWN_ID}`, { partitionGlobalId: ORG_ID, name: "x" });
    expect(put.status).toBe(404);
  });

  it("creates a group with 201 and its members filled in, at the emulator's clock", async () => {
    const id = "aa6f2c1e-0d3b-4a59-8e27-1c4b5d6e7f80";
    const res = await api("POST", "/api/Group", { partitionGlobalId: ORG_ID, id, name: "Quidditch", directoryUserMemberIDs: [HARRY, RON] });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      id,
      name: "Quidditch",
      displayName: "Quidditch",
      type: 1,
      creationTime: "2024-05-01T12:00:00.000Z",
      lastModificationTime: null,
      members: [expect.objectContaining({ identifier: HARRY }), expect.objectContaining({ identifier: RON })],
    });
  });

  it("refuses a taken id or name (case-insensitive) with 409", async () => {
    const taken = await api("POST", "/api/Group", { partitionGlobalId: ORG_ID, id: GRYFFINDORS, name: "Other" });
    expect(taken.status).toBe(409);
    expect(taken.json.detail).toContain(GRYFFINDORS);
    const dup = await api("POST", "/api/Group", { partitionGlobalId: ORG_ID, id: UNKNOWN_ID, name: "GRYFFINDORS" });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ status: 409, title: "Conflict", detail: "A group named 'Gryffindors' already exists." });
    const builtInName = await api("POST", "/api/Group", { partitionGlobalId: ORG_ID, id: UNKNOWN_ID, name: "everyone" });
    expect(builtInName.status).toBe(409);
    const rename = await api("PUT", `/api/Group/${ALUMNI}`, { partitionGlobalId: ORG_ID, name: "gryffindors" });
    expect(rename.status).toBe(409);
  });

  it("refuses unknown directory users with 400", async () => {
    const res = await api("POST", "/api/Group", {
      partitionGlobalId: ORG_ID,
      id: UNKNOWN_ID,
      name: "Ghosts",
      directoryUserMemberIDs: [UNKNOWN_ID],
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.json.errors)).toEqual(["directoryUserMemberIDs"]);
  });

  it("renames and changes members; repeats change nothing", async () => {
    const body = {
      partitionGlobalId: ORG_ID,
      name: "Lions",
      directoryUserIDsToAdd: [HERMIONE],
      directoryUserIDsToRemove: [RON, UNKNOWN_ID],
    };
    const first = await api("PUT", `/api/Group/${GRYFFINDORS}`, body);
    expect(first.status).toBe(200);
    expect(first.json.name).toBe("Lions");
    expect(first.json.lastModificationTime).toBe("2024-05-01T12:00:00.000Z");
    expect(first.json.members.map((m: { identifier: string }) => m.identifier)).toEqual([HERMIONE, HARRY, NEVILLE, LUNA, GINNY]);
    const again = await api("PUT", `/api/Group/${GRYFFINDORS}`, body);
    expect(again.json.members).toEqual(first.json.members);
  });

  it("keeps built-in groups' names and existence: rename and delete give 409; Everyone's members cannot change", async () => {
    const rename = await api("PUT", `/api/Group/${ADMINISTRATORS}`, { partitionGlobalId: ORG_ID, name: "Wizards" });
    expect(rename.status).toBe(409);
    expect(rename.json.detail).toBe("The built-in group 'Administrators' cannot be renamed.");
    const everyone = await api("PUT", `/api/Group/${EVERYONE}`, {
      partitionGlobalId: ORG_ID,
      name: "Everyone",
      directoryUserIDsToAdd: [RON],
    });
    expect(everyone.status).toBe(409);
    expect(everyone.json.detail).toBe("The members of 'Everyone' cannot be changed: every user of the organization is in it.");
    expect((await api("DELETE", `/api/Group/${ORG_ID}/${ADMINISTRATORS}`)).status).toBe(409);
    const bulk = await api("DELETE", `/api/Group/${ORG_ID}`, { groupIDs: [ALUMNI, ADMINISTRATORS] });
    expect(bulk.status).toBe(409);
    // The bulk delete is all or nothing.
    expect(emulator.state().groups.map((g) => g.id)).toContain(ALUMNI);
  });

  it("changes built-in groups' members like any group's: users, robot accounts and directory groups", async () => {
    const add = await api("PUT", `/api/Group/${ADMINISTRATORS}`, {
      partitionGlobalId: ORG_ID,
      name: "administrators",
      directoryUserIDsToAdd: [RON, ROBY, UIPATH_ADMINS],
    });
    expect(add.status).toBe(200);
    // The name stays as it was, whatever case the update sent.
    expect(add.json.name).toBe("Administrators");
    const members = await api("GET", `/api/Group/${ORG_ID}/${ADMINISTRATORS}/Members`);
    expect(members.json.results).toEqual([
      { id: ALBUS, type: 0 },
      { id: RON, type: 0 },
      { id: UIPATH_ADMINS, type: 3 },
      { id: ROBY, type: 4 },
    ]);
    const group = await api("GET", `/api/Group/${ORG_ID}/${ADMINISTRATORS}`);
    expect(group.json.members.find((m: { identifier: string }) => m.identifier === UIPATH_ADMINS)).toEqual({
      objectType: "DirectoryGroup",
      source: "azuread",
      identifier: UIPATH_ADMINS,
      name: "UiPath-Admins",
      displayName: "UiPath-Admins",
    });
    const remove = await api("PUT", `/api/Group/${ADMINISTRATORS}`, {
      partitionGlobalId: ORG_ID,
      name: "Administrators",
      directoryUserIDsToRemove: [UIPATH_ADMINS, RON],
    });
    expect(remove.status).toBe(200);
    expect((await api("GET", `/api/Group/${ORG_ID}/${ADMINISTRATORS}/Members`)).json.totalCount).toBe(2);
  });

  it("deleting a group takes it out of robot accounts' groupIds", async () => {
    expect((await api("DELETE", `/api/Group/${ORG_ID}/${GRYFFINDORS}`)).status).toBe(204);
    const roby = await api("GET", `/api/RobotAccount/${ORG_ID}/${ROBY}`);
    expect(roby.json.groupIds).toEqual([]);
  });

  it("bulk delete ignores unknown ids and can be repeated", async () => {
    const body = { groupIDs: [GRYFFINDORS, ALUMNI, UNKNOWN_ID] };
    expect((await api("DELETE", `/api/Group/${ORG_ID}`, body)).status).toBe(204);
    expect((await api("DELETE", `/api/Group/${ORG_ID}`, body)).status).toBe(204);
    expect(emulator.state().groups.map((g) => g.name)).toEqual([...BUILT_IN_GROUPS, "Prefects"]);
    expect(emulator.state().robotAccounts.flatMap((r) => r.groupIds ?? [])).toEqual([]);
  });

  it("lists members, users and robot accounts, a page at a time", async () => {
    const all = await api("GET", `/api/Group/${ORG_ID}/${GRYFFINDORS}/Members`);
    // `type` is the UserType integer, as the live service sends it: 0 a user, 4 a robot account.
    expect(all.json).toEqual({
      totalCount: 7,
      results: [
        { id: HERMIONE, type: 0 },
        { id: HARRY, type: 0 },
        { id: RON, type: 0 },
        { id: NEVILLE, type: 0 },
        { id: LUNA, type: 0 },
        { id: GINNY, type: 0 },
        { id: ROBY, type: 4 },
      ],
    });
    const page = await api("GET", `/api/Group/${ORG_ID}/${GRYFFINDORS}/Members?top=2&skip=5`);
    expect(page.json).toEqual({
      totalCount: 7,
      results: [
        { id: GINNY, type: 0 },
        { id: ROBY, type: 4 },
      ],
    });
    const none = await api("GET", `/api/Group/${ORG_ID}/${GRYFFINDORS}/Members?top=0`);
    expect(none.json).toEqual({ totalCount: 7, results: [] });
  });
});

describe("robot accounts", () => {
  const list = async (query: string) => (await api("GET", `/api/RobotAccount/${ORG_ID}${query}`)).json;
  const names = (page: { results: Array<{ name: string }> }) => page.results.map((r) => r.name);

  it("pages with top (default 10) and skip", async () => {
    for (let i = 0; i < 12; i++) {
      expect(
        (await api("POST", "/api/RobotAccount", { partitionGlobalId: ORG_ID, name: `bot-${String(i).padStart(2, "0")}` })).status,
      ).toBe(201);
    }
    const first = await list("");
    expect(first.totalCount).toBe(16);
    expect(first.results).toHaveLength(10);
    const rest = await list("?skip=10");
    expect(rest.results).toHaveLength(6);
    // Case-insensitive order: "bot-…" sorts before "Buckbeak".
    expect(names(await list("?top=3&skip=4&sortBy=name"))).toEqual(["bot-04", "bot-05", "bot-06"]);
    expect((await list("?skip=100")).results).toEqual([]);
    expect((await list("?top=1000")).results).toHaveLength(16);
  });

  it("searches name and display name without regard to case", async () => {
    expect(names(await list("?searchTerm=ROB"))).toEqual(["Roby", "Dobby"]);
    expect(names(await list("?searchTerm=MAIL"))).toEqual(["Hedwig"]);
    const none = await list("?searchTerm=voldemort");
    expect(none).toEqual({ totalCount: 0, results: [] });
  });

  it("sorts by name, displayName, creationTime and lastLoginTime, both ways", async () => {
    expect(names(await list("?sortBy=name"))).toEqual(["Buckbeak", "Dobby", "Hedwig", "Roby"]);
    expect(names(await list("?sortBy=name&sortOrder=desc"))).toEqual(["Roby", "Hedwig", "Dobby", "Buckbeak"]);
    expect(names(await list("?sortBy=displayName"))).toEqual(["Buckbeak", "Dobby", "Hedwig", "Roby"]);
    expect(names(await list("?sortBy=creationTime&sortOrder=desc"))).toEqual(["Buckbeak", "Hedwig", "Dobby", "Roby"]);
    // Accounts that never logged in come first in ascending order (ties by id).
    expect(names(await list("?sortBy=lastLoginTime"))).toEqual(["Roby", "Hedwig", "Dobby", "Buckbeak"]);
    // An unknown sort field keeps the creation order.
    expect(names(await list("?sortBy=shoeSize"))).toEqual(["Roby", "Dobby", "Hedwig", "Buckbeak"]);
  });

  it("creates with a service-chosen id, joins groups and refuses a duplicate name as identity users are refused", async () => {
    const res = await api("POST", "/api/RobotAccount", {
      partitionGlobalId: ORG_ID,
      name: "Fawkes",
      groupIDsToAdd: [ALUMNI, GRYFFINDORS],
      id: "ignored",
      groupIDsToRemove: [],
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ name: "Fawkes", displayName: "Fawkes", lastLoginTime: null, groupIds: [ALUMNI, GRYFFINDORS] });
    expect(res.json.id).toMatch(/^[0-9a-f-]{36}$/);
    const members = await api("GET", `/api/Group/${ORG_ID}/${ALUMNI}/Members`);
    expect(members.json.results).toContainEqual({ id: res.json.id, type: 4 });
    const dup = await api("POST", "/api/RobotAccount", { partitionGlobalId: ORG_ID, name: "fawkes" });
    expect(dup.status).toBe(400);
    expect(dup.headers.get("content-type")).toContain("application/json");
    expect(dup.json).toEqual({
      succeeded: false,
      errors: [{ code: "DuplicateUserName", description: "User name 'fawkes' is already taken." }],
    });
  });

  it("refuses to join an unknown group with 400", async () => {
    const res = await api("POST", "/api/RobotAccount", { partitionGlobalId: ORG_ID, name: "Nagini", groupIDsToAdd: [UNKNOWN_ID] });
    expect(res.status).toBe(400);
    expect(Object.keys(res.json.errors)).toEqual(["groupIDsToAdd"]);
  });

  it("updates display name and groups; null display name keeps the current one", async () => {
    const moved = await api("PUT", `/api/RobotAccount/${ROBY}`, {
      partitionGlobalId: ORG_ID,
      displayName: "Roby",
      groupIDsToAdd: [ALUMNI],
      groupIDsToRemove: [],
    });
    expect(moved.json.groupIds).toEqual([ALUMNI, GRYFFINDORS]);
    const kept = await api("PUT", `/api/RobotAccount/${ROBY}`, {
      partitionGlobalId: ORG_ID,
      displayName: null,
      groupIDsToRemove: [GRYFFINDORS],
    });
    expect(kept.json).toMatchObject({ displayName: "Roby", groupIds: [ALUMNI] });
    const gryffindors = await api("GET", `/api/Group/${ORG_ID}/${GRYFFINDORS}/Members`);
    expect(gryffindors.json.totalCount).toBe(6);
  });

  it("deletes one or many; the group loses the member", async () => {
    expect((await api("DELETE", `/api/RobotAccount/${ORG_ID}/${ROBY}`)).status).toBe(204);
    expect((await api("GET", `/api/RobotAccount/${ORG_ID}/${ROBY}`)).status).toBe(404);
    expect((await api("DELETE", `/api/RobotAccount/${ORG_ID}/${ROBY}`)).status).toBe(404);
    expect((await api("PUT", `/api/RobotAccount/${ROBY}`, { partitionGlobalId: ORG_ID })).status).toBe(404);
    expect((await api("GET", `/api/Group/${ORG_ID}/${GRYFFINDORS}/Members`)).json.totalCount).toBe(6);
    const bulk = await api("DELETE", `/api/RobotAccount/${ORG_ID}`, {
      robotAccountIDs: [ROBY, UNKNOWN_ID, "d4b8f2a0-3c7e-4f91-8a25-8b6d1e4f9923"],
    });
    expect(bulk.status).toBe(204);
    expect(emulator.state().robotAccounts.map((r) => r.name)).toEqual(["Hedwig", "Buckbeak"]);
  });

  it("accepts upper-case GUIDs for the same records", async () => {
    const res = await api("GET", `/api/RobotAccount/${ORG_ID.toUpperCase()}/${ROBY.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.json.id).toBe(ROBY);
  });
});
