// Starts Stoplight Prism (the pinned 5.14.2 binary, run directly so killing it leaves no child
// behind) as a mock or as a validating proxy, on a free port, and stops it again.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const PRISM = fileURLToPath(new URL("../../node_modules/.bin/prism", import.meta.url));
export const BUNDLED_DOCUMENT = fileURLToPath(new URL("../../generated/openapi.json", import.meta.url));

export interface PrismOptions {
  /** "proxy" forwards to `upstream` and checks both directions; "mock" answers from the document's examples. */
  mode: "proxy" | "mock";
  upstream?: string;
  document?: string;
  /** Turn violations into error responses (`--errors`); on by default. */
  errors?: boolean;
  /** How long Prism may take to start before the test fails with its output; generous, as a busy machine is slow. */
  startupTimeoutMs?: number;
}

export interface PrismServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Everything Prism printed, for assertions on its violation log. */
  output(): string;
  close(): Promise<void>;
}

/** Asks the OS for a free port (released just before Prism binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPrism(options: PrismOptions): Promise<PrismServer> {
  const port = await freePort();
  const args = [options.mode, options.document ?? BUNDLED_DOCUMENT];
  if (options.mode === "proxy") {
    if (!options.upstream) throw new Error("A Prism proxy needs an upstream URL");
    args.push(options.upstream);
  }
  args.push("--port", String(port), "--host", "127.0.0.1");
  if (options.errors ?? true) args.push("--errors");
  const child: ChildProcess = spawn(PRISM, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`Prism did not start within ${options.startupTimeoutMs ?? 300_000} ms:\n${output}`)),
      options.startupTimeoutMs ?? 300_000,
    );
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes("Prism is listening")) {
        clearTimeout(timer);
        resolve();
      }
    };
    function fail(e: Error) {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(e);
    }
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => fail(new Error(`Prism exited with ${code} before listening:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
