// One soak worker: its own emulator (seeded faults), its own client, and a model. It runs a seeded
// sequence of operations one after another, so the order in which requests reach its emulator,
// and so the faults each one meets, repeat from run to run.
//
// How the model treats each outcome:
// - Success: the answer is checked against what was asked, then applied to the model.
// - A typed error (IdentityApiError) is counted by kind; the operation may or may not have acted
//   (a 500 or a dropped connection says nothing about it), so the worker reads the entity back
//   and accepts exactly one of the two states, "before" or "after". Anything else is a problem.
//   - group create: read by its (client-chosen) id; absent = not created.
//   - robot-account create: the client must not retry it once sent (the service picks the id),
//     so it is looked up by name: none = not created, one = created once, two = a duplicate.
//   - delete answering 404 after a retry: an earlier attempt deleted it; a 404 on the first
//     attempt is a problem (the model knows the entity exists).
// - A request that timed out may still be acted on later by the emulator (its `delay` fault
//   holds the request, then serves it). Before reconciling or moving on, the worker waits out
//   that hold, so no late request can land after the model has moved on.
import { startEmulator, type EmulatorHandle, type FaultOptions, type SeedData } from "../../../src/emulator/index.js";
import { createIdentityClient, IdentityApiError, type IdentityClient, type IdentityErrorKind } from "../../../src/client/index.js";
import { guid, ORG_ID } from "./ids.js";
import { canonicalModel, canonicalState, Model, type ModelGroup, type ModelRobot } from "./model.js";
import { seeded, type Random } from "./random.js";

export const USERS = Array.from({ length: 8 }, (_, i) => guid(0xaaaa, i + 1));
const BUILT_IN = [guid(0xbbbb, 1), guid(0xbbbb, 2)];

export const SEED: SeedData = {
  users: USERS.map((identifier, i) => ({ objectType: "DirectoryUser", source: "local", identifier, name: `user${i + 1}` })),
  groups: [
    { id: BUILT_IN[0] as string, name: "Administrators", type: 0 },
    { id: BUILT_IN[1] as string, name: "Everyone", type: 0 },
  ],
  robotAccounts: [],
};

export interface SoakSettings {
  worker: number;
  operations: number;
  faultRate: number;
  /** How long a `delay` fault holds a request; longer than the client's timeout. */
  delayMs: number;
  timeoutMs: number;
  /** When given, one line per response or failed send is appended (for debugging a run). */
  trace?: string[];
}

export interface WorkerReport {
  operations: number;
  succeeded: number;
  /** Typed errors the caller saw, by kind. */
  errors: Partial<Record<IdentityErrorKind, number>>;
  /** Failed operations whose effect was then established by reading back. */
  reconciled: Record<string, number>;
  /** Retries the client made, by reason. */
  retries: Record<string, number>;
  /** Anything that broke an invariant; must stay empty. */
  problems: string[];
  /** The emulator's final state and the model, in comparable form. */
  finalState: ReturnType<typeof canonicalState>;
  finalModel: ReturnType<typeof canonicalModel>;
}

const NOT_FOUND = Symbol("not found");
type Outcome<T> = { ok: true; value: T } | { ok: false; error: IdentityApiError };

