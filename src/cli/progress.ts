// Progress of a long run, on stderr: a one-line bar with done/total and an ETA on a terminal; one
// plain line per finished request otherwise (CI logs, redirected output), with no escape codes.
// The bar is drawn here rather than by @clack/prompts: its progress puts the terminal in raw mode
// and answers Ctrl-C with process.exit(0), which would skip the graceful stop (and its exit 130).
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

const HIDE_CURSOR = "\u001b[?25l";
const SHOW_CURSOR = "\u001b[?25h";
const CLEAR_LINE = "\r\u001b[2K";

export function createProgress(ctx: CliContext, total: number, title: string): ProgressReporter {
  // A terminal that reports no width (a bare pseudo-terminal) cannot fit a bar: plain lines then.
  const columns = (ctx.io.stderr as { columns?: number }).columns ?? 0;
  const animated = ctx.io.stderr.isTTY === true && !ctx.io.env.CI && columns > 40;
  if (!animated) {
    const width = String(total).length;
    return {
      advance: (done, all, line) => ctx.note(`[${String(done).padStart(width)}/${all}] ${line}`),
      stop: (message) => ctx.note(message),
    };
  }
  const out = ctx.io.stderr;
  const restore = () => out.write(SHOW_CURSOR);
  // Whatever ends the process, the cursor comes back.
  process.once("exit", restore);
  const draw = (done: number, all: number, text: string) => {
    const barWidth = Math.min(30, Math.max(10, columns - 60));
    const filled = Math.round((barWidth * done) / Math.max(1, all));
    const line = `${ctx.paint("cyan", "█".repeat(filled))}${ctx.paint("dim", "░".repeat(barWidth - filled))} ${done}/${all} · ${text}`;
    // Cut to the terminal's width, so the line never wraps (a wrapped line cannot be redrawn).
    out.write(`${CLEAR_LINE}${truncate(line, columns - 1)}`);
  };
  out.write(HIDE_CURSOR);
  draw(0, total, title);
  return {
    advance: (done, all, line, etaMs) => draw(done, all, `ETA ${etaMs === undefined ? "?" : formatDuration(etaMs)} · ${line}`),
    stop: (message) => {
      out.write(`${CLEAR_LINE}${message}\n${SHOW_CURSOR}`);
      process.off("exit", restore);
    },
  };
}

/** Cuts text to `width` visible characters, keeping escape sequences whole. */
function truncate(text: string, width: number): string {
  let visible = 0;
  let out = "";
  for (const part of text.split(/(\u001b\[[0-9;]*m)/)) {
    if (part.startsWith("\u001b[")) {
      out += part;
      continue;
    }
    const room = width - visible;
    if (room <= 0) continue;
    out += part.slice(0, room);
    visible += Math.min(part.length, room);
  }
  return out;
}
