// Users over raw HTTP: the service's rules as the emulator keeps them (identity results, uniqueness,
// all-or-nothing bulk create, invitations that fail one by one, partial updates), and the answers'
// shapes for 400, 401, 403, 404 and 409.
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
  UNKNOWN_ID,
} from "./support.js";

const NOW = "2024-05-01T12:00:00.000Z";
const CEDRIC = "3c5e7a9b-1d3f-4a5c-8e7b-9d1f3a5c7e26";
const SUCCEEDED = { succeeded: true, errors: [] };
const INVITE_URL = `https://cloud.uipath.com/portal_/acceptInvite?organizationId=${ORG_ID}&emailForUserinvite=x&organizationName=hogwarts&language=en`;
const doc = loadBundledDocument() as any;

const start = emulatorPerTest();
let emulator: EmulatorHandle;
let base: string;
let token: string;
const api = (method: string, path: string, body?: unknown) => call(base, method, path, { token, body });
const getUser = async (id: string) => (await api("GET", `/api/User/${id}`)).json;
const memberIds = async (groupId: string) =>
  (await api("GET", `/api/Group/${ORG_ID}/${groupId}/Members?top=1000`)).json.results.map((m: { id: string }) => m.id);
const cedric = (extra: Record<string, unknown> = {}) => ({
  partitionGlobalId: ORG_ID,
  id: CEDRIC,
  userName: "cedric.diggory@hogwarts.example",
  email: "cedric.diggory@hogwarts.example",
  name: "Cedric",
  surname: "Diggory",
  ...extra,
});
const identityFailure = (...errors: Array<[string, string]>) => ({
  succeeded: false,
  errors: errors.map(([code, description]) => ({ code, description })),
});

beforeEach(async () => {
  emulator = await start({ now: () => Date.parse(NOW) });
  base = emulator.baseUrl();
  token = allScopes(emulator);
});

