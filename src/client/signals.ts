// Abort-aware waiting, shared by the retry and rate-limit waits so both stop the moment the
// caller gives up.

/** Resolves after `ms`, or rejects with the signal's reason as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A signal that never aborts, for work nobody can cancel: shared, so such a call costs no
 * AbortController. Nothing needs to listen to it (raceSignal does not).
 */
export const NEVER_ABORTS: AbortSignal = new AbortController().signal;

/** Settles like `promise`, unless `signal` aborts first (the promise keeps running for others). */
export function raceSignal<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal || signal === NEVER_ABORTS) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

export interface LinkedSignal {
  signal: AbortSignal;
  /** Stops following the given signals; call when the work is done. */
  dispose(): void;
}

const NOTHING_TO_DISPOSE = (): void => undefined;

/**
 * A signal that aborts when any of `signals` does, built from plain listeners: on Node 20,
 * AbortSignal.any costs more than the rest of a call's bookkeeping, and this is per request.
 */
export function linkSignals(signals: ReadonlyArray<AbortSignal | undefined>): LinkedSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  // One signal: follow it as is (each AbortController costs a few µs on Node 20).
  if (present.length === 1) return { signal: present[0] as AbortSignal, dispose: NOTHING_TO_DISPOSE };
  const controller = new AbortController();
  const followed: AbortSignal[] = [];
  const onAbort = function (this: AbortSignal): void {
    controller.abort(this.reason);
  };
  for (const s of present) {
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    s.addEventListener("abort", onAbort, { once: true });
    followed.push(s);
  }
  return { signal: controller.signal, dispose: () => followed.forEach((s) => s.removeEventListener("abort", onAbort)) };
}
