// Which writes the emulator audits, and how: one table from operationId to the kind of object
// (the event's target) and what was done (its type), read by one recorder that the server runs
// around each write. UiPath does not publish the event types Identity writes for these changes,
// nor their details, so the names here are the emulator's own plain ones (see the README).
import { createHash } from "node:crypto";
import { ApiError } from "./errors.js";
import type { NewAuditEvent } from "./audit-log.js";
import type { OrganizationStore } from "./store.js";

export type AuditTarget = "Group" | "Robot Account" | "User";
type Action = "Created" | "Invited" | "Updated" | "Deleted";

/** The source every event of the emulator has. */
export const AUDIT_SOURCE = "Identity";

/** An object a write names: its id when known, its name (users: user name or e-mail) when known. */
interface Named {
  id?: string | undefined;
  name?: string | undefined;
  /** For a write that failed for this object alone (an invitation), why. */
  failed?: string;
}

interface WriteRequest {
  params: Record<string, string>;
  /** The JSON body, when it parsed. */
  body: unknown;
}

interface WriteRule {
  target: AuditTarget;
  action: Action;
  /** The objects the request names, read before it runs. */
  named(req: WriteRequest): Named[];
  /** The objects a successful answer acted on, when the request alone cannot say (creates: the ids are the service's). */
  acted?(req: WriteRequest, answer: unknown, store: OrganizationStore): Named[];
}

const field = (value: unknown, key: string): unknown =>
  value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const ids = (value: unknown): Named[] => (Array.isArray(value) ? value.map((id) => ({ id: text(id) })) : [{}]);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const byParam =
  (name: string) =>
  (req: WriteRequest): Named[] => [{ id: req.params[name] }];

/** Every write the emulator audits. Writes that only read (`x-read-only`) are not here. */
export const AUDITED_WRITES: Readonly<Record<string, WriteRule>> = {
  createGroup: {
    target: "Group",
    action: "Created",
    named: (req) => [{ id: text(field(req.body, "id")), name: text(field(req.body, "name")) }],
    acted: (_req, answer) => [{ id: text(field(answer, "id")) }],
  },
  updateGroup: { target: "Group", action: "Updated", named: byParam("id") },
  deleteGroup: { target: "Group", action: "Deleted", named: byParam("groupId") },
  deleteGroups: { target: "Group", action: "Deleted", named: (req) => ids(field(req.body, "groupIDs")) },
  createRobotAccount: {
    target: "Robot Account",
    action: "Created",
    named: (req) => [{ name: text(field(req.body, "name")) }],
    acted: (_req, answer) => [{ id: text(field(answer, "id")) }],
  },
  updateRobotAccount: { target: "Robot Account", action: "Updated", named: byParam("id") },
  deleteRobotAccount: { target: "Robot Account", action: "Deleted", named: byParam("robotAccountId") },
  deleteRobotAccounts: { target: "Robot Account", action: "Deleted", named: (req) => ids(field(req.body, "robotAccountIDs")) },
  createUser: {
    target: "User",
    action: "Created",
    named: (req) => [{ id: text(field(req.body, "id")), name: text(field(req.body, "userName")) }],
    // The answer is an identity result without the user: find it by its user name.
    acted: (req, _answer, store) => [{ id: userIdByName(store, text(field(req.body, "userName"))) }],
  },
  createUsers: {
    target: "User",
    action: "Created",
    named: (req) => list(field(req.body, "users")).map((u) => ({ id: text(field(u, "id")), name: text(field(u, "userName")) })),
    acted: (_req, answer) => list(field(answer, "users")).map((u) => ({ id: text(field(u, "id")) })),
  },
  inviteUsers: {
    target: "User",
    action: "Invited",
    named: (req) => list(req.body).map((i) => ({ name: text(field(i, "email")) })),
    acted: (_req, answer) =>
      list(field(answer, "users")).map((u) =>
        field(u, "success") === true
          ? { id: text(field(u, "id")) }
          : { name: text(field(u, "email")), failed: text(field(u, "errorMsg")) ?? "The invitation failed." },
      ),
  },
  updateUser: { target: "User", action: "Updated", named: byParam("userId") },
  deleteUser: { target: "User", action: "Deleted", named: byParam("userId") },
  deleteUsers: { target: "User", action: "Deleted", named: (req) => ids(field(req.body, "userIds")) },
};

/** What an event's actor is: the token's user when it names one, else its external application. */
export interface Actor {
  clientId: string;
  userId?: string | undefined;
}

export interface WriteAudit {
  /** Records the events for the answer the write got (nothing for answers that are not the service's verdict). */
  finish(status: number, body: string): void;
}

/**
 * Starts auditing one request, after its token was accepted and before anything else looks at it;
 * undefined for an operation that is not an audited write.
 */