describe("reading users", () => {
  it("gets Ron exactly as the contract's example shows him", async () => {
    const res = await api("GET", `/api/User/${RON}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(doc.components.examples.RonUser.value);
  });

  it("answers an unknown id, and a robot account's id, with 404 problem details", async () => {
    for (const id of [UNKNOWN_ID, ROBY]) {
      const res = await api("GET", `/api/User/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(res.json).toEqual({
        type: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        title: "Not Found",
        status: 404,
        detail: "The entity was not found.",
        traceId: expect.any(String),
      });
    }
    const bad = await api("GET", "/api/User/ron-0103");
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual({ userId: ["The value 'ron-0103' is not valid."] });
  });

  it("lists a search for weasley sorted by user name exactly as the contract's example", async () => {
    const res = await api("GET", `/api/User/users/${ORG_ID}?searchTerm=weasley&top=1000&skip=0&sortBy=UserName&sortOrder=asc`);
    const example =
      doc.paths["/api/User/users/{partitionGlobalId}"].get.responses["200"].content["application/json"].examples.weasleys.value;
    expect(res.json).toEqual(example);
  });

  it("lists in creation order by default, ten at a time, without robot accounts", async () => {
    const page = await api("GET", `/api/User/users/${ORG_ID}`);
    expect(page.json.totalCount).toBe(8);
    expect(page.json.results.map((u: { id: string }) => u.id)).toEqual([RON, HARRY, HERMIONE, NEVILLE, LUNA, GINNY, ALBUS, DRACO]);
    const rest = await api("GET", `/api/User/users/${ORG_ID}?top=3&skip=6`);
    expect(rest.json.results.map((u: { id: string }) => u.id)).toEqual([ALBUS, DRACO]);
  });

  it("searches user name, e-mail, first and last name and display name, ignoring case", async () => {
    const ids = async (term: string) =>
      (await api("GET", `/api/User/users/${ORG_ID}?searchTerm=${encodeURIComponent(term)}`)).json.results.map((u: { id: string }) => u.id);
    expect(await ids("WEASLEY")).toEqual([RON, GINNY]);
    expect(await ids("longbottom@")).toEqual([NEVILLE]);
    expect(await ids("Dumble")).toEqual([ALBUS]);
    expect(await ids("  luna ")).toEqual([LUNA]);
    expect(await ids("roby")).toEqual([]);
  });

  it("sorts by the contract's PascalCase fields, ignoring their case, nulls first, ties by id", async () => {
    const ids = async (query: string) =>
      (await api("GET", `/api/User/users/${ORG_ID}?top=1000&${query}`)).json.results.map((u: { id: string }) => u.id);
    expect(await ids("sortBy=UserName")).toEqual([ALBUS, DRACO, GINNY, HARRY, HERMIONE, LUNA, NEVILLE, RON]);
    expect(await ids("sortBy=email&sortOrder=desc")).toEqual([RON, NEVILLE, LUNA, HERMIONE, HARRY, GINNY, DRACO, ALBUS]);
    // Never signed in (null) first, then by time; ties by id.
    expect((await ids("sortBy=LastLoginTime")).slice(-3)).toEqual([RON, HARRY, HERMIONE]);
    expect((await ids("sortBy=LastLoginTime")).slice(0, 5)).toEqual([GINNY, LUNA, NEVILLE, ALBUS, DRACO].sort());
    expect(await ids("sortBy=InvitationAccepted")).toEqual([DRACO, ...[RON, HARRY, HERMIONE, NEVILLE, LUNA, GINNY, ALBUS].sort()]);
    expect(await ids("sortBy=CreationTime")).toEqual([ALBUS, HARRY, HERMIONE, NEVILLE, RON, GINNY, LUNA, DRACO]);
    expect(await ids("sortBy=Id")).toEqual([RON, HARRY, HERMIONE, NEVILLE, LUNA, GINNY, ALBUS, DRACO].sort());
    // An unknown field keeps the creation order.
    expect(await ids("sortBy=ShoeSize")).toEqual([RON, HARRY, HERMIONE, NEVILLE, LUNA, GINNY, ALBUS, DRACO]);
  });

  it("refuses another organization's id and bad paging with 400", async () => {
    const other = await api("GET", "/api/User/users/11111111-2222-4333-8444-555555555555");
    expect(other.status).toBe(400);
    expect(other.json.errors.partitionGlobalId[0]).toContain("InvalidPartition");
    expect((await api("GET", `/api/User/users/${ORG_ID}?top=1001`)).json.errors).toEqual({
      top: ["The field top must be between 0 and 1000."],
    });
  });

  it("pages 2,500 users in three requests of 1000, sorted by Id, none missed or repeated", async () => {
    const ids = Array.from(
      { length: 2500 },
      (_, i) => `${i.toString(16).padStart(8, "0")}-0000-4000-8000-${(2500 - i).toString(16).padStart(12, "0")}`,
    );
    const seed: SeedData = {
      users: ids.map((identifier, i) => ({
        objectType: "DirectoryUser",
        identifier,
        name: `Student ${i}`,
        email: `student${i}@hogwarts.example`,
      })),
    };
    const big = await start({ seed });
    const bigToken = allScopes(big);
    const seen: string[] = [];
    let requests = 0;
    for (let skip = 0; ; skip += 1000) {
      const res = await call(big.baseUrl(), "GET", `/api/User/users/${ORG_ID}?top=1000&skip=${skip}&sortBy=Id`, { token: bigToken });
      requests++;
      expect(res.json.totalCount).toBe(2500);
      seen.push(...res.json.results.map((u: { id: string }) => u.id));
      if (res.json.results.length < 1000) break;
    }
    expect(requests).toBe(3);
    expect(seen).toEqual([...ids].sort());
  });
});

