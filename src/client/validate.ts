// Input checks that run before any request, so a typo fails fast with a clear message instead
// of costing a request (and a rate-limit slot) to learn the same thing from a 400.
import { IdentityInputError } from "./errors.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): value is string {
  return typeof value === "string" && GUID.test(value);
}

export function assertGuid(value: unknown, field: string): string {
  if (!isGuid(value)) {
    throw new IdentityInputError(field, `${field} must be a GUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6, got ${describe(value)}`);
  }
  return value;
}

export function assertGuidList(values: unknown, field: string): string[] {
  if (!Array.isArray(values)) {
    throw new IdentityInputError(field, `${field} must be an array of GUIDs, got ${describe(values)}`);
  }
  return values.map((v, i) => assertGuid(v, `${field}[${i}]`));
}

export function assertName(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new IdentityInputError(field, `${field} must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

export function assertPageWindow(top: unknown, skip: unknown, maxTop: number): void {
  if (top !== undefined) assertPageSize(top, 0, maxTop, "top");
  if (skip !== undefined && !(Number.isInteger(skip) && (skip as number) >= 0)) {
    throw new IdentityInputError("skip", `skip must be a non-negative integer, got ${describe(skip)}`);
  }
}

export function assertPageSize(value: unknown, min: number, max: number, field: string): number {
  if (!(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)) {
    throw new IdentityInputError(field, `${field} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value as number;
}

// Quotes short strings and names the type of anything else, so messages stay short and never
// echo large (or sensitive) objects back.
function describe(value: unknown): string {
  if (typeof value === "string") return value.length > 60 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (value === undefined) return "undefined";
  return typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" ? value.toString() : `a ${typeof value}`;
}

/** The longest timer Node keeps: a longer delay would fire after 1 ms instead. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * A per-attempt timeout as given: milliseconds, or 0 (or Infinity) for none, which is 0 from
 * here on (as in node:http and axios).
 */
export function readTimeout(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (value === 0 || value === Number.POSITIVE_INFINITY) return 0;
  if (typeof value === "number" && value > 0 && value <= MAX_TIMEOUT_MS) return value;
  throw new IdentityInputError(
    "timeoutMs",
    `timeoutMs must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (about 24.8 days), or 0 for none, got ${describe(value)}`,
  );
}
