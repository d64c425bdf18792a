// Per-attempt timeouts without a timer for every attempt. Attempts that start within the same
// short slice and share a timeout share one deadline: one timer, firing at the slice's end plus
// the timeout, so every attempt gets at least its full timeout and at most a slice more (2% of
// it, 10 ms at most). Attempts that follow no caller share their group's AbortController, up to
// SHARED_BY each, unless what they hand on is still being read after they settle (a streamed
// body): they time out together anyway, and a signal fewer per call saves several µs of CPU and
// garbage (benchmark 1, Node 20 and 24). The cap bounds undici's bookkeeping per signal (it counts
// and adds a listener per fetch, which linger until garbage collection; past 1,500 Node warns of
// a leak). An attempt that follows a caller gets its own, so a caller's abort stops only its
// attempt. A timeout of 0 means none: the signal then follows the caller only.

/** How an attempt ended without a value. */
export type DeadlineOutcome = "aborted" | "timeout" | "failed";

export class DeadlineError extends Error {
  constructor(
    readonly outcome: DeadlineOutcome,
    cause: unknown,
  ) {
    super(outcome, { cause });
  }
}

/** How long a group stays open to new attempts: 2% of the timeout, at most 10 ms. */
const sliceFor = (ms: number): number => Math.min(10, ms / 50);

/** How many attempts share one AbortController. */
const SHARED_BY = 100;

export class Deadlines {
  /** The open group per timeout length. */
  readonly #open = new Map<number, Group>();

  readonly #now: () => number;

  /** `now`: the clock that decides which slice an attempt starts in (tests fix it). */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Runs `work(signal, context)` with a signal that aborts with a TimeoutError once `ms` have
   * passed (up to a slice more), or when `caller` aborts (`ms` 0: no timeout, only the caller).
   * Settles the moment either happens even if `work` ignores the signal (Node 20's fetch can lose
   * the link to a signal once its Request is garbage-collected). Rejects with a DeadlineError
   * saying which way it ended. `shared`: the signal may be shared with other attempts of the same
   * deadline, which abort it together when they time out (not for work that hands on something
   * still reading after it settles, such as a streamed body).
   */
  run<T, C>(
    caller: AbortSignal | undefined,
    ms: number,
    work: (signal: AbortSignal, context: C) => Promise<T>,
    context: C,
    shared = false,
  ): Promise<T> {
    if (caller?.aborted) return Promise.reject(new DeadlineError("aborted", caller.reason));
    let group: Group | undefined;
    if (ms > 0) {
      const now = this.#now();
      group = this.#open.get(ms);
      if (group === undefined || now >= group.closesAt) {
        group = new Group(now + sliceFor(ms), ms, now);
        this.#open.set(ms, group);
      }
    }
    const joined = group;
    const signal = shared && caller === undefined ? group?.sharedSignal() : undefined;
    return new Promise<T>((resolve, reject) => new Attempt<T>(joined, caller, signal, resolve, reject).start(work, context));
  }
}

// Plain fields rather than #private ones on these internal classes: each private field costs an
// extra definition step per object, and these are made on every call.
class Group {
  readonly attempts = new Set<Attempt<unknown>>();
  readonly timer: ReturnType<typeof setTimeout>;
  /** The controllers this group's sharing attempts use, the last one still taking more. */
  readonly shared: AbortController[] = [];
  sharers = 0;

  constructor(
    readonly closesAt: number,
    readonly ms: number,
    now: number,
  ) {
    this.timer = setTimeout(expire, closesAt - now + ms, this as Group);
    // Referenced only while an attempt waits on it, so an idle client never holds the process open.
    // (Node's timers can be unreferenced; a browser's are plain numbers and hold nothing open.)
    (this.timer as Partial<NodeJS.Timeout>).unref?.();
  }

  sharedSignal(): AbortSignal {
    if (this.sharers++ % SHARED_BY === 0) this.shared.push(new AbortController());
    return (this.shared[this.shared.length - 1] as AbortController).signal;
  }

  join(attempt: Attempt<unknown>): void {
    this.attempts.add(attempt);
    if (this.attempts.size === 1) (this.timer as Partial<NodeJS.Timeout>).ref?.();
  }

  leave(attempt: Attempt<unknown>): void {
    this.attempts.delete(attempt);
    if (this.attempts.size > 0) return;
    (this.timer as Partial<NodeJS.Timeout>).unref?.();
    // Closed and empty: nothing can join or time out any more.
    if (Date.now() >= this.closesAt) clearTimeout(this.timer);
  }
}

function expire(group: Group): void {
  if (group.attempts.size === 0) return;
  const reason = new DOMException(`timed out after ${group.ms} ms`, "TimeoutError");
  for (const attempt of [...group.attempts]) attempt.end("timeout", reason);
  // Those that settled before share the signal too; what they handed on was read in full.
  for (const controller of group.shared) controller.abort(reason);
}

// A class rather than closures: its handlers are shared methods, so an attempt allocates little
// beyond itself.
class Attempt<T> {
  /** Its own, unless it shares its group's (see Group.sharedSignal). */
  readonly controller: AbortController | undefined;
  readonly signal: AbortSignal;
  settled = false;

  constructor(
    /** None when there is no timeout, only a caller to follow. */
    readonly group: Group | undefined,
    readonly caller: AbortSignal | undefined,
    shared: AbortSignal | undefined,
    readonly resolve: (value: T) => void,
    readonly reject: (error: DeadlineError) => void,
  ) {
    if (shared === undefined) this.controller = new AbortController();
    this.signal = shared ?? (this.controller as AbortController).signal;
  }

  start<C>(work: (signal: AbortSignal, context: C) => Promise<T>, context: C): void {
    this.caller?.addEventListener("abort", this);
    this.group?.join(this as Attempt<unknown>);
    let running: Promise<T>;
    try {
      running = work(this.signal, context);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (value) => {
        if (this.finish()) this.resolve(value);
      },
      (error: unknown) => {
        if (this.finish()) this.reject(new DeadlineError(this.caller?.aborted ? "aborted" : "failed", error));
      },
    );
  }

  /** The caller aborted (EventTarget calls handleEvent on a listener object). */
  handleEvent(): void {
    this.end("aborted", this.caller?.reason);
  }

  end(outcome: DeadlineOutcome, reason: unknown): void {
    if (!this.finish()) return;
    // A shared controller is aborted by its group, once all its attempts have ended.
    this.controller?.abort(reason);
    this.reject(new DeadlineError(outcome, reason));
  }

  finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.group?.leave(this as Attempt<unknown>);
    this.caller?.removeEventListener("abort", this);
    return true;
  }
}
