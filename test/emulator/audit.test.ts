// The emulator's audit trail over raw HTTP: which writes it records (all of the document's, by one
// table), where the audit service lives (its own orgaudit_ base, nothing else there), what the
// scopes and the rate limiter do there, and the records and files it answers with.
import { describe, expect, it } from "@jest/globals";
import { indexOperations, loadBundledDocument } from "../../src/emulator/document.js";
import { AUDITED_WRITES } from "../../src/emulator/audit-writes.js";
import { allScopes, call, emulatorPerTest, EVERYONE, GRYFFINDORS, ORG_ID, PM_SCOPES, RON } from "./support.js";

const start = emulatorPerTest();

describe("the emulator's audit trail", () => {
  it("audits every write operation of the document (one table), and no read", () => {
    const doc = loadBundledDocument() as { paths: Record<string, Record<string, { operationId?: string; "x-read-only"?: boolean }>> };
    const writes = Object.values(doc.paths).flatMap((item) =>
      ["post", "put", "patch", "delete"].flatMap((m) => (item[m] && item[m]["x-read-only"] !== true ? [item[m].operationId] : [])),
    );
    expect(Object.keys(AUDITED_WRITES).sort()).toEqual(writes.sort());
  });

  it("lets the demo client and scopes read the audit (PM.Audit and PM.Audit.Read are the document's scopes)", () => {
    const doc = loadBundledDocument() as {
      components: { securitySchemes: { clientCredentials: { flows: { clientCredentials: { scopes: Record<string, string> } } } } };
    };
    expect([...PM_SCOPES].sort()).toEqual(
      Object.keys(doc.components.securitySchemes.clientCredentials.flows.clientCredentials.scopes).sort(),
    );
  });

  it("serves the audit service's three operations under /{org}/orgaudit_ only, and only the audit service there", async () => {
    const emulator = await start({ seed: "demo" });
    const token = allScopes(emulator);
    const audit = emulator.auditBaseUrl();
    expect(audit).toBe(`${emulator.url}/hogwarts/orgaudit_`);
    const served = indexOperations(loadBundledDocument()).filter((o) => o.service === "orgaudit");
    expect(served.map((o) => `${o.method.toUpperCase()} ${o.pathTemplate}`).sort()).toEqual([
      "GET /api/query/downloadevents",
      "GET /api/query/events",
      "GET /api/query/sources",
    ]);
    for (const o of served)
      expect({ path: o.pathTemplate, status: (await call(audit, "GET", o.pathTemplate, { token })).status }).toEqual({
        path: o.pathTemplate,
        status: 200,
      });
    // Identity's operations, token endpoint and keys are not the audit service's, and the reverse.
    expect((await call(audit, "GET", `/api/Group/${ORG_ID}`, { token })).status).toBe(404);
    expect((await call(audit, "POST", "/connect/token", { raw: "grant_type=client_credentials" })).status).toBe(404);
    expect((await call(emulator.baseUrl(), "GET", "/api/query/events", { token })).status).toBe(404);
    expect((await call(emulator.url, "GET", "/orgaudit_/api/query/events", { token })).status).toBe(404);
    // Identity's AuditQuery lives under identity_, as UiPath's document has it.
    expect((await call(emulator.baseUrl(), "GET", `/api/AuditQuery/${ORG_ID}`, { token })).status).toBe(200);
  });

  it("asks for PM.Audit or PM.Audit.Read, answering 403 with the service's scope message otherwise", async () => {
    const emulator = await start({ seed: "demo" });
    const groupsOnly = emulator.issueToken({ scopes: ["PM.Group"] });
    const refused = await call(emulator.auditBaseUrl(), "GET", "/api/query/events", { token: groupsOnly });
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({ errorMessage: "Scope(s) 'PM.Group' is(are) invalid. Expect to have 'PM.Audit' or 'PM.Audit.Read'. " });
    for (const scope of ["PM.Audit", "PM.Audit.Read"]) {
      const token = emulator.issueToken({ scopes: [scope] });
      expect((await call(emulator.auditBaseUrl(), "GET", "/api/query/sources", { token })).status).toBe(200);
      expect((await call(emulator.baseUrl(), "GET", `/api/AuditQuery/${ORG_ID}/download`, { token })).status).toBe(200);
    }
    // A refused read is not audited: only writes are.
    expect(emulator.auditEvents()).toEqual([]);
  });

  it("records no event for a write that changed nothing or never reached the service (401), and one per object for bulk writes", async () => {
    const emulator = await start({ seed: "demo" });
    const token = allScopes(emulator);
    const base = emulator.baseUrl();
    expect((await call(base, "DELETE", `/api/Group/${ORG_ID}`, { body: { groupIDs: [GRYFFINDORS] } })).status).toBe(401);
    expect(emulator.auditEvents()).toEqual([]);
    const unknown = "00000000-0000-4000-8000-0000000000aa";
    expect((await call(base, "DELETE", `/api/Group/${ORG_ID}`, { token, body: { groupIDs: [unknown] } })).status).toBe(204);
    expect(emulator.auditEvents()).toEqual([]);
    const created = await call(base, "POST", "/api/User/BulkCreate", {
      token,
      body: { partitionGlobalId: ORG_ID, users: [{ userName: "a@hogwarts.example" }, { userName: "b@hogwarts.example" }] },
    });
    expect(created.status).toBe(200);
    const events = emulator.auditEvents();
    expect(events.map((e) => [e.eventType, JSON.parse(e.eventDetails!).userName])).toEqual([
      ["User Created", "a@hogwarts.example"],
      ["User Created", "b@hogwarts.example"],
    ]);
    // One request, one instant.
    expect(events[0]!.createdOn).toBe(events[1]!.createdOn);
  });

  it("records an invitation that failed on its own as a failed event beside the ones that worked", async () => {
    const emulator = await start({ seed: "demo" });
    const token = allScopes(emulator);
    const accept = `https://cloud.uipath.com/portal_/acceptInvite?organizationId=${ORG_ID}`;
    const answer = await call(emulator.baseUrl(), "POST", "/api/User/InviteUsers", {
      token,
      body: [
        { email: "cho.chang@hogwarts.example", redirectUrl: accept },
        { email: "cedric.diggory@hogwarts.example", redirectUrl: "https://evil.example/accept" },
      ],
    });
    expect(answer.status).toBe(200);
    expect(emulator.auditEvents().map((e) => [e.eventType, e.status, e.eventSummary])).toEqual([
      ["User Invited", 0, "User 'cho.chang@hogwarts.example' invited"],
      ["User Invited", 1, "User 'cedric.diggory@hogwarts.example' not invited: Redirect URL is not valid"],
    ]);
  });

  it("never writes a password into an event", async () => {
    const emulator = await start({ seed: "demo" });
    const token = allScopes(emulator);
    const secret = "Alohomora-7f3e9c21";
    await call(emulator.baseUrl(), "PUT", `/api/User/${RON}`, { token, body: { password: secret, name: "Ronald" } });
    await call(emulator.baseUrl(), "POST", "/api/User", {
      token,
      body: { partitionGlobalId: ORG_ID, userName: "ron.weasley@hogwarts.example", password: secret },
    });
    const events = emulator.auditEvents();
    expect(events.map((e) => [e.eventType, e.status])).toEqual([
      ["User Updated", 0],
      ["User Created", 1],
    ]);
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(JSON.parse(events[0]!.eventDetails!).changes).toEqual({ name: { from: "Ron", to: "Ronald" } });
  });

  it("answers a window that ends before it starts with 400, and an unknown cursor id without skipping events", async () => {
    const emulator = await start({ seed: "demo" });
    const token = allScopes(emulator);
    await call(emulator.baseUrl(), "DELETE", `/api/Group/${ORG_ID}/${EVERYONE}`, { token });
    const bad = await call(emulator.auditBaseUrl(), "GET", "/api/query/events?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", {
      token,
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.from[0]).toMatch(/after its end/);
    const [event] = emulator.auditEvents();
    const page = await call(
      emulator.auditBaseUrl(),
      "GET",
      `/api/query/events?before=${encodeURIComponent(event!.createdOn)}&beforeId=not-an-event`,
      { token },
    );
    expect(page.json.auditEvents.map((e: { id: string }) => e.id)).toEqual([event!.id]);
  });

  it("serves the downloads as files: CSV for the unified service, octet-stream for AuditQuery", async () => {
    const emulator = await start({ seed: "demo" });
    const token = allScopes(emulator);
    await call(emulator.baseUrl(), "DELETE", `/api/Group/${ORG_ID}/${EVERYONE}`, { token });
    const csv = await call(emulator.auditBaseUrl(), "GET", "/api/query/downloadevents?status=1", { token });
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="audit-events.csv"');
    expect(csv.text.split("\r\n")[0]).toBe(
      "id,createdOn,organizationId,organizationName,tenantId,tenantName,actorId,actorName,actorEmail,eventType,eventSource,eventTarget," +
        "eventDetails,eventSummary,status,clientInfo.ipAddress,clientInfo.ipCountry",
    );
    const file = await call(emulator.baseUrl(), "GET", `/api/AuditQuery/${ORG_ID}/download?size=1`, { token });
    expect(file.headers.get("content-type")).toBe("application/octet-stream");
    expect(file.text.split("\r\n")[0]).toBe("createdOn,category,action,auditLogDetails,userName,email,message,detailsVersion,source");
    expect(file.text.split("\r\n")).toHaveLength(3);
  });
});
