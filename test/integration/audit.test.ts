// The audit trail end to end: writes made through the client against the emulator become events
// (actor, target, type, status, details), and both audit APIs read them back through the client:
// cursor paging, the documented filters, the sources tree, the CSV downloads, the offset-paged
// AuditQuery. The emulator checks every answer it sends against the contract.
import { afterEach, describe, expect, it } from "@jest/globals";
import { parse } from "csv-parse/sync";
import { createIdentityClient, IdentityApiError, type AuditEventEntry, type IdentityClientOptions } from "../../src/client/index.js";
import { DEMO_CLIENT, startEmulator, type EmulatorHandle, type EmulatorOptions } from "../../src/emulator/index.js";
import { EMAILS, EVERYONE, GRYFFINDORS, RON, ROBY } from "../fixtures/walkthrough.js";

let emulator: EmulatorHandle | undefined;
const SCOPES = ["PM.Group", "PM.RobotAccount", "PM.User", "PM.Audit.Read"];
const IDENTITY = "3d1f5a70-9c2e-4b8d-a6f1-0e7c2b9d4a10";
const GROUP_TARGET = "3d1f5a70-9c2e-4b8d-a6f1-0e7c2b9d4a30";

async function start(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  emulator = await startEmulator({ seed: "demo", validateResponses: true, rateLimit: false, ...options });
  return emulator;
}

function client(e: EmulatorHandle, options: Partial<IdentityClientOptions> = {}) {
  return createIdentityClient({
    baseUrl: e.baseUrl(),
    credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret, scopes: SCOPES },
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    rateLimit: false,
    ...options,
  });
}

afterEach(async () => {
  await emulator?.close();
  expect(emulator?.violations ?? []).toEqual([]);
  emulator = undefined;
});

