// The CLI side of an apply: the journal, Ctrl-C (the send gate closes), progress with an ETA from
// the limiter's schedule, the passes until the organization matches, and the closing line.
import type { IdentityClient } from "../../client/index.js";
import type { CliContext } from "../context.js";
import { CliFailure, describeFailure, EXIT } from "../failures.js";
import { createProgress } from "../progress.js";
import { isTransient, runToConvergence, type StepOutcome } from "./apply-run.js";
import { assertGuards } from "./guards.js";
import type { IdentityFile } from "./identity-file.js";
import { openJournal } from "./journal.js";
import { makePlan, type Planned } from "./planning.js";
import { requestSummary } from "./render.js";
import { methodOf, requestsByMethod } from "./steps.js";

/** Passes of apply at most, the first included: enough for 15% transient faults, bounded for a real outage. */
export const MAX_PASSES = 8;

export interface CarryOutOptions {
  file: IdentityFile;
  files: string[];
  concurrency: number;
  maxRemovals: number;
}

/** Carries the plan out; resolves with the exit code (0, or 130 after Ctrl-C), throws on failures. */
export async function carryOut(ctx: CliContext, pm: IdentityClient, planned: Planned, options: CarryOutOptions): Promise<number> {
  const { live } = planned;
  let total = planned.steps.length;
  const organization = { baseUrl: live.baseUrl, partitionGlobalId: live.partitionGlobalId };
  const journal = openJournal(ctx.io.env, { organization, files: options.files, requests: total });
  const gate = ctx.gate;
  const onSigint = () => {
    if (gate.closed) process.exit(EXIT.interrupted);
    gate.close();
    ctx.note("\nStopping: nothing more is sent; waiting only for requests already on the wire (Ctrl-C again to quit at once)...");
  };
  process.on("SIGINT", onSigint);
  const progress = createProgress(ctx, total, "Applying");
  const remaining = requestsByMethod(planned.steps);
  let done = 0;
  const message = (error: unknown) => describeFailure(error, { baseUrl: live.baseUrl }).message;
  try {
    const result = await runToConvergence(pm, planned.steps, {
      gate,
      concurrency: options.concurrency,
      maxPasses: MAX_PASSES,
      onDone: (outcome: StepOutcome) => {
        done += 1;
        const method = methodOf(outcome.step);
        remaining[method] = (remaining[method] ?? 1) - 1;
        journal.record({
          ok: outcome.ok,
          pass: outcome.pass,
          step: outcome.step.kind,
          what: outcome.detail,
          ...(outcome.error !== undefined && { error: message(outcome.error) }),
        });
        const line = outcome.ok
          ? outcome.detail
          : isTransient(outcome.error)
            ? `could not ${outcome.detail} yet (${message(outcome.error)}); a later pass tries again`
            : `FAILED to ${outcome.detail}: ${message(outcome.error)}`;
        // The schedule knows only this process's sends: 429s mean others spend the budget too.
        const shared = ctx.retries["429"] ? ` (+${ctx.retries["429"]} × 429 retried: the budget is shared)` : "";
        progress.advance(done, total, `${line}${shared}`, eta(pm, remaining));
      },
      onPass: (pass, steps, failures) => {
        // The new pass replaces whatever the last one left undone.
        total = done + steps.length;
        for (const key of Object.keys(remaining)) delete remaining[key];
        Object.assign(remaining, requestsByMethod(steps));
        journal.record({
          ok: true,
          step: "replan",
          what: `pass ${pass}: ${steps.length} request(s) left after ${failures.length} transient failure(s)`,
        });
        progress.advance(
          done,
          total,
          `${failures.length} request(s) failed for a passing reason; read the organization again: ${steps.length} left (pass ${pass} of at most ${MAX_PASSES})`,
          eta(pm, remaining),
        );
      },
      replan: async () => {
        const again = await makePlan(pm, options.file, { rateLimit: ctx.rateLimit() });
        assertGuards(again, options.maxRemovals);
        return again.steps;
      },
    });
    const retried = ctx.retries["429"]
      ? ` ${ctx.retries["429"]} request(s) met 429 (the budget is shared with others) and were retried.`
      : "";
    const counts = `${result.done} of ${total} requests done in ${result.passes} pass${result.passes === 1 ? "" : "es"}`;
    if (result.stopped) {
      journal.close("interrupted", {
        done: result.done,
        failed: result.permanent.length + result.transient.length,
        notSent: result.notSent,
      });
      progress.stop(`Interrupted: ${counts}; nothing was sent after Ctrl-C. Journal: ${journal.path}. Run apply again to finish.`);
      return EXIT.interrupted;
    }
    const failures = [...result.permanent, ...result.transient];
    if (failures.length > 0) {
      journal.close("failed", { done: result.done, failed: failures.length });
      const left = result.deferred > 0 ? ` ${result.deferred} more could not run before them.` : "";
      progress.stop(`${failures.length} request(s) failed (${counts}).${left}${retried} Journal: ${journal.path}`);
      const gaveUp = ` (still failing after ${result.passes} passes; run apply again later)`;
      throw new CliFailure(
        [
          ...result.permanent.map((f) => `${f.detail}: ${message(f.error)}`),
          ...result.transient.map((f) => `${f.detail}: ${message(f.error)}${gaveUp}`),
        ].join("\n"),
      );
    }
    journal.close("finished", { done: result.done, passes: result.passes });
    const s = planned.plan.summary;
    progress.stop(
      `Apply complete: ${s.add} added, ${s.change} changed, ${s.remove} removed (${requestSummary(ctx)}` +
        `${result.passes > 1 ? `; ${result.passes} passes` : ""}).${retried}`,
    );
    return EXIT.ok;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/** How long the rate limits still hold back the requests left, from the limiter's own schedule. */
function eta(pm: IdentityClient, remaining: Record<string, number>): number | undefined {
  // Phases run one after another, and each method has its own budget: the waits add up.
  let total = 0;
  for (const [method, count] of Object.entries(remaining)) {
    if (count <= 0) continue;
    const wait = pm.rateLimitDelayMs(method, count);
    if (wait === undefined) return undefined;
    total += wait;
  }
  return total;
}
