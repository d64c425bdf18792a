// Who caused the drift: for each object the plan changes back (an existing group, robot account or
// user whose live state differs from the file), the latest audit events that touched it, by the
// rule written in audit-drift.ts. Read from the organization's audit service (no Identity budget
// is spent); when the token may not read it, or it cannot be read, one note line says so and the
// plan is shown without causes.
import { IdentityApiError, type IdentityClient } from "../../client/index.js";
import { latestCauses, type DriftObject } from "./audit-drift.js";
import type { PlanDocument } from "./model.js";

/** How far back to look: the audit portal's own retention. */
const LOOK_BACK_MS = 90 * 24 * 60 * 60 * 1000;
/** At most this many events are read (five calls of 200). */
const MAX_EVENTS = 1000;
const PER_OBJECT = 3;

/** Adds `drift` to the plan's changes of existing objects; returns a note when the audit log could not say. */
export async function attachDrift(pm: IdentityClient, plan: PlanDocument, now: () => number = Date.now): Promise<string | undefined> {
  const changed = plan.changes.filter((c) => c.action !== "create" && c.id !== undefined);
  if (changed.length === 0) return undefined;
  const objects = new Map(changed.map((c) => [c, { kind: c.resource, id: c.id, name: c.name } satisfies DriftObject]));
  const events = [];
  try {
    const identity = (await pm.audit.sources()).find((s) => (s.name ?? "").toLowerCase() === "identity");
    if (!identity?.id) return "Who changed these objects is not shown: the audit log has no Identity source.";
    for await (const event of pm.audit.events({ from: new Date(now() - LOOK_BACK_MS), sources: [identity.id] })) {
      events.push(event);
      if (events.length >= MAX_EVENTS) break;
    }
  } catch (error) {
    if (error instanceof IdentityApiError && (error.kind === "forbidden" || error.kind === "unauthorized")) {
      return "Who changed these objects is not shown: this application may not read the audit log (grant it PM.Audit.Read).";
    }
    return `Who changed these objects is not shown: the audit log could not be read (${error instanceof Error ? error.message : String(error)}).`;
  }
  const causes = latestCauses([...objects.values()], events, { perObject: PER_OBJECT });
  for (const [change, object] of objects) {
    const found = causes.get(object);
    if (found) change.drift = found.map((c) => ({ at: c.when, actor: c.who, summary: c.what }));
  }
  return undefined;
}
