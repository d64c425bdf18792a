// Stopping without sending: the CLI's client sends through this gate. Work run through `run` is
// tracked (AsyncLocalStorage follows it through the client's waits); once the gate closes (Ctrl-C),
// every unit not on the wire is aborted at once (waits for the rate limiter, for a retry, for a
// token end now), a unit on the wire gets its answer and is aborted as soon as it waits for
// anything else, and nothing is sent any more. Only requests already sent are waited for. Requests
// go out through node-http.ts.
import { AsyncLocalStorage } from "node:async_hooks";
import type { FetchWithInit } from "../client/index.js";
import { nodeHttpFetch } from "./node-http.js";

interface Unit {
  controller: AbortController;
  onWire: number;
}

/** The reason units end with once the gate closes. */
export class StopRequested extends Error {
  override readonly name = "StopRequested";
  constructor() {
    super("stopped before sending (Ctrl-C)");
  }
}

export class SendGate {
  #closed = false;
  readonly #units = new AsyncLocalStorage<Unit>();
  readonly #running = new Set<Unit>();

  get closed(): boolean {
    return this.#closed;
  }

  /** The client's `fetchWithInit`. */
  readonly fetch: FetchWithInit = async (input, init) => {
    if (this.#closed) throw new StopRequested();
    const unit = this.#units.getStore();
    if (!unit) return nodeHttpFetch(input, init);
    unit.onWire += 1;
    try {
      const response = await nodeHttpFetch(input, init);
      if (response.body === null) return response;
      // The answer is read whole while the unit counts as on the wire, so a stop never cuts it off.
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } finally {
      unit.onWire -= 1;
      // Once the answer has reached the caller (the rest of this turn), whatever the unit waits
      // for next (a retry, the rate limiter) ends at once.
      if (this.#closed) setImmediate(() => unit.onWire === 0 && unit.controller.abort(new StopRequested()));
    }
  };

  /** Runs one unit of work with the signal to give its calls. */
  async run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.#closed) throw new StopRequested();
    const unit: Unit = { controller: new AbortController(), onWire: 0 };
    this.#running.add(unit);
    try {
      return await this.#units.run(unit, () => work(unit.controller.signal));
    } finally {
      this.#running.delete(unit);
    }
  }

  /** Stops: aborts what waits, lets what is on the wire answer, sends nothing more. */
  close(): void {
    this.#closed = true;
    for (const unit of this.#running) if (unit.onWire === 0) unit.controller.abort(new StopRequested());
  }
}

/** Whether an error means the gate stopped the work before it sent anything more. */
export function stoppedByGate(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof StopRequested) return true;
  }
  return false;
}