describe("creating a user", () => {
  it("answers 200 with an identity result; the user reads back with the service's defaults and is in its groups", async () => {
    const res = await api("POST", "/api/User", cedric({ groupIDs: [GRYFFINDORS], password: "Secret-123", validatePassword: true }));
    expect(res.status).toBe(200);
    expect(res.json).toEqual(SUCCEEDED);
    expect(await getUser(CEDRIC)).toEqual({
      id: CEDRIC,
      userName: "cedric.diggory@hogwarts.example",
      email: "cedric.diggory@hogwarts.example",
      emailConfirmed: false,
      name: "Cedric",
      surname: "Diggory",
      displayName: "Cedric Diggory",
      creationTime: NOW,
      lastModificationTime: null,
      lastLoginTime: null,
      groupIDs: [GRYFFINDORS],
      legacyId: 1009,
      isActive: true,
      bypassBasicAuthRestriction: false,
      type: 0,
      invitationAccepted: false,
      category: 0,
    });
    expect(await memberIds(GRYFFINDORS)).toContain(CEDRIC);
    // The password is accepted and kept nowhere.
    expect(JSON.stringify(emulator.state())).not.toContain("Secret-123");
  });

  it("picks an id when none is given, takes the type by name, and lets several users have no e-mail", async () => {
    expect(
      (await api("POST", "/api/User", { partitionGlobalId: ORG_ID, userName: "filch", email: "", type: "robotAccount" })).json,
    ).toEqual(SUCCEEDED);
    expect((await api("POST", "/api/User", { partitionGlobalId: ORG_ID, userName: "peeves", email: null })).status).toBe(200);
    const found = (await api("GET", `/api/User/users/${ORG_ID}?searchTerm=filch`)).json.results;
    expect(found).toEqual([
      expect.objectContaining({
        userName: "filch",
        email: "",
        type: 4,
        displayName: "filch",
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      }),
    ]);
    expect((await api("GET", `/api/User/users/${ORG_ID}?searchTerm=peeves`)).json.results[0].email).toBe("");
  });

  it("refuses a taken user name, ignoring case, whether a user's or a robot account's", async () => {
    const user = await api("POST", "/api/User", cedric({ userName: "RON.Weasley@hogwarts.example", id: undefined }));
    expect(user.status).toBe(400);
    expect(user.headers.get("content-type")).toMatch(/^application\/json/);
    expect(user.json).toEqual(identityFailure(["DuplicateUserName", "User name 'RON.Weasley@hogwarts.example' is already taken."]));
    const robot = await api("POST", "/api/User", cedric({ userName: "roby" }));
    expect(robot.json).toEqual(identityFailure(["DuplicateUserName", "User name 'roby' is already taken."]));
    // And the other way round: a robot account cannot take a user's name.
    const fawkes = await api("POST", "/api/RobotAccount", { partitionGlobalId: ORG_ID, name: EMAILS.harry });
    expect(fawkes.json).toEqual(identityFailure(["DuplicateUserName", `User name '${EMAILS.harry}' is already taken.`]));
    expect(emulator.state().users).toHaveLength(8);
    expect(emulator.state().robotAccounts).toHaveLength(4);
  });

  it("refuses a taken e-mail address, ignoring case, and reports a taken name and address together", async () => {
    const email = await api("POST", "/api/User", cedric({ email: "Hermione.Granger@hogwarts.example" }));
    expect(email.json).toEqual(identityFailure(["DuplicateEmail", "Email 'Hermione.Granger@hogwarts.example' is already taken."]));
    const both = await api("POST", "/api/User", cedric({ userName: EMAILS.ron, email: EMAILS.ron }));
    expect(both.json).toEqual(
      identityFailure(
        ["DuplicateUserName", `User name '${EMAILS.ron}' is already taken.`],
        ["DuplicateEmail", `Email '${EMAILS.ron}' is already taken.`],
      ),
    );
  });

  it("refuses user-name characters outside letters, digits and -._@+", async () => {
    for (const userName of ["cedric diggory", "cédric", "o'brien"]) {
      const res = await api("POST", "/api/User", cedric({ userName }));
      expect(res.json).toEqual(
        identityFailure(["InvalidUserName", `User name '${userName}' is invalid, can only contain letters or digits.`]),
      );
    }
    expect((await api("POST", "/api/User", cedric({ userName: "c.diggory-2+h_p@hogwarts" }))).status).toBe(200);
  });

  it("refuses an id already in use, under a free name, with 409 problem details", async () => {
    for (const id of [RON, ROBY.toUpperCase()]) {
      const res = await api("POST", "/api/User", cedric({ id }));
      expect(res.status).toBe(409);
      expect(res.json).toMatchObject({ status: 409, title: "Conflict", detail: `A user with id '${id.toLowerCase()}' already exists.` });
    }
    // The user name is checked first: a repeated create meets DuplicateUserName.
    expect((await api("POST", "/api/User", cedric())).status).toBe(200);
    expect((await api("POST", "/api/User", cedric())).json.errors[0].code).toBe("DuplicateUserName");
  });

  it("refuses bad bodies with the service's 400 shapes, creating nothing", async () => {
    const email = await api("POST", "/api/User", cedric({ email: "not-an-address" }));
    expect(email.status).toBe(400);
    expect(email.json.errors).toEqual({ "$.email": ["The field Email is invalid."] });
    expect((await api("POST", "/api/User", { partitionGlobalId: ORG_ID, email: "x@y" })).json.errors).toEqual({
      userName: ["The userName field is required."],
    });
    const groups = await api("POST", "/api/User", cedric({ groupIDs: [GRYFFINDORS, UNKNOWN_ID] }));
    expect(groups.json.errors).toEqual({ groupIDs: [`No group with id '${UNKNOWN_ID}'.`] });
    const partition = await api("POST", "/api/User", cedric({ partitionGlobalId: "11111111-2222-4333-8444-555555555555" }));
    expect(Object.keys(partition.json.errors)).toEqual(["partitionGlobalId"]);
    expect((await api("GET", `/api/User/${CEDRIC}`)).status).toBe(404);
  });
});

