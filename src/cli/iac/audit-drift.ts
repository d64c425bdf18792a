// Who caused the drift: for the groups, robot accounts and users whose live state differs from the
// desired state, the latest audit events that touched them (who, when, what). Pure: it is given
// the events and the objects, and decides by one written rule which event touched which object.
//
// The rule. An audit event touched an object when all of these hold:
//   1. it succeeded (status 0): a refused write changed nothing (failed ones count only on request);
//   2. its source is Identity (ignoring case);
//   3. its target is the object's kind: `Group` for a group, `Robot Account` (or `RobotAccount`)
//      for a robot account, `User` for a user; ignoring case, spaces and a plural `s`;
//   4. its details (`eventDetails`, a JSON-encoded object) name the object at their top level:
//      - by id, when the object has one and the details carry one (`id`, or `groupId`,
//        `robotAccountId`, `userId` for the kind): the ids must be equal (ignoring case). A
//        same-named object with another id is another object (deleted and made again, say);
//      - otherwise by name: `name` or `groupName` for a group, `name` or `robotAccountName` for a
//        robot account, `userName` or `email` for a user, equal ignoring case.
// Anything else matches nothing: details that are not JSON, that name no object, or that name it
// only inside a list or a nested value (a user's event that lists a group among its groups is not
// that group's event). No guessing: an object no event names shows no cause.
import type { ResourceKind } from "./model.js";
import { instantNs } from "../times.js";

/** The kinds a plan changes (its `Change.resource`). */
export type DriftKind = ResourceKind;

export interface DriftObject {
  kind: DriftKind;
  /** The live object's id, when it has one. */
  id?: string | undefined;
  /** Its name (a user: user name or e-mail address). */
  name?: string | undefined;
}

/** The fields of an audit event the rule reads (the client's AuditEventEntry has them all). */
export interface AuditEventLike {
  id: string;
  createdOn: string;
  status: number;
  eventSource?: string | null;
  eventTarget?: string | null;
  eventType?: string | null;
  eventDetails?: string | null;
  eventSummary?: string | null;
  actorId?: string | null;
  actorName?: string | null;
  actorEmail?: string | null;
  /** `eventDetails` already parsed (the client does this); parsed here when absent. */
  details?: unknown;
}

/** One event that touched an object, as a plan shows it. */
export interface DriftCause {
  /** The actor's name, else e-mail, else id. */
  who: string;
  /** The event's `createdOn`. */
  when: string;
  /** The event's summary, else its type. */
  what: string;
  eventId: string;
  failed: boolean;
}

export interface DriftOptions {
  /** How many causes per object, newest first. Default 3. */
  perObject?: number;
  /** Count refused writes too (they changed nothing, but show who tried). Default false. */
  includeFailed?: boolean;
}

const TARGETS: Record<DriftKind, string> = { group: "group", robotAccount: "robotaccount", user: "user" };
const ID_KEYS: Record<DriftKind, string[]> = {
  group: ["id", "groupId"],
  robotAccount: ["id", "robotAccountId"],
  user: ["id", "userId"],
};
const NAME_KEYS: Record<DriftKind, string[]> = {
  group: ["name", "groupName"],
  robotAccount: ["name", "robotAccountName"],
  user: ["userName", "email"],
};

/** Whether the event touched the object, by the rule above. */
export function touches(event: AuditEventLike, object: DriftObject, options: Pick<DriftOptions, "includeFailed"> = {}): boolean {
  if (event.status !== 0 && !(options.includeFailed === true && event.status === 1)) return false;
  if (lower(event.eventSource) !== "identity") return false;
  const target = lower(event.eventTarget).replace(/\s+/g, "").replace(/s$/, "");
  if (target !== TARGETS[object.kind]) return false;
  const details = detailsOf(event);
  if (details === undefined) return false;
  const ids = ID_KEYS[object.kind].map((k) => details[k]).filter((v): v is string => typeof v === "string" && v !== "");
  if (object.id !== undefined && ids.length > 0) return ids.some((id) => lower(id) === lower(object.id));
  if (object.name === undefined || object.name === "") return false;
  return NAME_KEYS[object.kind].some((k) => typeof details[k] === "string" && lower(details[k]) === lower(object.name));
}

/** For each object, the latest events that touched it (newest first, at most `perObject`); objects no event touched are left out. */
export function latestCauses(
  objects: DriftObject[],
  events: Iterable<AuditEventLike>,
  options: DriftOptions = {},
): Map<DriftObject, DriftCause[]> {
  const perObject = options.perObject ?? 3;
  const newestFirst = [...events]
    .map((event, order) => ({ event, order, at: instantNs(event.createdOn) ?? -1n }))
    .sort((a, b) => (a.at === b.at ? b.order - a.order : a.at < b.at ? 1 : -1))
    .map((e) => e.event);
  const found = new Map<DriftObject, DriftCause[]>();
  for (const object of objects) {
    const causes = newestFirst
      .filter((e) => touches(e, object, options))
      .slice(0, perObject)
      .map(causeOf);
    if (causes.length > 0) found.set(object, causes);
  }
  return found;
}

/** One line for a plan: `2026-12-01T10:00:00Z Ron Weasley: Group 'Alumni' updated (memberIds)`. */
export function describeCause(cause: DriftCause): string {
  return `${cause.when} ${cause.who}: ${cause.what}${cause.failed ? " (refused)" : ""}`;
}

function causeOf(event: AuditEventLike): DriftCause {
  return {
    who: event.actorName || event.actorEmail || event.actorId || "an unknown actor",
    when: event.createdOn,
    what: event.eventSummary || event.eventType || "a change",
    eventId: event.id,
    failed: event.status !== 0,
  };
}

function detailsOf(event: AuditEventLike): Record<string, unknown> | undefined {
  let details = event.details;
  if (details === undefined && typeof event.eventDetails === "string") {
    try {
      details = JSON.parse(event.eventDetails) as unknown;
    } catch {
      return undefined;
    }
  }
  return details !== null && typeof details === "object" && !Array.isArray(details) ? (details as Record<string, unknown>) : undefined;
}

function lower(value: unknown): string {
  return typeof value === "string" ? value.toLowerCase() : "";
}
