// A saved plan (`plan --out`): the plan document every output shows, plus what `apply PLAN` needs
// to carry out exactly that plan (the steps, with the ids chosen at plan time) and to refuse it
// once stale (a fingerprint of what it was computed from). Names and ids only: no secret ever.
import { readFileSync, writeFileSync } from "node:fs";
import { UsageError } from "../failures.js";
import type { IdentityFile } from "./identity-file.js";
import { PLAN_FORMAT_VERSION, type PlanDocument } from "./model.js";
import type { Step } from "./steps.js";

export interface SavedPlan extends PlanDocument {
  saved: {
    createdAt: string;
    files: IdentityFile["sources"];
    /** What the plan was computed against; apply refuses the plan once the organization differs. */
    fingerprint: string;
    desired: IdentityFile;
    steps: Step[];
  };
}

export function writePlan(path: string, plan: SavedPlan): void {
  // Mode 0600: a plan names the organization's people, which is nobody else's business.
  writeFileSync(path, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
}

export function readPlan(path: string): SavedPlan {
  let saved: Partial<SavedPlan>;
  try {
    saved = JSON.parse(readFileSync(path, "utf8")) as Partial<SavedPlan>;
  } catch (error) {
    const reason = error instanceof SyntaxError ? "it is not JSON" : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    throw new UsageError(`Cannot read the plan ${path}: ${reason}`);
  }
  if (typeof saved !== "object" || saved === null || saved.saved === undefined) {
    throw new UsageError(`${path} is not a plan saved by uipath-identity plan --out`);
  }
  if (saved.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new UsageError(
      `${path} is a plan of format ${String(saved.formatVersion)}; this uipath-identity reads format ${PLAN_FORMAT_VERSION}. Run plan again.`,
    );
  }
  return saved as SavedPlan;
}
