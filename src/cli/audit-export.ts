// Writing an audit export so that it is all or nothing, and, with a checkpoint, incremental and
// exactly once across runs: no event missed, none written twice, also when several events share a
// timestamp and when a run dies at any point.
//
// The output is written to a temporary file beside it and renamed into place only when complete
// (a rename within one folder is atomic), so a reader never sees half an export. The checkpoint
// records what the exports so far hold: the newest `createdOn` exported (the mark) and the ids of
// the events exported at or after mark minus the overlap. The next run asks from mark minus the
// overlap, so events that share the mark's timestamp, or arrive late by up to the overlap, are
// asked for again, and skips the ids it already wrote.
//
// A run commits in three steps: (1) the checkpoint is rewritten with the new state as *pending*,
// naming the temporary file; (2) the temporary file is renamed to the output; (3) the checkpoint
// is rewritten with the new state alone. Whichever step a run dies in, the next one knows what
// happened: no pending state means (1) never happened and the old state holds; a pending state
// whose temporary file still exists means (2) never happened, so the old state holds and the
// file is removed; a pending state whose temporary file is gone means (2) happened, so the new
// state holds. The rename is the moment of truth, and the checkpoint says on which side of it the
// run was. A lock file (with the process id) keeps two runs off one checkpoint; a lock left by a
// process that no longer exists is taken over.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CliFailure, UsageError } from "./failures.js";
import { instantNs, isoOfNs } from "./times.js";

/**
 * How far before the mark each run asks again, unless a new checkpoint is given another: events
 * that share the mark's timestamp, or reach the audit log a little late, are then not missed.
 */
export const DEFAULT_OVERLAP_MS = 5 * 60_000;

export interface CheckpointState {
  /** The newest `createdOn` exported so far, as the service wrote it; null before the first export. */
  mark: string | null;
  /** `[createdOn, id]` of the events exported at or after mark minus the overlap. */
  recent: Array<[string, string]>;
}

interface CheckpointFile {
  /** Which tool wrote it, and the format's version. */
  kind: "uipath-identity audit export checkpoint";
  version: 1;
  /** The selection the exports cover; another selection needs another checkpoint. */
  filters: unknown;
  /** How far before the mark each run asks again, in milliseconds. */
  overlapMs: number;
  state: CheckpointState;
  pending?: { temp: string; out: string; state: CheckpointState };
}

/** What opening a checkpoint found about the run before, when it had died while committing. */
export type Recovery = { outcome: "committed" | "rolled back"; out: string } | undefined;

/** Test hooks between the commit steps (a hook that throws leaves the files as a crash there would). */
export interface CommitHooks {
  afterPending?(): void;
  afterRename?(): void;
}

export class ExportCheckpoint {
  private constructor(
    readonly path: string,
    private readonly file: CheckpointFile,
    private readonly lock: string,
    /** The file existed before this run (so the mark, not --from, decides where to start). */
    readonly existed: boolean,
    readonly recovery: Recovery,
  ) {}

  /**
   * Locks and reads the checkpoint, finishing or undoing a commit a dead run left halfway. A new
   * checkpoint takes `filters` and `overlapMs`; an existing one must have been made with the same.
   */
  static open(path: string, filters: unknown, overlapMs: number | undefined, pid: number = process.pid): ExportCheckpoint {
    const lock = `${path}.lock`;
    takeLock(lock, pid);
    try {
      let file: CheckpointFile;
      const existed = existsSync(path);
      if (existed) file = readCheckpoint(path);
      else
        file = {
          kind: "uipath-identity audit export checkpoint",
          version: 1,
          filters,
          overlapMs: overlapMs ?? DEFAULT_OVERLAP_MS,
          state: { mark: null, recent: [] },
        };
      if (JSON.stringify(file.filters) !== JSON.stringify(filters)) {
        throw new UsageError(
          `The checkpoint ${path} was made for other filters (${JSON.stringify(file.filters)}): use another checkpoint file for these`,
        );
      }
      if (overlapMs !== undefined && overlapMs !== file.overlapMs) {
        throw new UsageError(
          `The checkpoint ${path} was made with an overlap of ${file.overlapMs / 1000} s; leave --overlap out, or use a new checkpoint`,
        );
      }
      let recovery: Recovery;
      if (file.pending) {
        const { temp, out, state } = file.pending;
        if (existsSync(temp)) {
          // Step (2) never happened: the output does not hold those events.
          rmSync(temp, { force: true });
          recovery = { outcome: "rolled back", out };
        } else {
          file.state = state;
          recovery = { outcome: "committed", out };
        }
        delete file.pending;
        writeAtomically(path, JSON.stringify(file, null, 2));
      }
      return new ExportCheckpoint(path, file, lock, existed, recovery);
    } catch (error) {
      rmSync(lock, { force: true });
      throw error;
    }
  }

