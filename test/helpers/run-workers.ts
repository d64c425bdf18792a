// Starts several shared-budget-worker.ts processes, lets them all start at once, and collects what
// each sent. Each must also exit by itself: one kept alive (by a Redis socket, say) fails the run.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { WorkerConfig, WorkerResult } from "./shared-budget-worker.js";

const WORKER = new URL("./shared-budget-worker.ts", import.meta.url).pathname;

export interface WorkersRun {
  results: WorkerResult[];
  /** From the start signal to the last result. */
  elapsedMs: number;
}

interface Running {
  ready: Promise<void>;
  result: Promise<WorkerResult>;
  exited: Promise<void>;
  start(): void;
  kill(): void;
}

function startWorker(config: WorkerConfig, exitWithinMs: number): Running {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, JSON.stringify(config)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const answers: Array<(line: string) => void> = [];
  lines.on("line", (line) => answers.shift()?.(line));
  let failed: (error: Error) => void = () => undefined;
  const died = new Promise<never>((_, reject) => (failed = reject));
  died.catch(() => undefined);
  let ended = false;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      ended = true;
      // Matters only to a line still awaited: the worker died before it answered.
      failed(new Error(`worker ${child.pid} exited (${code ?? signal}) before it finished`));
      resolve();
    }),
  );
  const nextLine = (): Promise<string> => Promise.race([new Promise<string>((resolve) => answers.push(resolve)), died]);
  const ready = nextLine().then(() => undefined);
  const result = ready.then(async () => JSON.parse(await nextLine()) as WorkerResult);
  return {
    ready,
    result,
    exited: result.then(async () => {
      const timer = setTimeout(() => child.kill("SIGKILL"), exitWithinMs);
      await exited;
      clearTimeout(timer);
      if (child.signalCode === "SIGKILL") throw new Error(`worker ${child.pid} did not exit within ${exitWithinMs} ms of finishing`);
    }),
    start: () => child.stdin.end("go\n"),
    kill: () => {
      if (!ended) child.kill("SIGKILL");
    },
  };
}

/** Runs one worker per config, started together once all are ready. */
export async function runWorkers(configs: WorkerConfig[], exitWithinMs = 60_000): Promise<WorkersRun> {
  const workers = configs.map((c) => startWorker(c, exitWithinMs));
  try {
    await Promise.all(workers.map((w) => w.ready));
    const started = performance.now();
    for (const w of workers) w.start();
    const results = await Promise.all(workers.map((w) => w.result));
    const elapsedMs = performance.now() - started;
    await Promise.all(workers.map((w) => w.exited));
    return { results, elapsedMs };
  } finally {
    for (const w of workers) w.kill();
  }
}
