// A real HTTP server on 127.0.0.1 (OS-chosen port) whose answers a test scripts request by
// request, recording what arrived. Used where the emulator cannot be told exactly what to answer.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface Arrival {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Script = (arrival: Arrival, res: ServerResponse) => void;

export interface ScriptedServer {
  origin: string;
  arrivals: Arrival[];
  /** Replaces the answering function (between property runs). */
  script(next: Script): void;
  close(): Promise<void>;
}

export async function startScripted(initial: Script): Promise<ScriptedServer> {
  let current = initial;
  const arrivals: Arrival[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const arrival = { method: req.method ?? "", path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      arrivals.push(arrival);
      try {
        current(arrival, res);
      } catch (error) {
        // A broken script must fail loudly, not hang the client.
        if (!res.headersSent) reply(res, 599, { scriptError: String(error) });
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    arrivals,
    script: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function reply(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json", ...headers }).end(text);
}

/** Closes the connection without answering. */
export function drop(res: ServerResponse): void {
  res.socket?.destroy();
}