const sameSet = (a: Iterable<string>, b: Iterable<string>): boolean => {
  const x = [...a].map((s) => s.toLowerCase()).sort();
  const y = [...b].map((s) => s.toLowerCase()).sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

export interface PreparedWorker {
  /** Sends one harmless request per operation so the emulator compiles its validators now. */
  warm(): Promise<void>;
  run(): Promise<WorkerReport>;
  /** Closes the emulator (also done by run; safe to call again). */
  close(): Promise<void>;
}

/**
 * Starts the worker's emulator (compiling its validator blocks the event loop for a while, so all
 * workers are prepared before any of them sends: a stall would otherwise time out other workers'
 * requests at random and make the run less repeatable).
 */
export async function prepareWorker(s: SoakSettings): Promise<PreparedWorker> {
  const faults: FaultOptions = {
    seed: 7000 + s.worker,
    rate: s.faultRate,
    kinds: ["429", "500", "503", "drop", "delay"],
    delayMs: s.delayMs,
  };
  const emulator: EmulatorHandle = await startEmulator({ seed: SEED, rateLimit: false, faults });
  const report: WorkerReport = {
    operations: 0,
    succeeded: 0,
    errors: {},
    reconciled: {},
    retries: {},
    problems: [],
    finalState: { groups: [], robots: [] },
    finalModel: { groups: [], robots: [] },
  };
  let lateRisk = false;
  const client: IdentityClient = createIdentityClient({
    baseUrl: emulator.baseUrl(),
    partitionGlobalId: ORG_ID,
    credentials: { clientId: "emulator-demo-client", clientSecret: "emulator-demo-secret" },
    rateLimit: false,
    timeoutMs: s.timeoutMs,
    retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200 },
    onResponse: (e) => {
      s.trace?.push(`${e.method} ${new URL(e.url).pathname} #${e.attempt} ${e.status ?? e.error} ${e.durationMs}ms`);
      if (e.error === "timeout") lateRisk = true;
    },
    onRetry: (e) => {
      report.retries[String(e.reason)] = (report.retries[String(e.reason)] ?? 0) + 1;
    },
  });
  const rnd: Random = seeded(1000 + s.worker);
  const model = new Model();
  for (const g of SEED.groups ?? []) model.groups.set(g.id, { id: g.id, name: String(g.name), builtIn: true, members: new Set() });
  const problem = (text: string): void => {
    report.problems.push(`worker ${s.worker}: ${text}`);
  };
  const reconciled = (what: string): void => {
    report.reconciled[what] = (report.reconciled[what] ?? 0) + 1;
  };

  /** Runs one operation; only a typed error may come out of it. */
  async function attempt<T>(op: () => Promise<T>): Promise<Outcome<T>> {
    try {
      const value = await op();
      report.succeeded++;
      return { ok: true, value };
    } catch (error) {
      if (!(error instanceof IdentityApiError)) throw error;
      report.errors[error.kind] = (report.errors[error.kind] ?? 0) + 1;
      return { ok: false, error };
    } finally {
      report.operations++;
      // A timed-out request may still be served later: let it land before anything else happens.
      if (lateRisk) {
        await new Promise((resolve) => setTimeout(resolve, s.delayMs + 150));
        lateRisk = false;
      }
    }
  }

  /** A read for reconciling, repeated until it gives a definite answer. */
  async function settle<T>(read: () => Promise<T>): Promise<T | typeof NOT_FOUND> {
    for (let i = 0; i < 10; i++) {
      try {
        return await read();
      } catch (error) {
        if (!(error instanceof IdentityApiError)) throw error;
        if (error.kind === "not_found") return NOT_FOUND;
      } finally {
        if (lateRisk) {
          await new Promise((resolve) => setTimeout(resolve, s.delayMs + 150));
          lateRisk = false;
        }
      }
    }
    throw new Error(`worker ${s.worker}: a read kept failing`);
  }

  async function createGroup(n: number): Promise<void> {
    const id = guid(0x1000 + s.worker, n);
    const name = `soak-${s.worker}-g${n}`;
    const members = rnd.subset(USERS, 0.3);
    const r = await attempt(() => client.groups.create({ id, name, memberIds: members }));
    if (r.ok) {
      if (r.value.id !== id || r.value.name !== name) problem(`group create answered ${r.value.id} ${r.value.name}`);
      model.addGroupFrom(r.value);
      return;
    }
    const found = await settle(() => client.groups.get(id));
    if (found === NOT_FOUND) return reconciled("group create: not created");
    if (
      found.name !== name ||
      !sameSet(
        (found.members ?? []).map((m) => m.identifier ?? ""),
        members,
      )
    )
      problem(`group ${id} differs from its create`);
    model.addGroupFrom(found);
    reconciled("group create: created");
  }

  async function updateGroup(g: ModelGroup): Promise<void> {
    const add = rnd.subset(
      USERS.filter((u) => !g.members.has(u)),
      0.3,
    );
    const remove = rnd.subset([...g.members], 0.3);
    if (add.length === 0 && remove.length === 0) add.push(rnd.pick(USERS));
    const before = new Set(g.members);
    const after = new Set([...before, ...add].filter((u) => !remove.includes(u)));
    const r = await attempt(() => client.groups.update(g.id, { name: g.name, addMemberIds: add, removeMemberIds: remove }));
    if (r.ok) {
      if (
        !sameSet(
          (r.value.members ?? []).map((m) => m.identifier ?? ""),
          after,
        )
      )
        problem(`group ${g.id} update answered other members`);
      g.members = after;
      return;
    }
    const found = await settle(() => client.groups.get(g.id));
    if (found === NOT_FOUND) return problem(`group ${g.id} vanished during an update`);
    const now = (found.members ?? []).map((m) => m.identifier ?? "");
    if (sameSet(now, after)) {
      g.members = after;
      reconciled("group update: applied");
    } else if (sameSet(now, before)) reconciled("group update: not applied");
    else problem(`group ${g.id} members are neither before nor after the update`);
  }

  async function deleteEntity(kind: "group" | "robot", id: string): Promise<void> {
    const remove = (): void => {
      if (kind === "group") model.deleteGroup(id);
      else model.robots.delete(id);
    };
    const r = await attempt(() => (kind === "group" ? client.groups.delete(id) : client.robotAccounts.delete(id)));
    if (r.ok) return remove();
    if (r.error.kind === "not_found") {
      if (r.error.attempts > 1) {
        remove();
        return reconciled(`${kind} delete: 404 after a retry`);
      }
      return problem(`${kind} ${id} answered 404 on the first delete`);
    }
    const found = await settle<unknown>(() => (kind === "group" ? client.groups.get(id) : client.robotAccounts.get(id)));
    if (found === NOT_FOUND) {
      remove();
      reconciled(`${kind} delete: deleted`);
    } else reconciled(`${kind} delete: not deleted`);
  }

  async function createRobot(n: number): Promise<void> {
    const name = `soak-${s.worker}-r${n}`;
    const displayName = rnd.next() < 0.5 ? `Robot ${n}` : undefined;
    const groups = rnd
      .subset(
        model.customGroups().map((g) => g.id),
        0.3,
      )
      .slice(0, 2);
    const r = await attempt(() => client.robotAccounts.create({ name, ...(displayName && { displayName }), groupIds: groups }));
    if (r.ok) {
      if (r.value.name !== name || !sameSet(r.value.groupIds ?? [], groups)) problem(`robot create answered ${r.value.name}`);
      model.addRobotFrom(r.value);
      return;
    }
    const listed = await settle(() => client.robotAccounts.list({ search: name }, { pageSize: 100 }).toArray());
    if (listed === NOT_FOUND) return problem("robot list answered 404");
    const same = listed.filter((x) => x.name === name);
    if (same.length === 0) return reconciled("robot create: not created");
    if (same.length > 1) return problem(`robot ${name} was created ${same.length} times`);
    const robot = same[0]!;
    if (!sameSet(robot.groupIds ?? [], groups) || robot.displayName !== (displayName ?? name))
      problem(`robot ${name} differs from its create`);
    model.addRobotFrom(robot);
    reconciled("robot create: created");
  }

  async function updateRobot(robot: ModelRobot, n: number): Promise<void> {
    const custom = model.customGroups().map((g) => g.id);
    const add = rnd
      .subset(
        custom.filter((g) => !robot.groups.has(g)),
        0.3,
      )
      .slice(0, 2);
    const remove = rnd.subset([...robot.groups], 0.4);
    let displayName = rnd.next() < 0.3 ? `Robot ${n} renamed` : undefined;
    if (add.length === 0 && remove.length === 0 && displayName === undefined) displayName = `Robot ${n} renamed`;
    const before = { groups: new Set(robot.groups), displayName: robot.displayName };
    const after = {
      groups: new Set([...before.groups, ...add].filter((g) => !remove.includes(g))),
      displayName: displayName ?? robot.displayName,
    };
    const r = await attempt(() =>
      client.robotAccounts.update(robot.id, {
        ...(displayName !== undefined && { displayName }),
        addToGroupIds: add,
        removeFromGroupIds: remove,
      }),
    );
    const matches = (x: { groupIds?: string[] | null; displayName?: string | null }, want: typeof after) =>
      sameSet(x.groupIds ?? [], want.groups) && x.displayName === want.displayName;
    if (r.ok) {
      if (!matches(r.value, after)) problem(`robot ${robot.id} update answered another state`);
      robot.groups = after.groups;
      robot.displayName = after.displayName;
      return;
    }
    const found = await settle(() => client.robotAccounts.get(robot.id));
    if (found === NOT_FOUND) return problem(`robot ${robot.id} vanished during an update`);
    if (matches(found, after)) {
      robot.groups = after.groups;
      robot.displayName = after.displayName;
      reconciled("robot update: applied");
    } else if (matches(found, before)) reconciled("robot update: not applied");
    else problem(`robot ${robot.id} is neither before nor after the update`);
  }

  async function listAndCompare(n: number): Promise<void> {
    if (n % 2 === 0) {
      const r = await attempt(() => client.robotAccounts.list({}, { pageSize: 25 }).toArray());
      if (!r.ok) return;
      const seen = r.value.map((x) => `${x.id}|${x.name}|${x.displayName}|${[...(x.groupIds ?? [])].sort().join(",")}`).sort();
      const want = [...model.robots.values()].map((x) => `${x.id}|${x.name}|${x.displayName}|${[...x.groups].sort().join(",")}`).sort();
      if (JSON.stringify(seen) !== JSON.stringify(want)) problem(`robot list at op ${n} differs from the model`);
    } else {
      const r = await attempt(() => client.groups.list());
      if (!r.ok) return;
      const seen = r.value.map((g) => `${g.id}|${g.name}`).sort();
      const want = [...model.groups.values()].map((g) => `${g.id}|${g.name}`).sort();
      if (JSON.stringify(seen) !== JSON.stringify(want)) problem(`group list at op ${n} differs from the model`);
    }
  }

  const run = async (): Promise<WorkerReport> => {
    try {
      for (let n = 1; n <= s.operations; n++) {
        const roll = rnd.next();
        const custom = model.customGroups();
        const robots = [...model.robots.values()];
        if (roll < 0.12 || (roll < 0.32 && custom.length === 0)) await createGroup(n);
        else if (roll < 0.27) await updateGroup(rnd.pick(custom));
        else if (roll < 0.32) await deleteEntity("group", rnd.pick(custom).id);
        else if (roll < 0.52 || (roll < 0.8 && robots.length === 0)) await createRobot(n);
        else if (roll < 0.7) await updateRobot(rnd.pick(robots), n);
        else if (roll < 0.8) await deleteEntity("robot", rnd.pick(robots).id);
        else await listAndCompare(n);
      }
      report.finalState = canonicalState(emulator.state());
      report.finalModel = canonicalModel(model);
      return report;
    } finally {
      await emulator.close();
    }
  };
  return { warm: () => warmUp(emulator), run, close: () => emulator.close() };
}

