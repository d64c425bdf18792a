// Benchmark 1 on loopback, variant against variant: a worker process per variant, all warmed up,
// then short blocks of calls taking turns, so that every variant meets the same moments of a
// shared machine. On this machine (2 vCPUs under KVM) the time a loopback call takes wanders by a
// third within seconds (BENCHMARKS.md, benchmark 1, "Alternating blocks"): batches measured one
// after another, seconds apart, cannot tell 5% apart; blocks a few dozen ms apart can. Several
// sets of processes per variant, so that no one process's luck decides a result.
import { cpuPins, startChild, type Child } from "./child.js";
import { sleep } from "./stats.js";

export interface Contender {
  label: string;
  /** A variant of bench/overhead.ts. */
  variant: string;
  /** Added to the worker's environment (BENCH_CLIENT_ROOT: measure another checkout). */
  env?: Record<string, string>;
}

export interface Phase {
  /** Blocks per contender per set. */
  rounds: number;
  /** Calls per block. */
  calls: number;
  /** How long the server holds each answer (PUT /bench/delay-ms on the minimal server). */
  delayMs: number;
}

/** Seconds per call, wall and the worker's own CPU. */
export interface Timing {
  wall: number;
  cpu: number;
}

export interface PhaseResult {
  /** Over every block of every set: total time over total calls. */
  total: Map<string, Timing>;
  /** The same per set, in the order the sets ran. */
  perSet: Map<string, Timing[]>;
}

/** What a worker (./overhead-worker.ts) answers for each block of calls it is sent. */
export interface Block {
  secondsPerCall: number;
  cpuSecondsPerCall: number;
}

async function setDelay(origin: string, ms: number): Promise<void> {
  const answer = await fetch(`${origin}/bench/delay-ms`, { method: "PUT", body: String(ms) });
  if (answer.status !== 204) throw new Error(`the server did not take the delay (${answer.status})`);
}

/** 0..n-1 in random order (Fisher–Yates). */
function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** A pause before each block. */
const PAUSE_MS = 5;

/**
 * Calls each worker makes, in unrecorded blocks taking turns, before any block counts. A worker
 * that sat idle while the others warmed up (20 s or more for the first of seven) has had V8's
 * memory reducer run, and its next thousand or so calls cost three to four times the CPU
 * (BENCHMARKS.md, benchmark 1, "Alternating blocks").
 */
const SETTLE_CALLS = 2_000;

/**
 * Runs `phases` against the minimal server at `origin` in `sets` sets of one warmed-up worker per
 * contender, once every worker has settled (SETTLE_CALLS). In each round every contender runs one
 * block, in a random order: with a fixed one, each contender would mostly follow the same others,
 * and a block pays for what the block before it left running.
 */
export async function interleave(
  origin: string,
  contenders: readonly Contender[],
  sets: number,
  phases: readonly Phase[],
): Promise<PhaseResult[]> {
  const sums = phases.map(() => contenders.map(() => [] as Array<{ wall: number; cpu: number; calls: number }>));
  const prefix = cpuPins().clients;
  for (let set = 0; set < sets; set++) {
    const workers: Array<Child<unknown>> = [];
    try {
      // One at a time (each answers once warmed up, so warm-ups do not compete for the CPU), in a
      // random order, so that no contender is always the one that waits longest for the others.
      for (const i of shuffled(contenders.length)) {
        const c = contenders[i]!;
        workers[i] = await startChild(new URL("./overhead-worker.ts", import.meta.url), ["--variant", c.variant, "--origin", origin], [], {
          prefix,
          ...(c.env && { env: c.env }),
        });
      }
      const runRounds = async (phase: Phase, rounds: number, record?: (i: number, block: Block) => void) => {
        for (let r = 0; r < rounds; r++) {
          for (const i of shuffled(contenders.length)) {
            // What the last block left running (its collector's and compiler's threads) ends first.
            await sleep(PAUSE_MS);
            workers[i]!.send(String(phase.calls));
            const block = (await workers[i]!.next()) as Block;
            record?.(i, block);
          }
        }
      };
      for (const [p, phase] of phases.entries()) {
        await setDelay(origin, phase.delayMs);
        if (p === 0) await runRounds(phase, Math.ceil(SETTLE_CALLS / phase.calls));
        const acc = contenders.map(() => ({ wall: 0, cpu: 0, calls: 0 }));
        await runRounds(phase, phase.rounds, (i, block) => {
          acc[i]!.wall += block.secondsPerCall * phase.calls;
          acc[i]!.cpu += block.cpuSecondsPerCall * phase.calls;
          acc[i]!.calls += phase.calls;
        });
        acc.forEach((a, i) => sums[p]![i]!.push(a));
      }
      await setDelay(origin, 0);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  }
  return sums.map((byContender) => {
    const perSet = new Map(
      contenders.map((c, i) => [c.label, byContender[i]!.map((a) => ({ wall: a.wall / a.calls, cpu: a.cpu / a.calls }))]),
    );
    const total = new Map(
      contenders.map((c, i) => {
        const all = byContender[i]!;
        const calls = all.reduce((n, a) => n + a.calls, 0);
        return [c.label, { wall: all.reduce((n, a) => n + a.wall, 0) / calls, cpu: all.reduce((n, a) => n + a.cpu, 0) / calls }];
      }),
    );
    return { total, perSet };
  });
}