  get state(): CheckpointState {
    return this.file.state;
  }

  /** Where the next export starts: the mark minus the overlap; undefined before the first export. */
  startFrom(): string | undefined {
    const mark = this.file.state.mark === null ? undefined : instantNs(this.file.state.mark);
    return mark === undefined ? undefined : isoOfNs(mark - BigInt(this.file.overlapMs) * 1_000_000n);
  }

  /** A test for "not exported yet" over the events a run reads. */
  isNew(): (event: { id: string; createdOn: string }) => boolean {
    const seen = new Set(this.file.state.recent.map(([, id]) => id));
    const mark = this.file.state.mark === null ? undefined : instantNs(this.file.state.mark);
    const floor = mark === undefined ? undefined : mark - BigInt(this.file.overlapMs) * 1_000_000n;
    return (event) => {
      if (seen.has(event.id)) return false;
      const at = instantNs(event.createdOn);
      // Older than the window the checkpoint tracks: an earlier run covered that time.
      return floor === undefined || at === undefined || at >= floor;
    };
  }

  /** The state after also exporting these events. */
  next(exported: Array<{ id: string; createdOn: string }>): CheckpointState {
    const all: Array<[string, string]> = [...this.file.state.recent, ...exported.map((e): [string, string] => [e.createdOn, e.id])];
    let mark = this.file.state.mark;
    let markNs = mark === null ? undefined : instantNs(mark);
    for (const [createdOn] of all) {
      const at = instantNs(createdOn);
      if (at !== undefined && (markNs === undefined || at > markNs)) {
        mark = createdOn;
        markNs = at;
      }
    }
    const floor = markNs === undefined ? undefined : markNs - BigInt(this.file.overlapMs) * 1_000_000n;
    const recent = all.filter(([createdOn]) => floor === undefined || (instantNs(createdOn) ?? floor) >= floor);
    return { mark, recent };
  }

  /** Renames the finished temporary file to the output and records the new state, in the three steps above. */
  commit(temp: string, out: string, state: CheckpointState, hooks: CommitHooks = {}): void {
    writeAtomically(this.path, JSON.stringify({ ...this.file, pending: { temp, out, state } }, null, 2));
    hooks.afterPending?.();
    renameSync(temp, out);
    hooks.afterRename?.();
    this.file.state = state;
    writeAtomically(this.path, JSON.stringify(this.file, null, 2));
  }

  release(): void {
    rmSync(this.lock, { force: true });
  }
}

/** The temporary file an output is written to first: beside it, so that the rename is atomic, and hidden. */
export function temporaryPathFor(out: string): string {
  return join(dirname(out), `.${basename(out)}.partial`);
}

/** An output file written a chunk at a time, synced to disk before it is closed. */
export class PartialFile {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w", 0o600);
  }

  write(text: string): void {
    if (text !== "") writeSync(this.fd, text);
  }

  /** Flushed to disk and closed: ready to be renamed into place. */
  finish(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
  }

  /** Closed and removed, after a failure. */
  discard(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed by finish().
    }
    rmSync(this.path, { force: true });
  }
}

/** Writes a file whole or not at all: a synced sibling renamed over it. */
function writeAtomically(path: string, text: string): void {
  const next = `${path}.next`;
  const fd = openSync(next, "w", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(next, path);
}

function readCheckpoint(path: string): CheckpointFile {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`The checkpoint ${path} cannot be read (${(error as Error).message}); move it away to start a new one`);
  }
  const file = value as Partial<CheckpointFile> | null;
  if (
    !file ||
    file.kind !== "uipath-identity audit export checkpoint" ||
    file.version !== 1 ||
    !file.state ||
    !Array.isArray(file.state.recent)
  ) {
    throw new UsageError(`${path} is not a checkpoint of uipath-identity audit export; name another file, or move it away`);
  }
  return file as CheckpointFile;
}

function takeLock(lock: string, pid: number): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx", 0o600);
      writeSync(fd, String(pid));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number(readFileSync(lock, "utf8").trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== pid && alive(holder)) {
      throw new CliFailure(`Another export with this checkpoint is running (process ${holder}); if it is not, delete ${lock}`);
    }
    // Left by a run that died: take it over.
    rmSync(lock, { force: true });
  }
  throw new CliFailure(`Cannot lock ${lock}: another run keeps taking it`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
