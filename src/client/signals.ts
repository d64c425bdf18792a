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
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Settles like `promise`, unless `signal` aborts first (the promise keeps running for others). */
export function raceSignal<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
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
  /** Aborts this signal only (not the ones it follows); needs `own` when linking one signal. */
  abort(reason?: unknown): void;
  /** Stops following the given signals; call when the work is done. */
  dispose(): void;
}

/**
 * A signal that aborts when any of `signals` does, built from plain listeners: on Node 20,
 * AbortSignal.any costs more than the rest of a call's bookkeeping, and this is per request.
 */
export function linkSignals(signals: ReadonlyArray<AbortSignal | undefined>, own = false): LinkedSignal {
  // One signal and no abort of our own: follow it as is (each AbortController costs a few µs).
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (!own && present.length === 1) {
    const only = present[0] as AbortSignal;
    return { signal: only, abort: () => undefined, dispose: () => undefined };
  }
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
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => followed.forEach((s) => s.removeEventListener("abort", onAbort)),
  };
}