const newUsers = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i}@hogwarts.example`, name: `${prefix}${i}` }));

describe("audit events recorded by the emulator, read through the client", () => {
  it("records each accepted write with the application as actor, the object as target, a type, details and a summary", async () => {
    const e = await start();
    const pm = client(e);
    const club = await pm.groups.create({ name: "Duelling Club", memberIds: [RON] });
    await pm.groups.update(club.id, { name: "Duelling Club", addMemberIds: [ROBY] });
    await pm.robotAccounts.update(ROBY, { displayName: "Roby the Brave" });
    await pm.groups.delete(club.id);

    const events = await pm.audit.events({ order: "oldest" }).toArray();
    expect(events.map((ev) => [ev.eventSource, ev.eventTarget, ev.eventType, ev.status])).toEqual([
      ["Identity", "Group", "Group Created", 0],
      ["Identity", "Group", "Group Updated", 0],
      ["Identity", "Robot Account", "Robot Account Updated", 0],
      ["Identity", "Group", "Group Deleted", 0],
    ]);
    for (const ev of events) {
      expect(ev).toMatchObject({ actorId: DEMO_CLIENT.clientId, actorName: DEMO_CLIENT.clientId, actorEmail: null });
      expect(typeof ev.eventDetails).toBe("string");
      expect(ev.details).toEqual(JSON.parse(ev.eventDetails!));
    }
    expect(events[0]!.details).toEqual({ id: club.id, name: "Duelling Club", created: { name: "Duelling Club", memberIds: [RON] } });
    expect(events[1]!.details).toEqual({ id: club.id, name: "Duelling Club", changes: { memberIds: { added: [ROBY], removed: [] } } });
    expect(events[1]!.eventSummary).toBe("Group 'Duelling Club' updated (memberIds)");
    expect(events[2]!.details).toMatchObject({ id: ROBY, name: "Roby", changes: { displayName: { from: "Roby", to: "Roby the Brave" } } });
    expect(events[3]).toMatchObject({ eventSummary: "Group 'Duelling Club' deleted" });
    // The handle sees the same events, oldest first, as the service serves them.
    expect(e.auditEvents().map((ev) => ev.id)).toEqual(events.map((ev) => ev.id));
  });

  it("records a user token's writes with that user as actor", async () => {
    const e = await start();
    const pm = client(e, { credentials: async () => e.issueToken({ scopes: SCOPES, user: EMAILS.ron }) });
    await pm.groups.addMembers(GRYFFINDORS, [ROBY]);
    const [event] = e.auditEvents();
    expect(event).toMatchObject({ actorId: RON, actorName: "Ron Weasley", actorEmail: EMAILS.ron, eventType: "Group Updated", status: 0 });
  });

  it("records refused writes as failed events: a built-in group (409), a bad body (400), a missing scope (403), an unknown id (404)", async () => {
    const e = await start();
    const pm = client(e);
    await expect(pm.groups.delete(EVERYONE)).rejects.toMatchObject({ status: 409 });
    await expect(pm.robotAccounts.create({ name: "Roby" })).rejects.toMatchObject({ status: 400 });
    const readOnly = client(e, { credentials: async () => e.issueToken({ scopes: ["PM.Group.Read", "PM.Audit.Read"] }) });
    await expect(readOnly.groups.create({ name: "Slug Club" })).rejects.toMatchObject({ status: 403 });
    await expect(pm.users.update("00000000-0000-4000-8000-00000000abcd", { name: "Nobody" })).rejects.toMatchObject({ status: 404 });

    const failed = await pm.audit.events({ status: "failure", order: "oldest" }).toArray();
    expect(failed.map((ev) => [ev.eventType, ev.status, (ev.details as { error: { status: number } }).error.status])).toEqual([
      ["Group Deleted", 1, 409],
      ["Robot Account Created", 1, 400],
      ["Group Created", 1, 403],
      ["User Updated", 1, 404],
    ]);
    expect(failed[0]).toMatchObject({
      eventSummary: "Group 'Everyone' not deleted: The built-in group 'Everyone' cannot be deleted.",
      details: { id: EVERYONE, name: "Everyone" },
    });
    expect(failed[1]!.details).toMatchObject({ name: "Roby", error: { message: "User name 'Roby' is already taken." } });
    expect(failed[2]!.eventSummary).toMatch(/^Group 'Slug Club' not created: Scope\(s\) 'PM.Group.Read PM.Audit.Read' is\(are\) invalid/);
    // Nothing that failed changed anything, and nothing succeeded.
    expect(await pm.audit.events({ status: "success" }).toArray()).toEqual([]);
  });

  it("pages 1,000 events sharing one timestamp by cursor, 200 per call, each exactly once, newest or oldest first", async () => {
    const e = await start();
    const pm = client(e);
    await pm.users.createMany({ users: newUsers(1000, "first-year-") });
    await pm.groups.create({ name: "After the feast" });
    const calls: string[] = [];
    const reader = client(e, { onRequest: (ev) => calls.push(new URL(ev.url).pathname) });

    const newest = await reader.audit.events().toArray();
    expect(newest).toHaveLength(1001);
    expect(new Set(newest.map((ev) => ev.id)).size).toBe(1001);
    expect(newest[0]!.eventType).toBe("Group Created");
    expect(new Set(newest.slice(1).map((ev) => ev.createdOn)).size).toBe(1);
    // 1001 events at 200 a call: six pages (plus the token request).
    expect(calls.filter((p) => p.endsWith("/orgaudit_/api/query/events"))).toHaveLength(6);

    const oldest = await reader.audit.events({ order: "oldest" }).toArray();
    expect(oldest.map((ev) => ev.id)).toEqual([...newest].reverse().map((ev) => ev.id));
    // Smaller pages: the same events, once each.
    const small = await reader.audit.events({}, { pageSize: 7 }).toArray();
    expect(small.map((ev) => ev.id)).toEqual(newest.map((ev) => ev.id));
  });

  it("follows `previous` to older pages and `next` back to newer ones, null at the ends", async () => {
    const e = await start();
    const pm = client(e);
    await pm.users.createMany({ users: newUsers(25, "prefect-") });
    const first = await pm.audit.eventsPage({ maxCount: 10 });
    expect(first.next).toBeNull();
    expect(first.previous).toMatch(/^\/api\/query\/events\?/);
    const second = await pm.audit.eventsPage({ cursor: first.previous! });
    const third = await pm.audit.eventsPage({ cursor: second.previous! });
    expect([first, second, third].map((p) => p.auditEvents.length)).toEqual([10, 10, 5]);
    expect(third.previous).toBeNull();
    const back = await pm.audit.eventsPage({ cursor: third.next! });
    expect(back.auditEvents.map((ev) => ev.id)).toEqual(second.auditEvents.map((ev) => ev.id));
    const top = await pm.audit.eventsPage({ cursor: back.next! });
    expect(top.auditEvents.map((ev) => ev.id)).toEqual(first.auditEvents.map((ev) => ev.id));
    expect(top.next).toBeNull();
  });

  it("narrows by time window, source, target, type, actor, search term and status, as documented", async () => {
    let clock = Date.parse("2026-12-01T10:00:00Z");
    const e = await start({ now: () => clock });
    const pm = client(e);
    const ronAsActor = client(e, { credentials: async () => e.issueToken({ scopes: SCOPES, user: RON }) });
    await pm.groups.create({ name: "Morning" }); // 10:00
    clock += 3600_000;
    await ronAsActor.robotAccounts.create({ name: "Errol" }); // 11:00
    clock += 3600_000;
    await pm.groups.delete(EVERYONE).catch(() => undefined); // 12:00, refused
    clock += 3600_000;

    const sources = await pm.audit.sources();
    const identity = sources.find((s) => s.name === "Identity")!;
    expect(identity.id).toBe(IDENTITY);
    const group = identity.eventTargets!.find((t) => t.name === "Group")!;
    expect(group.id).toBe(GROUP_TARGET);
    const created = group.eventTypes!.find((t) => t.name === "Group Created")!;
    const robotCreated = identity.eventTargets!.flatMap((t) => t.eventTypes ?? []).find((t) => t.name === "Robot Account Created")!;

    const types = async (query: Parameters<typeof pm.audit.events>[0]) =>
      (await pm.audit.events({ ...query, order: "oldest" }).toArray()).map((ev: AuditEventEntry) => ev.eventType);
    expect(await types({})).toEqual(["Group Created", "Robot Account Created", "Group Deleted"]);
    expect(await types({ from: "2026-12-01T10:30:00Z" })).toEqual(["Robot Account Created", "Group Deleted"]);
    expect(await types({ to: new Date("2026-12-01T11:00:00Z") })).toEqual(["Group Created", "Robot Account Created"]);
    expect(await types({ from: "2026-12-01T11:00:00Z", to: "2026-12-01T11:00:00Z" })).toEqual(["Robot Account Created"]);
    expect(await types({ sources: [IDENTITY] })).toHaveLength(3);
    expect(await types({ sources: ["a3c1e2f4-0000-4000-8000-000000000000"] })).toEqual([]);
    expect(await types({ targets: [GROUP_TARGET] })).toEqual(["Group Created", "Group Deleted"]);
    expect(await types({ types: [created.id, robotCreated.id] })).toEqual(["Group Created", "Robot Account Created"]);
    expect(await types({ userIds: [RON] })).toEqual(["Robot Account Created"]);
    expect(await types({ userIds: [DEMO_CLIENT.clientId] })).toEqual(["Group Created", "Group Deleted"]);
    expect(await types({ search: "errol" })).toEqual(["Robot Account Created"]);
    expect(await types({ status: "failure" })).toEqual(["Group Deleted"]);
    expect(await types({ status: 0, targets: [GROUP_TARGET] })).toEqual(["Group Created"]);

    // The CSV download applies the same filters; its columns are the event's fields.
    const csv = await new Response(await pm.audit.downloadEvents({ targets: [GROUP_TARGET] })).text();
    const rows = parse<Record<string, string>>(csv, { columns: true });
    expect(rows.map((r) => r.eventType)).toEqual(["Group Deleted", "Group Created"]);
    expect(Object.keys(rows[0]!)).toContain("clientInfo.ipAddress");
    expect(JSON.parse(rows[0]!.eventDetails!)).toMatchObject({ id: EVERYONE, error: { status: 409 } });
    expect(rows[0]!.status).toBe("1");
  });

  it("bad filters fail before any request, with the field named", async () => {
    const e = await start();
    const sent: string[] = [];
    const pm = client(e, { onRequest: (ev) => sent.push(ev.url) });
    expect(() => pm.audit.events({ from: "yesterday" })).toThrow(/from must be a Date or an ISO 8601 date-time/);
    expect(() => pm.audit.events({ from: "2026-12-02T00:00:00Z", to: "2026-12-01T00:00:00Z" })).toThrow(/is after to/);
    expect(() => pm.audit.events({ status: "broken" as "failure" })).toThrow(/status must be "success", "failure", 0 or 1/);
    expect(() => pm.audit.events({}, { pageSize: 500 })).toThrow(/pageSize must be an integer from 1 to 200/);
    await expect(pm.audit.eventsPage({ cursor: "https://elsewhere.example/api/query/events?x=1" })).rejects.toThrow(/is not a cursor/);
    expect(sent).toEqual([]);
  });

  it("serves Identity's own AuditQuery with offset paging and sorting, and its download", async () => {
    const e = await start();
    const pm = client(e);
    for (const name of ["Quidditch", "Chess", "Gobstones"]) await pm.groups.create({ name });
    const page = await pm.audit.recordsPage({ top: 2, skip: 0 });
    expect(page.totalCount).toBe(3);
    expect(page.results.map((r) => (r.details as { name: string }).name)).toEqual(["Gobstones", "Chess"]);
    const all = await pm.audit.records({ sortBy: "createdOn", sortOrder: "asc" }, { pageSize: 2 }).toArray();
    expect(all.map((r) => [r.category, r.action, r.source, (r.details as { name: string }).name])).toEqual([
      ["Group", "Group Created", "Identity", "Quidditch"],
      ["Group", "Group Created", "Identity", "Chess"],
      ["Group", "Group Created", "Identity", "Gobstones"],
    ]);
    const csv = await new Response(await pm.audit.downloadRecords({ size: 2 })).text();
    const rows = parse<Record<string, string>>(csv, { columns: true });
    expect(rows.map((r) => r.message)).toEqual(["Group 'Gobstones' created", "Group 'Chess' created"]);
  });

  it("does not spend Identity's GET budget on the audit service, in the client or in the emulator", async () => {
    // The emulator allows one Identity GET per window; the client books two.
    const e = await start({ rateLimit: { windowMs: 600_000, budgets: { GET: 1, POST: 100, PUT: 100, PATCH: 100, DELETE: 100 } } });
    const pm = client(e, { rateLimit: { windowMs: 600_000, budgets: { GET: 2 } } });
    for (let i = 0; i < 5; i++) await pm.audit.eventsPage();
    await pm.audit.sources();
    expect(pm.rateLimitDelayMs("GET", 2)).toBe(0);
    await pm.groups.list();
    expect(pm.rateLimitDelayMs("GET", 2)).toBeGreaterThan(0);
    // Identity's AuditQuery is Identity's: it is paced (and counted) as a GET.
    const err = await pm.audit.recordsPage({}, { timeoutMs: 5000 }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(IdentityApiError);
    expect((err as IdentityApiError).status).toBe(429);
  });
});
