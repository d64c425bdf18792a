// Starts a TypeScript file in a child node process (through tsx), reads the JSON lines it prints
// and writes lines to its stdin, so a benchmark can keep a server or a measured client out of its
// own process.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";

export interface Child<T> {
  /** The first JSON line the child printed. */
  first: T;
  /** Resolves with the next JSON line. */
  next(): Promise<unknown>;
  /** Writes one line to the child's stdin. */
  send(line: string): void;
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** A command the node process is started through, e.g. ["taskset", "-c", "1"]. */
  prefix?: string[];
  /** Added to this process's environment. */
  env?: Record<string, string>;
}

/**
 * Command prefixes that keep a server and its clients on different CPUs (the last one for the
 * server, the others for the clients), as if the server were another machine: otherwise the
 * clients' compiler and GC threads and the server take turns on the same CPUs, and a loopback
 * benchmark measures the scheduler. Empty where `taskset` or a second CPU is missing.
 */
export function cpuPins(): { server: string[]; clients: string[] } {
  const cpus = availableParallelism();
  if (!existsSync("/usr/bin/taskset") || cpus < 2) return { server: [], clients: [] };
  return { server: ["taskset", "-c", String(cpus - 1)], clients: ["taskset", "-c", `0-${cpus - 2}`] };
}

export async function startChild<T>(
  file: URL,
  args: string[] = [],
  nodeFlags: string[] = [],
  options: ChildOptions = {},
): Promise<Child<T>> {
  const [command, ...rest] = [...(options.prefix ?? []), process.execPath, ...nodeFlags, "--import", "tsx", file.pathname, ...args];
  const child: ChildProcess = spawn(command as string, rest, {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, ...options.env },
  });
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiters: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  let ended: Error | undefined;
  lines.on("line", (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(line);
    else queue.push(line);
  });
  child.on("exit", (code, signal) => {
    ended = new Error(`${file.pathname} exited (${code ?? signal}) before it answered`);
    for (const w of waiters.splice(0)) w.reject(ended);
  });
  const next = (): Promise<unknown> =>
    new Promise<string>((resolve, reject) => {
      const line = queue.shift();
      if (line !== undefined) resolve(line);
      else if (ended) reject(ended);
      else waiters.push({ resolve, reject });
    }).then((line) => JSON.parse(line) as unknown);
  const first = (await next()) as T;
  return {
    first,
    next,
    send: (line) => child.stdin!.write(`${line}\n`),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
