// Property: whatever request arrives (any method, path, query, headers and body), the emulator
// answers it with a status below 500, within the contract, and stays up. Requests go out through node:http so paths
// reach the server exactly as written, without a URL parser tidying them first.
import { beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { request } from "node:http";
import type { EmulatorHandle } from "../../src/emulator/index.js";
import { emulatorPerFile } from "../helpers/emulator.js";
import { ORG_ID } from "./support/ids.js";

const start = emulatorPerFile();
let emulator: EmulatorHandle;
let token: string;
let port: number;

beforeAll(async () => {
  // Every answer is also checked against the contract (violations are asserted at the end).
  emulator = await start();
  token = emulator.issueToken({ scopes: ["PM.Group", "PM.RobotAccount", "PM.User", "PM.Directory"] });
  port = emulator.port;
});

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function send(r: Sent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: r.method, path: r.path, headers: r.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(r.body);
  });
}

const GRYFFINDORS = "9d2f6a41-0c3b-4e57-8a1d-6b7c2e0f1a01";
const ROBY = "c3a7e1f9-2b6d-4e80-9f14-7a5c0d3e8812";
const ADMINISTRATORS = "0e4b2a6c-7d1f-4a39-8c50-2f6e9b1d0a00";
const RON = "1c6f0a3e-8b2d-4a17-9e45-0d3c7b1a0103";
const HARRY = "7a2e9c4b-1f6d-4b38-a0c5-3e8d2f6b3107";

/** A path segment: a known id, a GUID, text (encoded), or something raw and awkward. */
const segment = fc.oneof(
  fc.constantFrom(ORG_ID, GRYFFINDORS, ROBY, ADMINISTRATORS, RON, ORG_ID.toUpperCase()),
  fc.uuid(),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  fc.string({ unit: "grapheme", maxLength: 8 }).map((s) => encodeURIComponent(s)),
  fc.constantFrom(
    "",
    ".",
    "..",
    "%",
    "%zz",
    "%00",
    "%2F",
    "Members",
    "members",
    "connect",
    "token",
    "api",
    "users",
    "BulkCreate",
    "InviteUsers",
    "Search",
    ".well-known",
    "openid-configuration",
    "jwks",
    "x".repeat(300),
  ),
);

const path = fc
  .tuple(
    fc.constantFrom("/hogwarts/identity_", "/identity_", "/identity", "/HOGWARTS/identity_", "/nowhere/identity_", "", "/"),
    fc.constantFrom(
      "/api/Group",
      "/api/RobotAccount",
      "/api/User",
      "/api/user/users",
      "/api/Directory/Search",
      "/api/Directory/BulkResolveByName",
      "/api/group",
      "/api/robotaccount",
      "/api/Setting",
      "/connect/token",
      "/.well-known/openid-configuration",
      "/api",
      "",
    ),
    fc.array(segment, { maxLength: 4 }),
    fc.option(
      fc.array(
        fc.tuple(
          fc.constantFrom("top", "skip", "searchTerm", "sortBy", "sortOrder", "startsWith", "entityType", "sourceFilter", "x", "top[]"),
          fc.oneof(
            fc.constantFrom(
              "0",
              "1",
              "1000",
              "1001",
              "-1",
              "1e3",
              "asc",
              "desc",
              "name",
              "UserName",
              "",
              "NaN",
              "user",
              "robot",
              "localUsers",
              "robotAccounts",
            ),
            fc.string({ maxLength: 10 }).map(encodeURIComponent),
          ),
        ),
        { maxLength: 4 },
      ),
      { nil: undefined },
    ),
  )
  .map(([layout, resource, segments, query]) => {
    const tail = segments.length > 0 ? `/${segments.join("/")}` : "";
    const q = query ? `?${query.map(([k, v]) => `${k}=${v}`).join("&")}` : "";
    return `${layout}${resource}${tail}${q}` || "/";
  });