describe("creating users in bulk", () => {
  it("creates every user in request order, in the request's groups, and answers them", async () => {
    const res = await api("POST", "/api/User/BulkCreate", {
      partitionGlobalId: ORG_ID,
      groupIDs: [GRYFFINDORS, ALUMNI],
      users: [
        { userName: "fred.weasley@hogwarts.example", email: "fred.weasley@hogwarts.example", name: "Fred", surname: "Weasley", type: 0 },
        { id: CEDRIC, userName: "george", email: "", displayName: "Gred", invitationAccepted: true, legacyId: 77 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.json.result).toEqual(SUCCEEDED);
    expect(res.json.users.map((u: { userName: string }) => u.userName)).toEqual(["fred.weasley@hogwarts.example", "george"]);
    expect(res.json.users[0]).toMatchObject({
      displayName: "Fred Weasley",
      groupIDs: [ALUMNI, GRYFFINDORS],
      invitationAccepted: false,
      creationTime: NOW,
    });
    expect(res.json.users[1]).toMatchObject({ id: CEDRIC, displayName: "Gred", invitationAccepted: true, legacyId: 77 });
    expect(await getUser(res.json.users[0].id)).toEqual(res.json.users[0]);
    expect(await memberIds(ALUMNI)).toEqual(expect.arrayContaining([res.json.users[0].id, CEDRIC]));
  });

  it.each([
    [
      "a name taken by a user",
      [{ userName: "percy" }, { userName: EMAILS.ginny }],
      identityFailure(["DuplicateUserName", `User name '${EMAILS.ginny}' is already taken.`]),
    ],
    [
      "the same name twice in the request",
      [{ userName: "percy" }, { userName: "PERCY" }],
      identityFailure(["DuplicateUserName", "User name 'PERCY' is already taken."]),
    ],
    [
      "the same address twice in the request",
      [
        { userName: "p1", email: "p@w.example" },
        { userName: "p2", email: "P@w.example" },
      ],
      identityFailure(["DuplicateEmail", "Email 'P@w.example' is already taken."]),
    ],
    [
      "an invalid user name",
      [{ userName: "percy" }, { userName: "percy weasley" }],
      identityFailure(["InvalidUserName", "User name 'percy weasley' is invalid, can only contain letters or digits."]),
    ],
  ])("is all or nothing: %s fails the request with 400 and creates nobody", async (_case, users, body) => {
    const res = await api("POST", "/api/User/BulkCreate", { partitionGlobalId: ORG_ID, users });
    expect(res.status).toBe(400);
    expect(res.json).toEqual(body);
    expect((await api("GET", `/api/User/users/${ORG_ID}?searchTerm=percy`)).json.totalCount).toBe(0);
    expect(emulator.state().users).toHaveLength(8);
  });

  it("refuses an id in use, or repeated in the request, with 409, and an unknown group or a missing user name with 400", async () => {
    const taken = await api("POST", "/api/User/BulkCreate", {
      partitionGlobalId: ORG_ID,
      users: [{ userName: "percy" }, { id: HARRY, userName: "p2" }],
    });
    expect(taken.status).toBe(409);
    const twice = await api("POST", "/api/User/BulkCreate", {
      partitionGlobalId: ORG_ID,
      users: [
        { id: CEDRIC, userName: "p1" },
        { id: CEDRIC, userName: "p2" },
      ],
    });
    expect(twice.status).toBe(409);
    const group = await api("POST", "/api/User/BulkCreate", {
      partitionGlobalId: ORG_ID,
      groupIDs: [UNKNOWN_ID],
      users: [{ userName: "percy" }],
    });
    expect(Object.keys(group.json.errors)).toEqual(["groupIDs"]);
    const noName = await api("POST", "/api/User/BulkCreate", {
      partitionGlobalId: ORG_ID,
      users: [{ userName: "percy" }, { email: "x@y.example" }],
    });
    expect(noName.json.errors).toEqual({ userName: ["The userName field is required."] });
    expect(emulator.state().users).toHaveLength(8);
  });
});

describe("inviting users", () => {
  it("creates an invited user per accepted entry and fails the others one by one", async () => {
    const res = await api("POST", "/api/User/InviteUsers", [
      {
        email: "dean.thomas@hogwarts.example",
        name: "Dean",
        surname: "Thomas",
        language: "en",
        groupIDs: [GRYFFINDORS],
        redirectUrl: INVITE_URL,
      },
      { email: "seamus@hogwarts.example", redirectUrl: "https://cloud.uipath.com/somewhere?organizationId=" + ORG_ID },
      { email: "lavender@hogwarts.example", redirectUrl: INVITE_URL.replace(ORG_ID, UNKNOWN_ID) },
      { email: EMAILS.luna.toUpperCase(), redirectUrl: INVITE_URL },
      // The host is not checked: each deployment has its own portal.
      {
        email: "parvati@hogwarts.example",
        redirectUrl: `https://alpha.uipath.com/portal_/acceptInvite?organizationId=${ORG_ID.toUpperCase()}`,
      },
      { email: "dean.thomas@hogwarts.example", redirectUrl: INVITE_URL },
    ]);
    expect(res.status).toBe(200);
    expect(res.json.result).toEqual(SUCCEEDED);
    const failed = (email: string, errorMsg: string) => ({ email, id: "00000000-0000-0000-0000-000000000000", errorMsg, success: false });
    expect(res.json.users).toEqual([
      { email: "dean.thomas@hogwarts.example", id: expect.stringMatching(/^[0-9a-f-]{36}$/), errorMsg: null, success: true },
      failed("seamus@hogwarts.example", "Redirect URL is not valid"),
      failed("lavender@hogwarts.example", "Redirect URL is not valid"),
      failed(EMAILS.luna.toUpperCase(), `Email '${EMAILS.luna.toUpperCase()}' is already taken.`),
      { email: "parvati@hogwarts.example", id: expect.any(String), errorMsg: null, success: true },
      failed("dean.thomas@hogwarts.example", "Email 'dean.thomas@hogwarts.example' is already taken."),
    ]);
    const dean = await getUser(res.json.users[0].id);
    expect(dean).toMatchObject({
      userName: "dean.thomas@hogwarts.example",
      email: "dean.thomas@hogwarts.example",
      name: "Dean",
      surname: "Thomas",
      invitationAccepted: false,
      emailConfirmed: false,
      isActive: true,
      groupIDs: [GRYFFINDORS],
    });
    expect(emulator.state().users).toHaveLength(10);
  });

  it("refuses the whole request when an entry names an unknown group, inviting nobody", async () => {
    const res = await api("POST", "/api/User/InviteUsers", [
      { email: "dean.thomas@hogwarts.example", redirectUrl: INVITE_URL },
      { email: "seamus@hogwarts.example", redirectUrl: INVITE_URL, groupIDs: [UNKNOWN_ID] },
    ]);
    expect(res.status).toBe(400);
    expect(Object.keys(res.json.errors)).toEqual(["groupIDs"]);
    expect(emulator.state().users).toHaveLength(8);
  });

  it("refuses a body that is not an array of invitations", async () => {
    expect((await api("POST", "/api/User/InviteUsers", { email: "x@y.example", redirectUrl: INVITE_URL })).status).toBe(400);
    expect((await api("POST", "/api/User/InviteUsers", [])).status).toBe(400);
    expect((await api("POST", "/api/User/InviteUsers", [{ email: "not-an-address", redirectUrl: INVITE_URL }])).status).toBe(400);
  });
});

describe("updating a user", () => {
  it("changes only what is sent; null keeps the value; answers an identity result and stamps the time", async () => {
    const res = await api("PUT", `/api/User/${RON}`, {
      displayName: "Ron Bilius Weasley",
      name: null,
      surname: undefined,
      isActive: false,
      password: "Scabbers-1",
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual(SUCCEEDED);
    const ron = await getUser(RON);
    expect(ron).toMatchObject({
      displayName: "Ron Bilius Weasley",
      name: "Ron",
      surname: "Weasley",
      isActive: false,
      lastModificationTime: NOW,
      email: EMAILS.ron,
    });
    expect(JSON.stringify(emulator.state())).not.toContain("Scabbers-1");
    await api("PUT", `/api/User/${RON}`, { bypassBasicAuthRestriction: true, invitationAccepted: false, isActive: true });
    expect(await getUser(RON)).toMatchObject({
      bypassBasicAuthRestriction: true,
      invitationAccepted: false,
      isActive: true,
      displayName: "Ron Bilius Weasley",
    });
  });

  it("changes the e-mail address unless another user has it; the user's own in another case is fine, and so is none", async () => {
    const taken = await api("PUT", `/api/User/${RON}`, { email: EMAILS.harry.toUpperCase() });
    expect(taken.status).toBe(400);
    expect(taken.json).toEqual(identityFailure(["DuplicateEmail", `Email '${EMAILS.harry.toUpperCase()}' is already taken.`]));
    expect((await api("PUT", `/api/User/${RON}`, { email: EMAILS.ron.toUpperCase() })).status).toBe(200);
    expect((await api("PUT", `/api/User/${RON}`, { email: "ronald@hogwarts.example" })).status).toBe(200);
    // The old address is free again; the user name stays what it was.
    expect((await api("PUT", `/api/User/${HARRY}`, { email: EMAILS.ron })).status).toBe(200);
    expect(await getUser(RON)).toMatchObject({ email: "ronald@hogwarts.example", userName: EMAILS.ron });
    expect((await api("PUT", `/api/User/${HARRY}`, { email: "" })).status).toBe(200);
    expect((await api("PUT", `/api/User/${HERMIONE}`, { email: "" })).status).toBe(200);
    expect((await api("PUT", `/api/User/${RON}`, { email: "not-an-address" })).json.errors).toEqual({
      "$.email": ["The field Email is invalid."],
    });
  });

  it("sets and removes extension attributes, shown on the directory entry", async () => {
    await api("PUT", `/api/User/${RON}`, {
      extensionUserAttributesToAddOrUpdate: { house: "Gryffindor", pet: "Scabbers", ["__proto__"]: "kept as data" },
    });
    await api("PUT", `/api/User/${RON}`, {
      extensionUserAttributesToAddOrUpdate: { pet: "Pigwidgeon" },
      extensionUserAttributesToRemove: ["house", "wand"],
    });
    const members = (await api("GET", `/api/Group/${ORG_ID}/${GRYFFINDORS}`)).json.members;
    // "__proto__" is an attribute name like any other.
    expect(JSON.stringify(members.find((m: { identifier: string }) => m.identifier === RON).extensionUserAttributes)).toBe(
      '{"pet":"Pigwidgeon","__proto__":"kept as data"}',
    );
  });

  it("refuses an unknown user with 404, and an unknown group to join with 400, changing nothing", async () => {
    const unknown = await api("PUT", `/api/User/${UNKNOWN_ID}`, { name: "Nobody" });
    expect(unknown.status).toBe(404);
    expect(unknown.json.detail).toBe("The entity was not found.");
    const group = await api("PUT", `/api/User/${RON}`, { name: "Ronald", groupIDsToAdd: [ALUMNI, UNKNOWN_ID] });
    expect(group.json.errors).toEqual({ groupIDsToAdd: [`No group with id '${UNKNOWN_ID}'.`] });
    expect(await getUser(RON)).toMatchObject({ name: "Ron", groupIDs: [PREFECTS, GRYFFINDORS], lastModificationTime: null });
  });
});

describe("deleting users", () => {
  it("deletes one user and its memberships; its id then answers 404 and its name is free again", async () => {
    expect((await api("DELETE", `/api/User/${RON}`)).status).toBe(204);
    expect((await api("GET", `/api/User/${RON}`)).status).toBe(404);
    expect((await api("DELETE", `/api/User/${RON}`)).status).toBe(404);
    expect(await memberIds(GRYFFINDORS)).not.toContain(RON);
    expect(await memberIds(PREFECTS)).toEqual([HERMIONE]);
    expect((await api("POST", "/api/User", cedric({ userName: EMAILS.ron, email: EMAILS.ron }))).status).toBe(200);
    expect((await api("DELETE", `/api/User/${ROBY}`)).status).toBe(404);
  });

  it("deletes many, ignoring ids that name no user (robot accounts included), and can be repeated", async () => {
    const body = { partitionGlobalId: ORG_ID, userIds: [HARRY, HERMIONE.toUpperCase(), UNKNOWN_ID, ROBY] };
    expect((await api("DELETE", "/api/User", body)).status).toBe(204);
    expect((await api("DELETE", "/api/User", body)).status).toBe(204);
    expect(emulator.state().users.map((u) => u.id)).toEqual([RON, NEVILLE, LUNA, GINNY, ALBUS, DRACO]);
    expect(emulator.state().robotAccounts.map((r) => r.id)).toContain(ROBY);
    expect(await memberIds(PREFECTS)).toEqual([RON]);
    const other = await api("DELETE", "/api/User", { partitionGlobalId: UNKNOWN_ID, userIds: [RON] });
    expect(Object.keys(other.json.errors)).toEqual(["partitionGlobalId"]);
    expect(emulator.state().users).toHaveLength(6);
  });
});

describe("authorization of the users endpoints", () => {
  it("needs a token (401) with PM.User or the narrow scope for the kind of call (403)", async () => {
    expect((await call(base, "GET", `/api/User/${RON}`)).status).toBe(401);
    const reader = emulator.issueToken({ scopes: ["PM.User.Read"] });
    expect((await call(base, "GET", `/api/User/${RON}`, { token: reader })).status).toBe(200);
    const write = await call(base, "POST", "/api/User", { token: reader, body: cedric() });
    expect(write.status).toBe(403);
    expect(write.json).toEqual({ errorMessage: "Scope(s) 'PM.User.Read' is(are) invalid. Expect to have 'PM.User' or 'PM.User.Write'. " });
    const groups = emulator.issueToken({ scopes: ["PM.Group"] });
    expect((await call(base, "GET", `/api/User/users/${ORG_ID}`, { token: groups })).json.errorMessage).toContain(
      "Expect to have 'PM.User' or 'PM.User.Read'",
    );
    const writer = emulator.issueToken({ scopes: ["PM.User.Write"] });
    expect(
      (
        await call(base, "POST", "/api/User/InviteUsers", {
          token: writer,
          body: [{ email: "dean@hogwarts.example", redirectUrl: INVITE_URL }],
        })
      ).status,
    ).toBe(200);
    expect((await call(base, "DELETE", `/api/User/${RON}`, { token: writer })).status).toBe(204);
  });
});
