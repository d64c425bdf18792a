// Times on the command line: an instant (`2026-12-01T10:00:00Z`, or a whole UTC day `2026-12-01`),
// or a duration back from now (`24h`, `7d`, `90m`), as `--since 24h` and `--from 7d` take them;
// and the service's timestamps as numbers that keep all their digits, to compare them exactly.
import { UsageError } from "./failures.js";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(\d+)\s*([smhdw])$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/i;

/** A duration such as `24h` in milliseconds, or undefined when the text is not one. */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]! : undefined;
}

/** `--overlap 5m` and the like: a duration, or a usage error naming the option. */
export function parseDuration(text: string, option: string): number {
  const ms = durationMs(text);
  if (ms === undefined) throw new UsageError(`${option} must be a duration such as 90s, 5m, 24h or 7d, not ${JSON.stringify(text)}`);
  return ms;
}

/**
 * An instant as the audit service takes it (ISO 8601 in UTC): a date-time (no zone means UTC), a
 * date (its start, UTC), or a duration back from `now`.
 */
export function parseInstant(text: string, option: string, now: number): string {
  const trimmed = text.trim();
  const ago = durationMs(trimmed);
  let ms: number;
  if (ago !== undefined) ms = now - ago;
  else if (DATE.test(trimmed)) ms = Date.parse(`${trimmed}T00:00:00Z`);
  else if (DATE_TIME.test(trimmed)) ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/i.test(trimmed) ? trimmed : `${trimmed}Z`);
  else ms = Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `${option} must be a date-time (2026-12-01T10:00:00Z), a date (2026-12-01) or a duration back from now (24h, 7d), not ${JSON.stringify(text)}`,
    );
  }
  return new Date(ms).toISOString();
}

/**
 * A service timestamp in nanoseconds since 1970: the service writes up to seven fractional digits,
 * finer than a Date holds, and two events a few hundred nanoseconds apart must not compare equal.
 * A timestamp without a zone is UTC. Undefined when it is not a timestamp.
 */
export function instantNs(timestamp: string): bigint | undefined {
  const parts = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/i.exec(timestamp);
  if (!parts) return undefined;
  const seconds = Date.parse(`${parts[1]}${parts[3] ?? "Z"}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * 1_000_000n + BigInt((parts[2] ?? "").padEnd(9, "0"));
}

/** Nanoseconds back to an ISO instant, rounded down to the millisecond (as the audit service's filters take it). */
export function isoOfNs(ns: bigint): string {
  const ms = ns / 1_000_000n - (ns < 0n && ns % 1_000_000n !== 0n ? 1n : 0n);
  return new Date(Number(ms)).toISOString();
}
