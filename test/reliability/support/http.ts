// The reliability suite's scripted servers, on the shared test HTTP server (real, on 127.0.0.1,
// OS-chosen port, recording what arrived): one with an answering function a test can swap, and one
// that keeps each property run apart from every other (its own token, script and arrivals).
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

/** One property run: the token its client sends, and the requests that carried it. */
export interface Run {
  token: string;
  arrivals: Arrival[];
}

export interface RunServer {
  origin: string;
  /** A run of its own: requests with its token reach only `script`, and only its `arrivals`. */
  run(script: Script): Run;
  close(): Promise<void>;
}

/**
 * A server for properties: nothing is shared between runs, so a run abandoned halfway (a property
 * that failed or timed out) cannot change what a later run, or a later property, sees.
 */
export async function startRunServer(): Promise<RunServer> {
  const runs = new Map<string, { script: Script; arrivals: Arrival[] }>();
  let count = 0;
  const server = await startServer((arrival, res) => {
    const token = /^Bearer (.+)$/.exec(arrival.headers.authorization ?? "")?.[1];
    const run = token === undefined ? undefined : runs.get(token);
    if (!run) return send(res, 401, undefined, { "www-authenticate": 'Bearer error="invalid_token"' });
    run.arrivals.push(arrival);
    run.script(arrival, res);
  });
  return {
    origin: server.origin,
    run: (script) => {
      const token = `property-run-${++count}`;
      const run = { script, arrivals: [] as Arrival[] };
      runs.set(token, run);
      return { token, arrivals: run.arrivals };
    },
    close: () => server.close(),
  };
}

/** Answers with a JSON (or, for a string, plain-text) body. */
export const reply = send;
/** Closes the connection without answering. */
export const drop = reset;
