// Carrying a plan out: phase by phase (groups before the robot accounts and users that join them,
// member changes next, deletes last), several requests in flight, paced by the client's rate
// limiter. A stop request (Ctrl-C) starts nothing new and lets what is in flight finish, so every
// request either happened and is recorded or never left.
import type { IdentityClient } from "../../client/index.js";
import { STEP_METHOD, STEP_PHASE, type Step } from "./plan.js";

export interface StepOutcome {
  step: Step;
  ok: boolean;
  /** What was made or changed, for the progress line and the journal. */
  detail: string;
  error?: unknown;
}

export interface ExecuteOptions {
  /** Requests in flight at once; the limiter still decides when each may go. */
  concurrency?: number;
  /** Polled before each new request: true once the person asked to stop. */
  stopRequested(): boolean;
  onStart?(step: Step): void;
  onDone(outcome: StepOutcome): void;
}

export interface ExecuteResult {
  done: number;
  failed: StepOutcome[];
  /** Steps never started because of a stop request. */
  skipped: number;
}

export async function execute(pm: IdentityClient, steps: Step[], options: ExecuteOptions): Promise<ExecuteResult> {
  const concurrency = options.concurrency ?? 8;
  const result: ExecuteResult = { done: 0, failed: [], skipped: 0 };
  const phases = [...new Set(steps.map((s) => STEP_PHASE[s.kind]))].sort((a, b) => a - b);
  for (const phase of phases) {
    const queue = steps.filter((s) => STEP_PHASE[s.kind] === phase);
    const worker = async (): Promise<void> => {
      for (let step = queue.shift(); step; step = queue.shift()) {
        if (options.stopRequested()) {
          result.skipped += 1 + queue.length;
          queue.length = 0;
          return;
        }
        options.onStart?.(step);
        let outcome: StepOutcome;
        try {
          outcome = { step, ok: true, detail: await run(pm, step) };
          result.done += 1;
        } catch (error) {
          outcome = { step, ok: false, detail: describe(step), error };
          result.failed.push(outcome);
        }
        options.onDone(outcome);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    if (options.stopRequested()) {
      result.skipped += steps.filter((s) => STEP_PHASE[s.kind] > phase).length;
      break;
    }
  }
  return result;
}

/** One step, one request. Returns what it did, in words. */
async function run(pm: IdentityClient, step: Step): Promise<string> {
  switch (step.kind) {
    case "createGroup": {
      const group = await pm.groups.create({ id: step.id, name: step.name, memberIds: step.memberIds });
      return `created group ${group.name}`;
    }
    case "createRobot": {
      const robot = await pm.robotAccounts.create({
        name: step.name,
        ...(step.displayName !== undefined && { displayName: step.displayName }),
        ...(step.groupIds.length > 0 && { groupIds: step.groupIds }),
      });
      return `created robot account ${robot.name}`;
    }
    case "createUsers": {
      const users = await pm.users.createMany({ users: step.users, ...(step.groupIds.length > 0 && { groupIds: step.groupIds }) });
      return `created ${users.length} user(s)`;
    }
    case "updateGroup":
      await pm.groups.update(step.id, {
        name: step.name,
        ...(step.add.length > 0 && { addMemberIds: step.add }),
        ...(step.remove.length > 0 && { removeMemberIds: step.remove }),
      });
      return `changed the members of ${step.name} (+${step.add.length} -${step.remove.length})`;
    case "updateRobot":
      await pm.robotAccounts.update(step.id, {
        ...(step.displayName !== undefined && { displayName: step.displayName }),
        ...(step.add.length > 0 && { addToGroupIds: step.add }),
        ...(step.remove.length > 0 && { removeFromGroupIds: step.remove }),
      });
      return `changed robot account ${step.name}`;
    case "updateUser":
      await pm.users.update(step.id, {
        ...(step.name !== undefined && { name: step.name }),
        ...(step.surname !== undefined && { surname: step.surname }),
      });
      return `changed user ${step.email}`;
    case "deleteGroups":
      await pm.groups.deleteMany(step.ids);
      return `deleted group(s) ${step.names.join(", ")}`;
    case "deleteRobots":
      await pm.robotAccounts.deleteMany(step.ids);
      return `deleted robot account(s) ${step.names.join(", ")}`;
  }
}

/** A step in words, before it ran. */
export function describe(step: Step): string {
  switch (step.kind) {
    case "createGroup":
      return `create group ${step.name}`;
    case "createRobot":
      return `create robot account ${step.name}`;
    case "createUsers":
      return `create ${step.users.length} user(s)`;
    case "updateGroup":
      return `change the members of ${step.name}`;
    case "updateRobot":
      return `change robot account ${step.name}`;
    case "updateUser":
      return `change user ${step.email}`;
    case "deleteGroups":
      return `delete group(s) ${step.names.join(", ")}`;
    case "deleteRobots":
      return `delete robot account(s) ${step.names.join(", ")}`;
  }
}

/** The request a step sends, as `METHOD path` (for --dry-run). */
export function requestLine(step: Step, partitionGlobalId: string): string {
  const method = STEP_METHOD[step.kind];
  switch (step.kind) {
    case "createGroup":
      return `${method} /api/Group (${step.name}, ${step.memberIds.length} member(s))`;
    case "createRobot":
      return `${method} /api/RobotAccount (${step.name}, ${step.groupIds.length} group(s))`;
    case "createUsers":
      return `${method} /api/User/BulkCreate (${step.users.length} user(s))`;
    case "updateGroup":
      return `${method} /api/Group/${step.id} (${step.name}: +${step.add.length} -${step.remove.length})`;
    case "updateRobot":
      return `${method} /api/RobotAccount/${step.id} (${step.name})`;
    case "updateUser":
      return `${method} /api/User/${step.id} (${step.email})`;
    case "deleteGroups":
      return `${method} /api/Group/${partitionGlobalId} (${step.ids.length} group(s))`;
    case "deleteRobots":
      return `${method} /api/RobotAccount/${partitionGlobalId} (${step.ids.length} robot account(s))`;
  }
}
