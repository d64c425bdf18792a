// The process's streams and environment as one value, so commands never reach for `process`
// directly and tests can run the program in-process with their own streams.
import { styleText } from "node:util";

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  /** A terminal's width, as process.stdout has it. */
  columns?: number | undefined;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean | undefined };
  env: Record<string, string | undefined>;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/**
 * Whether to colour a stream: never with NO_COLOR (non-empty), TERM=dumb or --no-color; always
 * with FORCE_COLOR; otherwise only on a terminal.
 */
export function colourFor(stream: Output, env: Io["env"], noColor: boolean): boolean {
  if (noColor || (env.NO_COLOR ?? "") !== "" || env.TERM === "dumb") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

type Style = Parameters<typeof styleText>[0];

/** styleText, but only when colour is on (styleText itself only looks at process.stdout). */
export function painter(enabled: boolean): (style: Style, text: string) => string {
  return enabled ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text;
}

/** Reads a whole stream as text (for `-` meaning stdin). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}
