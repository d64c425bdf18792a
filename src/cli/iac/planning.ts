// Making a plan: read what the file needs, diff, name what the reads left as ids, and wrap the
// changes as the plan document every output renders. File problems come back all at once.
import { AUTOMATION_CLOUD_RATE_LIMITS, type IdentityClient, type RateLimitOptions } from "../../client/index.js";
import { isTransient } from "./apply-run.js";
import { attachDrift } from "./drift.js";
import { computePlan, needsFor, unnamedRemovals, type DiffOptions } from "./differ.js";
import { FileProblems, problemLines, type IdentityFile } from "./identity-file.js";
import { nameMembers, readLive, suggestUsers, type LiveState } from "./live.js";
import { offlineProblems } from "./offline-checks.js";
import { minimumDuration, PLAN_FORMAT_VERSION, summarize, type PlanDocument } from "./model.js";
import { requestsByMethod, type Step } from "./steps.js";

export interface Planned {
  live: LiveState;
  plan: PlanDocument;
  steps: Step[];
}

/** Automation Cloud's hosts: where a missing user is invited rather than created. */
export function isAutomationCloud(baseUrl: string): boolean {
  return /(^|\.)uipath\.(com|us)$/i.test(new URL(baseUrl).hostname);
}

/** The budgets the client paces by, as plain data for the plan (null: no limits). */
export function rateLimitsOf(rateLimit: RateLimitOptions | false | undefined): PlanDocument["rateLimits"] {
  if (rateLimit === false) return null;
  const budgets: Record<string, number> = {};
  for (const [m, n] of Object.entries({ ...AUTOMATION_CLOUD_RATE_LIMITS.budgets, ...(rateLimit?.budgets ?? {}) })) {
    if (typeof n === "number") budgets[m] = n;
  }
  return { windowMs: rateLimit?.windowMs ?? AUTOMATION_CLOUD_RATE_LIMITS.windowMs, budgets };
}

/** Reads made again, from the start, after a transient failure (a 500 on a GET is not retried by the client). */
export const PLAN_READ_ATTEMPTS = 3;

export interface PlanOptions {
  rateLimit: RateLimitOptions | false | undefined;
  newId?: () => string;
  /** Look up who last changed each object the plan changes back (the audit log). */
  drift?: boolean;
}

/** A plan, its reads repeated after a transient failure, a few times at most. */
export async function makePlan(pm: IdentityClient, file: IdentityFile, options: PlanOptions): Promise<Planned> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await planOnce(pm, file, options);
    } catch (error) {
      if (attempt >= PLAN_READ_ATTEMPTS || !isTransient(error)) throw error;
    }
  }
}

async function planOnce(pm: IdentityClient, file: IdentityFile, options: PlanOptions): Promise<Planned> {
  const live = await readLive(pm, (groups, robots) => needsFor(file, groups, robots));
  const diff: DiffOptions = { invite: isAutomationCloud(pm.baseUrl), ...(options.newId && { newId: options.newId }) };
  let computed = computePlan(file, live, diff);
  if (computed.problems.length > 0 && live.unknownNames.size > 0) {
    // Only on this error path: a search near each unknown name, for "did you mean".
    await suggestUsers(pm, live);
    computed = computePlan(file, live, diff);
  }
  // What is wrong without the organization (offline-checks) and with it, all at once.
  const problems = [...offlineProblems(file), ...computed.problems];
  if (problems.length > 0) throw new FileProblems(problemLines(problems));
  // Members an exclusive group would lose are known by id only when their group was read member
  // by member: name them (a plan of GUIDs is no plan a person can check), then plan again.
  if (unnamedRemovals(computed.changes) > 0) {
    const groups = computed.changes.filter((c) => c.resource === "group" && c.id !== undefined).map((c) => c.id as string);
    if (await nameMembers(pm, live, groups)) computed = computePlan(file, live, diff);
  }
  const requests = requestsByMethod(computed.steps);
  const rateLimits = rateLimitsOf(options.rateLimit);
  const plan: PlanDocument = {
    formatVersion: PLAN_FORMAT_VERSION,
    organization: { baseUrl: live.baseUrl, partitionGlobalId: live.partitionGlobalId },
    summary: summarize(computed.changes),
    requests,
    rateLimits,
    minimumDurationMs: minimumDuration(requests, rateLimits),
    changes: computed.changes,
    notes: computed.notes,
  };
  if (options.drift) {
    const note = await attachDrift(pm, plan);
    if (note) plan.notes.push(note);
  }
  return { live, plan, steps: computed.steps };
}
