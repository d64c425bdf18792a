// Carrying a plan out until the organization matches the file: phase by phase, several requests in
// flight, paced by the client's rate limiter. After a pass with transient failures (5xx, dropped
// connections, timeouts, 429s past the retries, an object changed meanwhile) the organization is
// read again and what is left is planned and carried out, a bounded number of times, the way a
// controller reconciles: a create whose answer was lost is found by its name on the re-read, so
// nothing is made twice. Permanent failures (400, 401, 403) are not repeated. Ctrl-C closes the
// send gate: nothing more is sent, only what is on the wire is awaited.
import { IdentityApiError, type IdentityClient } from "../../client/index.js";
import type { SendGate } from "../send-gate.js";
import { stoppedByGate } from "../send-gate.js";
import { byPhase, describeStep, runStep, type Step } from "./steps.js";

export interface StepOutcome {
  step: Step;
  ok: boolean;
  /** What was made or changed, or what the step would have done. */
  detail: string;
  error?: unknown;
  /** The pass the step ran in (1 for the plan as made). */
  pass: number;
}

export interface RunResult {
  /** Every step that went through, in all passes. */
  done: number;
  /** Failures no further pass can mend (400, 401, 403, ...), once each. */
  permanent: StepOutcome[];
  /** Transient failures of the last pass, when the passes ran out. */
  transient: StepOutcome[];
  /** Steps not sent because of a stop request. */
  notSent: number;
  /** Steps of the last pass left for a pass that never came (they needed a step that failed). */
  deferred: number;
  stopped: boolean;
  passes: number;
}

export interface RunOptions {
  gate: SendGate;
  /** Requests in flight at once; the limiter still decides when each may go. */
  concurrency: number;
  /** At most this many passes, the first included. */
  maxPasses: number;
  onDone(outcome: StepOutcome): void;
  /** A new pass starts: the steps it will run (for the progress total), and why. */
  onPass?(pass: number, steps: Step[], failures: StepOutcome[]): void;
  /** Reads the organization again and plans what is left. */
  replan(): Promise<Step[]>;
}

/** Failures a later pass may mend: the service or the network failed, or the object changed meanwhile. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof IdentityApiError)) return false;
  return ["server", "network", "timeout", "rate_limited", "not_found", "conflict"].includes(error.kind);
}

/** Which object a step acts on, so a step that failed for good is not tried again in a later pass. */
function stepKey(step: Step): string {
  switch (step.kind) {
    case "createUsers":
    case "inviteUsers":
      return `${step.kind}:${step.users.map((u) => u.email.toLowerCase()).join(",")}`;
    case "deleteGroups":
    case "deleteRobotAccounts":
    case "deleteUsers":
      return `${step.kind}:${step.ids.join(",")}`;
    case "updateUser":
      return `${step.kind}:${step.email.toLowerCase()}`;
    case "createGroup":
    case "createRobotAccount":
      return `${step.kind}:${step.name.toLowerCase()}`;
    default:
      return `${step.kind}:${step.id}`;
  }
}

export async function runToConvergence(pm: IdentityClient, first: Step[], options: RunOptions): Promise<RunResult> {
  const result: RunResult = { done: 0, permanent: [], transient: [], notSent: 0, deferred: 0, stopped: false, passes: 0 };
  const failedForGood = new Set<string>();
  let steps = first;
  for (let pass = 1; ; pass++) {
    result.passes = pass;
    const outcome = await runPass(pm, steps, pass, options);
    result.done += outcome.done;
    result.notSent += outcome.notSent;
    for (const f of outcome.failed.filter((f) => !isTransient(f.error))) {
      result.permanent.push(f);
      failedForGood.add(stepKey(f.step));
    }
    const transient = outcome.failed.filter((f) => isTransient(f.error));
    if (options.gate.closed) {
      result.stopped = true;
      result.transient = transient;
      return result;
    }
    if (transient.length === 0) return result;
    if (pass >= options.maxPasses) {
      result.transient = transient;
      result.deferred = outcome.deferred;
      return result;
    }
    const next = await replanWithRetries(options, pass);
    if (next === undefined) {
      result.transient = transient;
      result.deferred = outcome.deferred;
      return result;
    }
    steps = next.filter((s) => !failedForGood.has(stepKey(s)));
    if (steps.length === 0) return result;
    options.onPass?.(pass + 1, steps, transient);
  }
}

/** Re-reading can meet the same transient faults; each read failure costs one of the passes left. */
async function replanWithRetries(options: RunOptions, pass: number): Promise<Step[] | undefined> {
  for (let p = pass; p < options.maxPasses; p++) {
    if (options.gate.closed) return undefined;
    try {
      return await options.replan();
    } catch (error) {
      if (!isTransient(error) || options.gate.closed) throw error;
    }
  }
  return undefined;
}

async function runPass(
  pm: IdentityClient,
  steps: Step[],
  pass: number,
  options: RunOptions,
): Promise<{ done: number; failed: StepOutcome[]; notSent: number; deferred: number }> {
  const out = { done: 0, failed: [] as StepOutcome[], notSent: 0, deferred: 0 };
  const phases = byPhase(steps);
  for (let i = 0; i < phases.length; i++) {
    const queue = [...phases[i]!];
    const worker = async (): Promise<void> => {
      for (let step = queue.shift(); step; step = queue.shift()) {
        if (options.gate.closed) {
          out.notSent += 1 + queue.length;
          queue.length = 0;
          return;
        }
        let outcome: StepOutcome;
        try {
          const detail = await options.gate.run((signal) => runStep(pm, step, { signal }));
          outcome = { step, ok: true, detail, pass };
          out.done += 1;
        } catch (error) {
          if (stoppedByGate(error)) {
            out.notSent += 1;
            continue;
          }
          outcome = { step, ok: false, detail: describeStep(step), error, pass };
          out.failed.push(outcome);
        }
        options.onDone(outcome);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, worker));
    const later = phases.slice(i + 1).reduce((n, p) => n + p.length, 0);
    if (options.gate.closed) {
      out.notSent += later;
      break;
    }
    // Later phases build on this one (a robot account joins a group made here): after a transient
    // failure they wait for the next pass, planned from what the organization then holds.
    if (out.failed.some((f) => isTransient(f.error))) {
      out.deferred = later;
      break;
    }
  }
  return out;
}
