// Seeded fault injection: the same seed and request order give the same faults, so a flaky-looking
// run can be repeated exactly.
import type { FaultKind, FaultOptions } from "./options.js";

/** Every kind; `lose` only when asked for, since a lost answer to a write leaves the caller to find out what happened. */
export const ALL_FAULTS: FaultKind[] = ["429", "500", "503", "drop", "delay"];
const KNOWN: FaultKind[] = [...ALL_FAULTS, "lose"];

export class FaultInjector {
  private state: number;
  private readonly kinds: FaultKind[];

  constructor(private readonly options: FaultOptions) {
    if (!(options.rate >= 0 && options.rate <= 1)) throw new Error("faults.rate must be between 0 and 1");
    this.kinds = options.kinds && options.kinds.length > 0 ? options.kinds : ALL_FAULTS;
    const unknown = this.kinds.find((k) => !KNOWN.includes(k));
    if (unknown) throw new Error(`Unknown fault kind '${unknown}'`);
    this.state = options.seed >>> 0;
  }

  get delayMs(): number {
    return this.options.delayMs ?? 200;
  }

  /** Decides the next request's fault, or undefined for none. */
  next(): FaultKind | undefined {
    const roll = this.random();
    const pick = this.random();
    if (roll >= this.options.rate) return undefined;
    return this.kinds[Math.floor(pick * this.kinds.length)];
  }

  // mulberry32: tiny, fast and good enough to spread faults evenly.
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
