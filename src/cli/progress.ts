// Progress of a long run, on stderr: a bar with done/total and an ETA on a terminal; one plain line
// per finished request otherwise (CI logs, redirected output), with no escape codes.
import { progress } from "@clack/prompts";
import type { Writable } from "node:stream";
import type { CliContext } from "./context.js";

export interface ProgressReporter {
  /** A request finished: `line` says what it did; `etaMs` is what the rate limits still impose. */
  advance(done: number, total: number, line: string, etaMs: number | undefined): void;
  stop(message: string): void;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return "<1s";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function createProgress(ctx: CliContext, total: number, title: string): ProgressReporter {
  // A terminal that reports no width (a bare pseudo-terminal) cannot draw a bar: plain lines then.
  const columns = (ctx.io.stderr as { columns?: number }).columns ?? 0;
  const animated = ctx.io.stderr.isTTY === true && !ctx.io.env.CI && columns > 20;
  if (!animated) {
    const width = String(total).length;
    return {
      advance: (done, all, line) => ctx.note(`[${String(done).padStart(width)}/${all}] ${line}`),
      stop: (message) => ctx.note(message),
    };
  }
  const bar = progress({ max: total, output: ctx.io.stderr as unknown as Writable, withGuide: false });
  bar.start(`${title}: 0/${total}`);
  return {
    advance: (done, all, line, etaMs) => bar.advance(1, `${done}/${all} · ETA ${etaMs === undefined ? "?" : formatDuration(etaMs)} · ${line}`),
    stop: (message) => bar.stop(message),
  };
}