/**
 * The emulator compiles each operation's schemas on first use, which blocks the event loop. Done
 * for 40 emulators in the middle of the soak, those pauses would time out other workers' requests
 * at random; so every operation is touched first with a request that changes nothing (a read, or
 * a write whose body fails validation). These requests meet faults too, in a fixed order.
 */
async function warmUp(emulator: EmulatorHandle): Promise<void> {
  const token = emulator.issueToken({ scopes: ["PM.Group", "PM.RobotAccount"] });
  const unknown = guid(0xeeee, 1);
  const requests: Array<[string, string, unknown?]> = [
    ["GET", `/api/Group/${ORG_ID}`],
    ["GET", `/api/Group/${ORG_ID}/${unknown}`],
    ["GET", `/api/Group/${ORG_ID}/${unknown}/Members?top=1&skip=0`],
    ["GET", `/api/RobotAccount/${ORG_ID}?top=1&skip=0&searchTerm=x`],
    ["GET", `/api/RobotAccount/${ORG_ID}/${unknown}`],
    ["POST", "/api/Group", {}],
    ["POST", "/api/RobotAccount", {}],
    ["PUT", `/api/Group/${unknown}`, {}],
    ["PUT", `/api/RobotAccount/${unknown}`, {}],
    ["DELETE", `/api/Group/${ORG_ID}`, {}],
    ["DELETE", `/api/RobotAccount/${ORG_ID}`, {}],
    ["DELETE", `/api/Group/${ORG_ID}/${unknown}`],
    ["DELETE", `/api/RobotAccount/${ORG_ID}/${unknown}`],
  ];
  for (const [method, path, body] of requests) {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } };
    if (body !== undefined) init.body = JSON.stringify(body);
    try {
      const res = await fetch(emulator.baseUrl() + path, init);
      await res.arrayBuffer();
      if (res.status < 400 && method !== "GET") throw new Error(`warm-up ${method} ${path} changed something (${res.status})`);
    } catch (error) {
      // An injected dropped connection is expected here ("fetch failed"; checked by name, as
      // under Jest the error comes from another realm); anything else is a real failure.
      if ((error as Error | undefined)?.name !== "TypeError") throw error;
    }
  }
}

export async function runWorker(s: SoakSettings): Promise<WorkerReport> {
  return (await prepareWorker(s)).run();
}
