// Random and malformed input never makes the emulator answer 5xx, break the document or fall over.
import { beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import type { EmulatorHandle } from "../../src/emulator/index.js";
import { allScopes, call, EMAILS, emulatorPerFile, GRYFFINDORS, ORG_ID, ROBY, RON } from "./support.js";

const start = emulatorPerFile();
let emulator: EmulatorHandle;
let base: string;
let token: string;

beforeAll(async () => {
  emulator = await start();
  base = emulator.baseUrl();
  token = allScopes(emulator);
});

const RUNS = { numRuns: 60, seed: 20240501 };

const id = fc.oneof(
  fc.uuid(),
  fc.constant(ORG_ID),
  fc.constant(GRYFFINDORS),
  fc.constant(ROBY),
  fc.constant(RON),
  fc.string({ maxLength: 40 }),
);
const idList = fc.oneof(fc.array(id, { maxLength: 4 }), fc.constant(null), fc.jsonValue());
const loose = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null), fc.boolean(), fc.jsonValue());
/** User names and addresses: taken ones, new ones, odd characters, empty, or not text at all. */
const userName = fc.oneof(
  fc.constantFrom(EMAILS.ron, EMAILS.ron.toUpperCase(), "Roby", "filch", "o'brien", "a b", ""),
  fc.emailAddress(),
  fc.string({ maxLength: 12 }),
  loose,
);
const email = fc.oneof(fc.constantFrom(EMAILS.harry, "", "not-an-address"), fc.emailAddress(), loose);
const attributes = fc.oneof(
  fc.dictionary(
    fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("__proto__", "constructor")),
    fc.oneof(fc.string({ maxLength: 8 }), loose),
  ),
  loose,
);
const newUser = fc.record(
  {
    id: fc.oneof(fc.uuid(), id, loose),
    userName,
    email,
    name: loose,
    surname: loose,
    type: fc.oneof(fc.integer({ min: -1, max: 6 }), fc.constantFrom("user", "robotAccount", "nobody")),
    legacyId: loose,
  },
  { requiredKeys: [] },
);
const invitation = fc.record(
  {
    email,
    redirectUrl: fc.oneof(
      fc.constant(`https://cloud.uipath.com/portal_/acceptInvite?organizationId=${ORG_ID}`),
      fc.webUrl(),
      fc.string({ maxLength: 20 }),
      loose,
    ),
    name: loose,
    groupIDs: fc.oneof(fc.array(id, { maxLength: 3 }), loose),
  },
  { requiredKeys: [] },
);

/** Bodies shaped like the contract's, with each field sometimes wrong. */
const almostValidBody = fc.record(
  {
    partitionGlobalId: fc.oneof(fc.constant(ORG_ID), id, loose),
    id: fc.oneof(fc.uuid(), loose),
    name: fc.oneof(fc.string({ maxLength: 30 }), loose),
    displayName: loose,
    directoryUserMemberIDs: idList,
    directoryUserIDsToAdd: idList,
    directoryUserIDsToRemove: idList,
    groupIDsToAdd: idList,
    groupIDsToRemove: idList,
    groupIDs: idList,
    robotAccountIDs: idList,
    userName,
    email,
    surname: loose,
    type: loose,
    isActive: loose,
    userIds: idList,
    users: fc.oneof(fc.array(newUser, { maxLength: 4 }), loose),
    entityNames: fc.oneof(fc.array(fc.oneof(userName, fc.constantFrom("Gryffindors", "__proto__")), { maxLength: 4 }), loose),
    entityType: fc.oneof(fc.constantFrom("user", "group", "application", "robot"), loose),
    extensionUserAttributesToAddOrUpdate: attributes,
    extensionUserAttributesToRemove: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), loose),
  },
  { requiredKeys: [] },
);

const bodyRoutes: Array<[string, (x: string) => string]> = [
  ["POST", () => "/api/Group"],
  ["PUT", (x) => `/api/Group/${x}`],
  ["DELETE", (x) => `/api/Group/${x}`],
  ["POST", () => "/api/RobotAccount"],
  ["PUT", (x) => `/api/RobotAccount/${x}`],
  ["DELETE", (x) => `/api/RobotAccount/${x}`],
  ["POST", () => "/api/User"],
  ["POST", () => "/api/User/BulkCreate"],
  ["POST", () => "/api/User/InviteUsers"],
  ["PUT", (x) => `/api/User/${x}`],
  ["DELETE", () => "/api/User"],
  ["POST", (x) => `/api/Directory/BulkResolveByName/${x}`],
];

