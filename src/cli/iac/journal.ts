// A record of each apply under $XDG_STATE_HOME: one JSON line per finished request, written as it
// finishes, so an interrupted run leaves behind exactly what it did. The next apply re-plans from
// the live organization (which is what makes it safe), and names the unfinished run it follows.
// Ids and names only: no secret, token or request body ever goes in.
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stateDir } from "../connection.js";
import type { Io } from "../io.js";

export interface JournalHeader {
  organization: { baseUrl: string; partitionGlobalId: string };
  files: string[];
  requests: number;
}

export interface Journal {
  readonly path: string;
  record(entry: Record<string, unknown>): void;
  close(status: "finished" | "interrupted" | "failed", summary: Record<string, unknown>): void;
}

export function journalDir(env: Io["env"]): string {
  return join(stateDir(env), "journal");
}

export function openJournal(env: Io["env"], header: JournalHeader, now: Date = new Date()): Journal {
  const dir = journalDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `apply-${now.toISOString().replace(/[:.]/g, "-")}-${process.pid}.jsonl`);
  const write = (entry: Record<string, unknown>) =>
    appendFileSync(path, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`, { mode: 0o600 });
  write({ event: "started", ...header });
  return {
    path,
    record: (entry) => write({ event: "done", ...entry }),
    close: (status, summary) => write({ event: status, ...summary }),
  };
}

/** The newest journal of this organization, when its run did not finish. */
export function lastUnfinished(env: Io["env"], partitionGlobalId: string): { path: string; done: number; requests: number } | undefined {
  let files: string[];
  try {
    files = readdirSync(journalDir(env))
      .filter((f) => f.endsWith(".jsonl"))
      .sort();
  } catch {
    // No journal directory yet: nothing ran before.
    return undefined;
  }
  for (const file of files.reverse()) {
    const path = join(journalDir(env), file);
    const lines = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const header = lines[0] as { organization?: { partitionGlobalId?: string }; requests?: number } | undefined;
    if (header?.organization?.partitionGlobalId !== partitionGlobalId) continue;
    const last = lines.at(-1)?.event;
    if (last === "finished") return undefined;
    return { path, done: lines.filter((l) => l.event === "done" && l.ok === true).length, requests: header.requests ?? 0 };
  }
  return undefined;
}
