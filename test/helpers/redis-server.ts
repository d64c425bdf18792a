// Throwaway redis-server processes for the shared-budget tests and benchmark: loopback only, a free
// port per server, no persistence, stopped by their own process id. Debian's redis-server is
// installed by scripts/ensure-redis.mjs (run before `npm test`); without it this fails, never skips.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { freePort } from "./prism.js";

export { freePort };

export const REDIS_SERVER = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:PORT */
  url: string;
  /** Stops the server (its data is gone: no persistence). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty, as after a crash without persistence. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers, as in a network partition. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
}

function launch(port: number, extraArgs: string[]): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      if (output.includes("Ready to accept connections")) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGCONT"); // a paused server would not act on SIGTERM
    child.kill("SIGTERM");
  });
}

/** Starts a redis-server on a free loopback port; `extraArgs` adds settings such as `--requirepass`. */
export async function startRedis(extraArgs: string[] = []): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(
      `No redis-server at ${REDIS_SERVER}. Run \`node scripts/ensure-redis.mjs\` as root on Debian (npm test does), ` +
        "or install Redis 7 and set REDIS_SERVER to its redis-server.",
    );
  }
  let port = 0;
  let child: ChildProcess | undefined;
  // Another process may take the probed port before redis-server binds it: try a few.
  for (let tries = 0; !child; tries++) {
    port = await freePort();
    try {
      child = await launch(port, extraArgs);
    } catch (error) {
      if (tries >= 4) throw error;
    }
  }
  let current: ChildProcess = child;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopChild(current),
    async restart() {
      await stopChild(current);
      current = await launch(port, extraArgs);
    },
    pause: () => void current.kill("SIGSTOP"),
    resume: () => void current.kill("SIGCONT"),
  };
}