export function auditWrite(
  operationId: string,
  store: OrganizationStore,
  record: (events: NewAuditEvent[]) => void,
  request: { actor: Actor; params: Record<string, string>; bodyText: string; ipAddress: string | undefined; now: () => number },
): WriteAudit | undefined {
  const rule = AUDITED_WRITES[operationId];
  if (!rule) return undefined;
  const req: WriteRequest = { params: request.params, body: parse(request.bodyText) };
  const named = safely(() => rule.named(req));
  const before = new Map<string, ObjectState>();
  for (const n of named) {
    const state = n.id === undefined ? undefined : stateOf(store, rule.target, n.id);
    if (state) before.set(state.id, state);
  }
  const actor = actorOf(store, request.actor);
  return {
    finish(status, body) {
      // 401 names no actor, and 429 and 5xx are not the service's verdict on the write.
      if (status === 401 || status === 429 || status >= 500 || (status >= 300 && status < 400)) return;
      const createdOn = new Date(request.now()).toISOString();
      const event = (named: Named, ok: boolean, details: Record<string, unknown>, summary: string): NewAuditEvent => ({
        createdOn,
        ...actor,
        eventType: `${rule.target} ${rule.action}`,
        eventSource: AUDIT_SOURCE,
        eventTarget: rule.target,
        eventDetails: JSON.stringify({ ...identify(rule.target, named), ...details }),
        eventSummary: summary,
        status: ok ? 0 : 1,
        clientInfo: { ipAddress: request.ipAddress ?? null, ipCountry: null },
      });
      const verb = rule.action.toLowerCase();
      const failed = (n: Named, message: string) => {
        const known = (n.id !== undefined && before.get(n.id.toLowerCase())) || undefined;
        const who = known ? { id: known.id, name: known.name, email: known.email } : n;
        return event(who, false, { error: { status, message } }, `${label(rule.target, who)} not ${verb}: ${message}`);
      };
      if (status >= 400) {
        const message = errorMessage(body);
        record(named.map((n) => failed(n, message)));
        return;
      }
      const acted = rule.acted ? safely(() => rule.acted!(req, parse(body), store)) : named;
      const events: NewAuditEvent[] = [];
      for (const n of acted) {
        if (n.failed !== undefined) {
          events.push(failed(n, n.failed));
          continue;
        }
        const old = n.id === undefined ? undefined : before.get(n.id.toLowerCase());
        const now = n.id === undefined ? undefined : stateOf(store, rule.target, n.id);
        if (rule.action === "Deleted") {
          // An id that named nothing was ignored by the service: nothing changed, nothing to record.
          if (old) events.push(event(old, true, { deleted: old.state }, `${label(rule.target, old)} deleted`));
        } else if (rule.action === "Updated" && old && now) {
          const changes = diff(old.state, now.state);
          const what = Object.keys(changes).join(", ") || "no change";
          events.push(event(now, true, { changes }, `${label(rule.target, now)} updated (${what})`));
        } else if (now) {
          events.push(event(now, true, { created: now.state }, `${label(rule.target, now)} ${verb}`));
        }
      }
      record(events);
    },
  };
}

/** An object as the log describes it: its id and names, and the state its changes are measured on. */
interface ObjectState {
  id: string;
  name?: string | undefined;
  email?: string | undefined;
  state: Record<string, unknown>;
}

/**
 * The object's current state, or undefined when there is none. The one place that reads the
 * store's operations (by their current names), so a rename there is one edit here.
 */
function stateOf(store: OrganizationStore, target: AuditTarget, id: string): ObjectState | undefined {
  try {
    if (target === "Group") {
      const g = store.groups.get(id);
      const members = store.groups.listMembers(id, Number.MAX_SAFE_INTEGER, 0).results.map((m) => m.id);
      return { id: g.id, name: g.name ?? undefined, state: { name: g.name, memberIds: [...members].sort() } };
    }
    if (target === "Robot Account") {
      const r = store.robotAccounts.get(id);
      return {
        id: r.id,
        name: r.name ?? undefined,
        state: { name: r.name, displayName: r.displayName, groupIds: [...(r.groupIds ?? [])].sort() },
      };
    }
    const u = store.users.get(id);
    return {
      id: u.id,
      name: u.userName ?? undefined,
      email: u.email || undefined,
      state: {
        userName: u.userName,
        email: u.email,
        name: u.name,
        surname: u.surname,
        displayName: u.displayName,
        isActive: u.isActive,
        type: u.type,
        bypassBasicAuthRestriction: u.bypassBasicAuthRestriction,
        invitationAccepted: u.invitationAccepted,
        groupIds: [...(u.groupIDs ?? [])].sort(),
      },
    };
  } catch (e) {
    if (e instanceof ApiError) return undefined;
    throw e;
  }
}

function userIdByName(store: OrganizationStore, userName: string | undefined): string | undefined {
  if (userName === undefined) return undefined;
  const found = store.users.list({ searchTerm: userName, top: Number.MAX_SAFE_INTEGER, skip: 0 }).results ?? [];
  return found.find((u) => (u.userName ?? "").toLowerCase() === userName.toLowerCase())?.id;
}