const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        partitionGlobalId: fc.oneof(fc.constant(ORG_ID), fc.uuid(), fc.jsonValue({ maxDepth: 1 })),
        id: fc.oneof(fc.uuid(), fc.jsonValue({ maxDepth: 1 })),
        name: fc.oneof(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })),
        displayName: fc.oneof(fc.string({ maxLength: 12 }), fc.constant(null), fc.integer()),
        groupIDsToAdd: fc.oneof(
          fc.array(fc.oneof(fc.uuid(), fc.constant(GRYFFINDORS), fc.constant(ADMINISTRATORS))),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        groupIDsToRemove: fc.array(fc.uuid(), { maxLength: 2 }),
        directoryUserMemberIDs: fc.oneof(fc.array(fc.uuid(), { maxLength: 2 }), fc.string()),
        groupIDs: fc.oneof(fc.array(fc.oneof(fc.uuid(), fc.constant(ADMINISTRATORS)), { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
        robotAccountIDs: fc.oneof(fc.array(fc.uuid(), { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
        userName: fc.oneof(
          fc.constantFrom("ron.weasley@hogwarts.example", "Roby", "filch", "a b", ""),
          fc.emailAddress(),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        email: fc.oneof(fc.constantFrom("", "harry.potter@hogwarts.example", "nope"), fc.emailAddress(), fc.jsonValue({ maxDepth: 1 })),
        userIds: fc.oneof(fc.array(fc.oneof(fc.uuid(), fc.constant(RON)), { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
        users: fc.oneof(
          fc.array(
            fc.record(
              {
                userName: fc.oneof(fc.string({ maxLength: 8 }), fc.emailAddress()),
                email: fc.oneof(fc.emailAddress(), fc.constant("")),
                id: fc.oneof(fc.uuid(), fc.constant(HARRY)),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        entityNames: fc.oneof(
          fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("Gryffindors", "ron.weasley@hogwarts.example")), { maxLength: 3 }),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        entityType: fc.oneof(fc.constantFrom("user", "group", "application", "robot"), fc.jsonValue({ maxDepth: 1 })),
        extensionUserAttributesToAddOrUpdate: fc.oneof(
          fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })),
          fc.jsonValue({ maxDepth: 1 }),
        ),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc
    .array(
      fc.record(
        {
          email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 6 })),
          redirectUrl: fc.oneof(fc.constant(`https://cloud.uipath.com/portal_/acceptInvite?organizationId=${ORG_ID}`), fc.webUrl()),
          groupIDs: fc.array(fc.oneof(fc.uuid(), fc.constant(GRYFFINDORS)), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    )
    .map((a) => JSON.stringify(a)),
  fc.constantFrom(
    "grant_type=client_credentials&client_id=emulator-demo-client&client_secret=x&scope=PM.Group",
    "{",
    "[]",
    "null",
    "\u0000",
  ),
);

const headers = fc.record(
  {
    // Mostly a valid token, so most requests get past authentication to the operations.
    authorization: fc.oneof(
      { arbitrary: fc.constant("TOKEN"), weight: 12 },
      fc.constant("Bearer"),
      fc.constant("Bearer x"),
      fc.constant("Basic Zm9vOmJhcg=="),
      fc.string({ maxLength: 10 }).map((s) => `Bearer ${encodeURIComponent(s)}`),
    ),
    "content-type": fc.constantFrom(
      "application/json",
      "application/json; charset=utf-8",
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/problem+json",
      "multipart/form-data",
      ";",
      "",
    ),
    accept: fc.constantFrom("application/json", "*/*", "text/html"),
  },
  { requiredKeys: ["authorization"] },
);

/** Requests shaped like the contract's operations, each part sometimes wrong, so most reach the handlers. */
const TEMPLATES: Array<[string, string]> = [
  ["GET", "/api/Group/{org}"],
  ["GET", "/api/Group/{org}/{group}"],
  ["GET", "/api/Group/{org}/{group}/Members"],
  ["POST", "/api/Group"],
  ["PUT", "/api/Group/{group}"],
  ["DELETE", "/api/Group/{org}/{group}"],
  ["DELETE", "/api/Group/{org}"],
  ["GET", "/api/RobotAccount/{org}"],
  ["GET", "/api/RobotAccount/{org}/{robot}"],
  ["POST", "/api/RobotAccount"],
  ["PUT", "/api/RobotAccount/{robot}"],
  ["DELETE", "/api/RobotAccount/{org}/{robot}"],
  ["DELETE", "/api/RobotAccount/{org}"],
  ["GET", "/api/User/users/{org}"],
  ["GET", "/api/User/{user}"],
  ["POST", "/api/User"],
  ["POST", "/api/User/BulkCreate"],
  ["POST", "/api/User/InviteUsers"],
  ["PUT", "/api/User/{user}"],
  ["DELETE", "/api/User/{user}"],
  ["DELETE", "/api/User"],
  ["GET", "/api/Directory/Search/{org}"],
  ["POST", "/api/Directory/BulkResolveByName/{org}"],
  ["GET", "/.well-known/openid-configuration"],
  ["POST", "/connect/token"],
];
const slot = (known: string[]) => fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 6 }, fc.uuid(), segment);
const plausible = fc
  .record({
    template: fc.constantFrom(...TEMPLATES),
    layout: fc.oneof(
      { arbitrary: fc.constant("/hogwarts/identity_"), weight: 6 },
      fc.constantFrom("/identity_", "/identity", "/nowhere/identity_"),
    ),
    org: slot([ORG_ID]),
    group: slot([GRYFFINDORS, ADMINISTRATORS]),
    robot: slot([ROBY]),
    user: slot([RON, HARRY]),
    query: fc.constantFrom(
      "",
      "?top=5&skip=0",
      "?top=1001",
      "?skip=-1",
      "?searchTerm=Roby&sortBy=name&sortOrder=desc",
      "?sortOrder=up",
      "?top=abc",
      "?searchTerm=weasley&sortBy=UserName",
      "?startsWith=r&sourceFilter=localUsers&sourceFilter=robotAccounts",
      "?startsWith=g&entityType=group",
      "?startsWith=&sourceFilter=nope",
    ),
    headers,
    body: fc.oneof({ arbitrary: body, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 }),
  })
  .map(({ template: [method, t], layout, org, group, robot, user, query, headers: h, body: b }) => ({
    method,
    path: `${layout}${t.replace("{org}", org).replace("{group}", group).replace("{robot}", robot).replace("{user}", user)}${query}`,
    headers: h,
    // Node's client refuses a body on GET and HEAD.
    body: method === "GET" ? undefined : b,
  }));
const chaotic = fc
  .record({ method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"), path, headers, body })
  .map((r) => ({ ...r, body: r.method === "GET" || r.method === "HEAD" ? undefined : r.body }));

describe("emulator under arbitrary requests", () => {
  it("never answers 5xx and never falls over", async () => {
    const statuses = new Map<number, number>();
    let usersAndDirectoryOk = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(plausible, chaotic), async (r) => {
        const sentHeaders: Record<string, string> = {};
        for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) sentHeaders[k] = v === "TOKEN" ? `Bearer ${token}` : v;
        const answer = await send({ method: r.method, path: r.path, headers: sentHeaders, ...(r.body !== undefined && { body: r.body }) });
        expect(answer.status).toBeGreaterThanOrEqual(200);
        expect(answer.status).toBeLessThan(500);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status < 300 && /\/api\/(User|Directory)\//i.test(r.path)) usersAndDirectoryOk++;
      }),
      { numRuns: 1000, seed: 60606 },
    );
    // The runs reached the operations, not just the router and the token check.
    const reached = [200, 201, 204, 400, 404, 409].reduce((n, s) => n + (statuses.get(s) ?? 0), 0);
    expect(reached).toBeGreaterThan(300);
    expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0) + (statuses.get(204) ?? 0)).toBeGreaterThan(20);
    // The user and directory operations were among those reached.
    expect(usersAndDirectoryOk).toBeGreaterThan(10);
    // Still alive, and still serving its data.
    const alive = await send({
      method: "GET",
      path: `/hogwarts/identity_/api/Group/${ORG_ID}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(alive.status).toBe(200);
    // No answer broke the contract.
    expect(emulator.violations).toEqual([]);
  });
});
