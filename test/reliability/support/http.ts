// The reliability suite's scripted server: the shared test HTTP server (real, on 127.0.0.1, OS-chosen
// port, recording what arrived) with an answering function that a test can swap between runs.
import type { ServerResponse } from "node:http";
import { reset, send, startServer, type Recorded } from "../../helpers/http-server.js";

export type Arrival = Recorded;
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
  const server = await startServer((arrival, res) => current(arrival, res));
  return {
    origin: server.origin,
    arrivals: server.requests,
    script: (next) => {
      current = next;
    },
    close: () => server.close(),
  };
}

/** Answers with a JSON (or, for a string, plain-text) body. */
export const reply = send;
/** Closes the connection without answering. */
export const drop = reset;
