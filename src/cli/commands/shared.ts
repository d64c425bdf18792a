// What the command modules share: running a command body with its context, and the --limit option.
import { Option } from "@commander-js/extra-typings";
import type { CliContext } from "../context.js";
import { UsageError } from "../failures.js";

/** Anything commander hands an action as its last argument: the command, with the global options. */
export interface CommandLike {
  optsWithGlobals(): Record<string, unknown>;
}

/** Runs a command's body with a context made from the global options. */
export type Act = (command: CommandLike, body: (ctx: CliContext) => Promise<void>) => Promise<void>;

export function limitOption() {
  return new Option("-l, --limit <n>", "show at most n items (default: all, fetched a page of 1000 at a time)");
}

export function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit must be a whole number of at least 1, not ${JSON.stringify(value)}`);
  return n;
}

/** The first `limit` items of a lazy listing, without fetching pages it does not need. */
export async function take<T>(items: AsyncIterable<T>, limit: number | undefined): Promise<T[]> {
  const out: T[] = [];
  if (limit === 0) return out;
  for await (const item of items) {
    out.push(item);
    if (limit !== undefined && out.length >= limit) break;
  }
  return out;
}