const anyRoute: Array<[string, (a: string, b: string) => string]> = [
  ["GET", (a) => `/api/Group/${a}`],
  ["GET", (a, b) => `/api/Group/${a}/${b}`],
  ["DELETE", (a, b) => `/api/Group/${a}/${b}`],
  ["GET", (a, b) => `/api/Group/${a}/${b}/Members`],
  ["GET", (a) => `/api/RobotAccount/${a}`],
  ["GET", (a, b) => `/api/RobotAccount/${a}/${b}`],
  ["DELETE", (a, b) => `/api/RobotAccount/${a}/${b}`],
  ["GET", (a) => `/api/User/${a}`],
  ["DELETE", (a) => `/api/User/${a}`],
  ["GET", (a) => `/api/User/users/${a}`],
  ["GET", (a, b) => `/api/Directory/Search/${a}?startsWith=${b}`],
];

function expectNo5xx(status: number, what: string): void {
  if (status >= 500) throw new Error(`${what} answered ${status}`);
}

describe("fuzzing (faults off)", () => {
  it("bodies: contract-shaped, arbitrary JSON and arbitrary text", async () => {
    const body = fc.oneof(
      almostValidBody.map((b) => JSON.stringify(b)),
      fc.array(fc.oneof(invitation, loose), { maxLength: 4 }).map((b) => JSON.stringify(b)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 60 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bodyRoutes),
        fc.oneof(fc.constant(ORG_ID), fc.constant(GRYFFINDORS), fc.constant(ROBY), id),
        body,
        async ([method, path], target, raw) => {
          const res = await call(base, method, path(encodeURIComponent(target)), { token, raw });
          expectNo5xx(res.status, `${method} ${path(target)} ${raw}`);
        },
      ),
      RUNS,
    );
  });

  it("ids in every path position", async () => {
    const segment = fc.oneof(id, fc.string({ maxLength: 30 }).map(encodeURIComponent), fc.constantFrom("%", "%zz", "..", "%2F", "%00"));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...anyRoute), segment, segment, async ([method, path], a, b) => {
        const res = await call(base, method, path(a, b), { token });
        expectNo5xx(res.status, `${method} ${path(a, b)}`);
      }),
      RUNS,
    );
  });

  it("query strings", async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.integer().map(String),
      fc.constantFrom("asc", "desc", "name", "creationTime", "UserName", "lastlogintime", "", "1e3", "0x10", "NaN"),
    );
    const key = fc.constantFrom("top", "skip", "searchTerm", "sortBy", "sortOrder", "other");
    const query = fc.array(fc.tuple(key, value), { maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(`/api/RobotAccount/${ORG_ID}`, `/api/Group/${ORG_ID}/${GRYFFINDORS}/Members`, `/api/User/users/${ORG_ID}`),
        query,
        async (path, q) => {
          const res = await call(base, "GET", `${path}?${new URLSearchParams(q).toString()}`, { token });
          expectNo5xx(res.status, `GET ${path} ${JSON.stringify(q)}`);
          if (res.status === 200) expect(res.json.results.length).toBeLessThanOrEqual(Number(new URLSearchParams(q).get("top") ?? 10));
        },
      ),
      RUNS,
    );
  });

  it("directory search queries, filters repeated", async () => {
    const pair = fc.oneof(
      fc.tuple(fc.constant("startsWith"), fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("r", "R", "%", ""))),
      fc.tuple(fc.constant("entityType"), fc.oneof(fc.constantFrom("user", "group", "application", "robot"), fc.string({ maxLength: 6 }))),
      fc.tuple(
        fc.constant("sourceFilter"),
        fc.oneof(
          fc.constantFrom("localUsers", "directoryUsers", "localGroups", "directoryGroups", "robotAccounts", "applications"),
          fc.string({ maxLength: 6 }),
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(pair, { maxLength: 6 }), async (q) => {
        const res = await call(base, "GET", `/api/Directory/Search/${ORG_ID}?${new URLSearchParams(q).toString()}`, { token });
        expectNo5xx(res.status, `GET search ${JSON.stringify(q)}`);
        if (res.status === 200) expect(Array.isArray(res.json)).toBe(true);
      }),
      RUNS,
    );
  });

  it("arbitrary paths and methods", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"), fc.webPath(), async (method, path) => {
        const res = await call(emulator.url, method, path.startsWith("/") ? path : `/${path}`, { token });
        expectNo5xx(res.status, `${method} ${path}`);
      }),
      RUNS,
    );
  });
});

it("still answers after everything the properties threw at it", async () => {
  expect((await call(base, "GET", `/api/Group/${ORG_ID}`, { token })).status).toBe(200);
});
