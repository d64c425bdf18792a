// Requests are checked against the document and refused in ASP.NET's shapes; responses are
// checked too, and a broken one is recorded as a violation.
import { beforeEach, describe, expect, it } from "@jest/globals";
import type { EmulatorHandle } from "../../src/emulator/index.js";
import { loadBundledDocument } from "../../src/emulator/document.js";
import { allScopes, call, emulatorPerTest, GRYFFINDORS, ORG_ID, ROBY } from "./support.js";

const start = emulatorPerTest();
let emulator: EmulatorHandle;
beforeEach(async () => {
  emulator = await start();
});

function api(method: string, path: string, options: { body?: unknown; raw?: string; contentType?: string } = {}) {
  return call(emulator.baseUrl(), method, path, { token: allScopes(emulator), ...options });
}

function expectValidationProblem(res: Awaited<ReturnType<typeof api>>, errors: Record<string, string[]>) {
  expect(res.status).toBe(400);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.json).toEqual({
    type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    title: "One or more validation errors occurred.",
    status: 400,
    errors,
    traceId: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/),
  });
}

describe("request validation", () => {
  it("refuses a non-GUID organization id the way the real service does", async () => {
    expectValidationProblem(await api("GET", "/api/Group/magic-7"), { partitionGlobalId: ["The value 'magic-7' is not valid."] });
    expectValidationProblem(await api("GET", "/api/RobotAccount/DatacomGroup"), {
      partitionGlobalId: ["The value 'DatacomGroup' is not valid."],
    });
  });

  it("names the shared path's id after what it means for the operation", async () => {
    expectValidationProblem(await api("PUT", "/api/Group/gryff-01", { body: { partitionGlobalId: ORG_ID, name: "x" } }), {
      groupId: ["The value 'gryff-01' is not valid."],
    });
    expectValidationProblem(await api("PUT", "/api/RobotAccount/88-uv", { body: { partitionGlobalId: ORG_ID } }), {
      robotAccountId: ["The value '88-uv' is not valid."],
    });
    expectValidationProblem(await api("GET", `/api/Group/${ORG_ID}/gryff-01`), { groupId: ["The value 'gryff-01' is not valid."] });
  });

  it("refuses bad paging values", async () => {
    const base = `/api/RobotAccount/${ORG_ID}`;
    expectValidationProblem(await api("GET", `${base}?top=1001`), { top: ["The field top must be between 0 and 1000."] });
    expectValidationProblem(await api("GET", `${base}?top=-1&skip=x`), {
      top: ["The field top must be between 0 and 1000."],
      skip: ["The value 'x' is not valid."],
    });
    expectValidationProblem(await api("GET", `${base}?sortOrder=up`), { sortOrder: ["The value 'up' is not valid."] });
    expectValidationProblem(await api("GET", `/api/Group/${ORG_ID}/${GRYFFINDORS}/Members?top=1.5`), {
      top: ["The value '1.5' is not valid."],
    });
  });

  it("refuses JSON that cannot be read", async () => {
    const res = await api("POST", "/api/Group", { raw: '{"name": ' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.json.errors)).toEqual(["$"]);
  });

  it("refuses a missing body", async () => {
    expectValidationProblem(await api("DELETE", `/api/Group/${ORG_ID}`), { "": ["A non-empty request body is required."] });
  });

  it("names missing fields and values of the wrong type by their JSON path", async () => {
    const res = await api("POST", "/api/Group", { body: { partitionGlobalId: ORG_ID, name: "", directoryUserMemberIDs: ["ron-0103", 7] } });
    expectValidationProblem(res, {
      id: ["The id field is required."],
      "$.name": ["The field $.name must have at least 1 characters."],
      "$.directoryUserMemberIDs[0]": ["The JSON value could not be converted to System.Guid. Path: $.directoryUserMemberIDs[0]."],
      "$.directoryUserMemberIDs[1]": ["The JSON value could not be converted to string. Path: $.directoryUserMemberIDs[1]."],
    });
    const notAnObject = await api("PUT", `/api/RobotAccount/${ROBY}`, { body: [1, 2] });
    expect(notAnObject.status).toBe(400);
    expect(Object.keys(notAnObject.json.errors)).toEqual(["$"]);
  });

  it("words a format or pattern error as the schema's x-error-message says, for any field", async () => {
    expectValidationProblem(await api("POST", "/api/User", { body: { partitionGlobalId: ORG_ID, userName: "x", email: "no-at-sign" } }), {
      "$.email": ["The field Email is invalid."],
    });
    // Generic: a copy of the document that gives the group name a pattern and its own message.
    const doc = loadBundledDocument() as {
      components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
    };
    Object.assign(doc.components.schemas.CreateGroup!.properties.name!, {
      pattern: "^[A-Z]",
      "x-error-message": "The field Name must start with a capital.",
    });
    const custom = await start({ document: doc });
    const res = await call(custom.baseUrl(), "POST", "/api/Group", {
      token: allScopes(custom),
      body: { partitionGlobalId: ORG_ID, id: ROBY, name: "slytherins" },
    });
    expectValidationProblem(res, { "$.name": ["The field Name must start with a capital."] });
  });

  it("refuses a body naming another organization", async () => {
    const other = "11111111-2222-4333-8444-555555555555";
    const res = await api("POST", "/api/RobotAccount", { body: { partitionGlobalId: other, name: "Stray" } });
    expect(res.status).toBe(400);
    expect(res.json.errors.partitionGlobalId[0]).toContain("InvalidPartition");
  });

  it("refuses a body that is not JSON with the contract's 415", async () => {
    const res = await api("POST", "/api/RobotAccount", { raw: "name=Roby", contentType: "text/plain" });
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ title: "Unsupported Media Type", status: 415 });
    expect(emulator.violations).toEqual([]);
  });

  it("refuses bodies over 1 MiB with 413", async () => {
    const res = await api("POST", "/api/RobotAccount", { raw: JSON.stringify({ name: "x".repeat(1024 * 1024 + 10) }) });
    expect(res.status).toBe(413);
  });
});

describe("response validation", () => {
  it("records a response that breaks the document", async () => {
    // A copy of the document that demands a field the emulator never sends.
    const doc = loadBundledDocument() as { components: { schemas: Record<string, { required: string[] }> } };
    doc.components.schemas.RobotAccount!.required.push("robotKind");
    const broken = await start({ document: doc, allowViolations: true });
    const token = allScopes(broken);
    const res = await call(broken.baseUrl(), "GET", `/api/RobotAccount/${ORG_ID}/${ROBY}`, { token });
    expect(res.status).toBe(200);
    expect(broken.violations).toEqual([
      {
        method: "GET",
        path: `/hogwarts/identity_/api/RobotAccount/${ORG_ID}/${ROBY}`,
        operationId: "getRobotAccount",
        status: 200,
        problems: ["status 200 of getRobotAccount: body must have required property 'robotKind'"],
      },
    ]);
  });

  it("records a status the operation does not declare", async () => {
    const doc = loadBundledDocument() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    delete doc.paths["/api/Group/{partitionGlobalId}/{groupId}"]!.get!.responses["404"];
    const broken = await start({ document: doc, allowViolations: true });
    await call(broken.baseUrl(), "GET", `/api/Group/${ORG_ID}/${ROBY}`, { token: allScopes(broken) });
    expect(broken.violations.map((v) => v.problems)).toEqual([["status 404 is not declared for getGroup"]]);
  });
});