function actorOf(store: OrganizationStore, actor: Actor): Pick<NewAuditEvent, "actorId" | "actorName" | "actorEmail"> {
  if (actor.userId !== undefined) {
    const user = stateOf(store, "User", actor.userId);
    return {
      actorId: actor.userId,
      actorName: (user?.state.displayName as string | null | undefined) ?? user?.name ?? actor.userId,
      actorEmail: user?.email ?? null,
    };
  }
  // The emulator's applications have no names of their own: the client id stands for one.
  return { actorId: actor.clientId, actorName: actor.clientId, actorEmail: null };
}

/** The fields that name the object in its details: `id`, and `name` (users: `userName` and `email`). */
function identify(target: AuditTarget, n: { id?: string | undefined; name?: string | undefined; email?: string | undefined }) {
  const out: Record<string, string> = {};
  if (n.id !== undefined) out.id = n.id;
  if (target === "User") {
    if (n.name !== undefined) out.userName = n.name;
    if (n.email !== undefined) out.email = n.email;
  } else if (n.name !== undefined) out.name = n.name;
  return out;
}

function label(target: AuditTarget, n: { id?: string | undefined; name?: string | undefined }): string {
  const name = n.name ?? n.id;
  return name === undefined ? target : `${target} '${name}'`;
}

/** What changed between two states: lists as added/removed, anything else as from/to. */
function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    const a = before[key];
    const b = after[key];
    if (Array.isArray(a) && Array.isArray(b)) {
      const added = b.filter((x) => !a.includes(x));
      const removed = a.filter((x) => !b.includes(x));
      if (added.length > 0 || removed.length > 0) out[key] = { added, removed };
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out[key] = { from: a ?? null, to: b ?? null };
    }
  }
  return out;
}

/** The service's own words from an error body of any of its shapes. */
function errorMessage(body: string): string {
  const value = parse(body);
  const detail = text(field(value, "detail")) ?? text(field(value, "errorMessage"));
  if (detail !== undefined) return detail.trim();
  const errors = field(value, "errors");
  if (Array.isArray(errors)) {
    const description = text(field(errors[0], "description"));
    if (description !== undefined) return description;
  } else if (errors && typeof errors === "object") {
    const [key, messages] = Object.entries(errors)[0] ?? [];
    const first = Array.isArray(messages) ? text(messages[0]) : undefined;
    if (first !== undefined) return key ? `${key}: ${first}` : first;
  }
  return text(field(value, "title")) ?? "The request was refused.";
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A rule's reading of a request it could not make sense of names one unknown object, rather than failing the request. */
function safely(read: () => Named[]): Named[] {
  try {
    const named = read();
    return named.length > 0 ? named : [{}];
  } catch {
    return [{}];
  }
}

// The sources tree: Identity's targets and event types. Ids are fixed GUIDs (the live ones are not
// published), the same on every run, so tests and examples can name them.
const TYPES: Record<AuditTarget | "Authentication", string[]> = {
  Authentication: ["User Login"],
  Group: ["Group Created", "Group Updated", "Group Deleted"],
  "Robot Account": ["Robot Account Created", "Robot Account Updated", "Robot Account Deleted"],
  User: ["User Created", "User Invited", "User Updated", "User Deleted"],
};

const FIXED_IDS: Record<string, string> = {
  Identity: "3d1f5a70-9c2e-4b8d-a6f1-0e7c2b9d4a10",
  Authentication: "3d1f5a70-9c2e-4b8d-a6f1-0e7c2b9d4a20",
  "User Login": "3d1f5a70-9c2e-4b8d-a6f1-0e7c2b9d4a21",
  Group: "3d1f5a70-9c2e-4b8d-a6f1-0e7c2b9d4a30",
  "Group Created": "3d1f5a70-9c2e-4b8d-a6f1-0e7c2b9d4a31",
  "Group Updated": "3d1f5a70-9c2e-4b8d-a6f1-0e7c2b9d4a32",
  "Group Deleted": "3d1f5a70-9c2e-4b8d-a6f1-0e7c2b9d4a33",
};

/** A fixed GUID per name: the ones the contract's examples show, else one derived from the name. */
function idOf(name: string): string {
  const known = FIXED_IDS[name];
  if (known) return known;
  const h = createHash("sha256").update(`uipath-identity-emulator audit ${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The tree `/api/query/sources` answers. */
export function auditSources() {
  return [
    {
      id: idOf(AUDIT_SOURCE),
      name: AUDIT_SOURCE,
      eventTargets: Object.entries(TYPES).map(([target, types]) => ({
        id: idOf(target),
        name: target,
        eventTypes: types.map((type) => ({ id: idOf(type), name: type })),
      })),
    },
  ];
}

/** The names (lower-cased) a filter value stands for: the name of the id it is, else the value as a name. */
export function auditNamesFor(value: string): string[] {
  const lower = value.toLowerCase();
  const all = [AUDIT_SOURCE, ...Object.keys(TYPES), ...Object.values(TYPES).flat()];
  const byId = all.find((name) => idOf(name) === lower);
  return [(byId ?? value).toLowerCase()];
}
