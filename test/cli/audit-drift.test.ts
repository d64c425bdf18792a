// The rule that ties audit events to the objects a plan found drifted: what it matches (by id, by
// name, by kind, Identity's successes), what it refuses to guess, and that the emulator's own
// events satisfy it when written through the client.
import { describe, expect, it } from "@jest/globals";
import { describeCause, latestCauses, touches, type AuditEventLike, type DriftObject } from "../../src/cli/iac/audit-drift.js";
import { createIdentityClient } from "../../src/client/index.js";
import { DEMO_CLIENT, startEmulator } from "../../src/emulator/index.js";
import { EMAILS, GRYFFINDORS, HARRY, RON, ROBY } from "../fixtures/walkthrough.js";

const ALUMNI_ID = "4b8e1c27-5d3a-4f69-9c02-8e1f7a3d2b02";
let n = 0;
const event = (over: Partial<AuditEventLike> & { details?: unknown }): AuditEventLike => {
  const { details, ...rest } = over;
  return {
    id: `e${++n}`,
    createdOn: "2026-12-01T10:00:00Z",
    status: 0,
    eventSource: "Identity",
    eventTarget: "Group",
    eventType: "Group Updated",
    eventDetails: details === undefined ? '{"id":"4b8e1c27-5d3a-4f69-9c02-8e1f7a3d2b02","name":"Alumni"}' : JSON.stringify(details),
    eventSummary: "Group 'Alumni' updated (memberIds)",
    actorName: "Ron Weasley",
    ...rest,
  };
};
const alumni: DriftObject = { kind: "group", id: ALUMNI_ID, name: "Alumni" };

describe("which audit events touched an object", () => {
  it("matches by id, ignoring case, and by name where the object or the event has no id", () => {
    expect(touches(event({ details: { id: ALUMNI_ID.toUpperCase() } }), alumni)).toBe(true);
    expect(touches(event({ details: { groupId: ALUMNI_ID } }), alumni)).toBe(true);
    expect(touches(event({ details: { name: "alumni" } }), alumni)).toBe(true);
    expect(touches(event({ details: { groupName: "ALUMNI" } }), { kind: "group", name: "Alumni" })).toBe(true);
    expect(touches(event({ details: { id: ALUMNI_ID } }), { kind: "group", name: "Alumni" })).toBe(false);
    const roby = { kind: "robotAccount", id: ROBY, name: "Roby" } as const;
    expect(touches(event({ eventTarget: "Robot Account", details: { robotAccountId: ROBY } }), roby)).toBe(true);
    expect(touches(event({ eventTarget: "RobotAccounts", details: { robotAccountName: "roby" } }), { ...roby, id: undefined })).toBe(true);
    const ron = { kind: "user", name: EMAILS.ron } as const;
    expect(touches(event({ eventTarget: "User", details: { email: EMAILS.ron } }), ron)).toBe(true);
    expect(touches(event({ eventTarget: "Users", details: { userName: EMAILS.ron.toUpperCase() } }), ron)).toBe(true);
    // A user's first name is not who the user is.
    expect(touches(event({ eventTarget: "User", details: { name: EMAILS.ron } }), ron)).toBe(false);
  });

  it("guesses nothing: another id with the same name, another kind or source, a failure, details that are not JSON or name the object only in a list", () => {
    expect(touches(event({ details: { id: GRYFFINDORS, name: "Alumni" } }), alumni)).toBe(false);
    expect(touches(event({ eventTarget: "User", details: { id: ALUMNI_ID } }), alumni)).toBe(false);
    expect(touches(event({ eventSource: "Orchestrator" }), alumni)).toBe(false);
    expect(touches(event({ status: 1 }), alumni)).toBe(false);
    expect(touches(event({ status: 1 }), alumni, { includeFailed: true })).toBe(true);
    expect(touches({ ...event({}), eventDetails: "Alumni renamed by Ron" }, alumni)).toBe(false);
    expect(touches({ ...event({}), eventDetails: null }, alumni)).toBe(false);
    expect(touches(event({ eventTarget: "User", details: { id: RON, groupIds: [ALUMNI_ID] } }), alumni)).toBe(false);
    expect(touches(event({ details: { group: { id: ALUMNI_ID } } }), alumni)).toBe(false);
    expect(touches(event({ details: [ALUMNI_ID] }), alumni)).toBe(false);
  });

  it("gives each object its latest causes, newest first, at most perObject, and leaves out objects nothing touched", () => {
    const events = [
      event({ createdOn: "2026-12-01T09:00:00Z", eventSummary: "first" }),
      event({ createdOn: "2026-12-01T11:00:00.0000002Z", eventSummary: "third", actorName: null, actorEmail: "harry@hogwarts.example" }),
      event({ createdOn: "2026-12-01T11:00:00.0000001Z", eventSummary: "second" }),
    ];
    const untouched: DriftObject = { kind: "group", id: GRYFFINDORS, name: "Gryffindors" };
    const causes = latestCauses([alumni, untouched], events, { perObject: 2 });
    expect([...causes.keys()]).toEqual([alumni]);
    expect(causes.get(alumni)!.map(describeCause)).toEqual([
      "2026-12-01T11:00:00.0000002Z harry@hogwarts.example: third",
      "2026-12-01T11:00:00.0000001Z Ron Weasley: second",
    ]);
  });

  it("finds the emulator's events for changes made through the client: who, when, what", async () => {
    const emulator = await startEmulator({ seed: "demo", rateLimit: false });
    try {
      const scopes = ["PM.Group", "PM.RobotAccount", "PM.User", "PM.Audit.Read"];
      const app = createIdentityClient({ baseUrl: emulator.baseUrl(), rateLimit: false, credentials: { ...DEMO_CLIENT, scopes } });
      const ron = createIdentityClient({
        baseUrl: emulator.baseUrl(),
        rateLimit: false,
        credentials: async () => emulator.issueToken({ scopes, user: RON }),
      });
      await ron.groups.removeMembers(GRYFFINDORS, [HARRY]);
      await app.robotAccounts.update(ROBY, { displayName: "Roby II" });
      await app.users.update(RON, { surname: "Weasley-Granger" });
      const events = await app.audit.events().toArray();
      const objects: DriftObject[] = [
        { kind: "group", id: GRYFFINDORS, name: "Gryffindors" },
        { kind: "robotAccount", id: ROBY, name: "Roby" },
        { kind: "user", name: EMAILS.ron },
      ];
      const causes = latestCauses(objects, events);
      expect(objects.map((o) => causes.get(o)?.map((c) => [c.who, c.what]))).toEqual([
        [["Ron Weasley", "Group 'Gryffindors' updated (memberIds)"]],
        [[DEMO_CLIENT.clientId, "Robot Account 'Roby' updated (displayName)"]],
        [[DEMO_CLIENT.clientId, `User '${EMAILS.ron}' updated (surname)`]],
      ]);
      expect(causes.get(objects[0]!)![0]!.when).toBe(events.find((e) => e.eventTarget === "Group")!.createdOn);
    } finally {
      await emulator.close();
    }
  });
});
