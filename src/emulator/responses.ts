// The wire shapes of the emulator's answers: ASP.NET problem details, W3C trace ids.
import { randomBytes } from "node:crypto";
import type { FieldErrors } from "./validator.js";

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const PROBLEM_TYPES: Record<number, string> = {
  400: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
  404: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
  405: "https://tools.ietf.org/html/rfc9110#section-15.5.6",
  409: "https://tools.ietf.org/html/rfc9110#section-15.5.10",
  413: "https://tools.ietf.org/html/rfc9110#section-15.5.14",
  415: "https://tools.ietf.org/html/rfc9110#section-15.5.16",
  429: "https://tools.ietf.org/html/rfc6585#section-4",
  500: "https://tools.ietf.org/html/rfc9110#section-15.6.1",
  503: "https://tools.ietf.org/html/rfc9110#section-15.6.4",
};

/** A W3C traceparent-style id, as ASP.NET puts in `traceId`. */
export function newTraceId(): string {
  return `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-00`;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(value) };
}

export function problem(
  status: number,
  title: string,
  traceId: string,
  extra: { detail?: string; errors?: FieldErrors; headers?: Record<string, string> } = {},
): Reply {
  const body: Record<string, unknown> = { type: PROBLEM_TYPES[status] ?? PROBLEM_TYPES[500], title, status };
  if (extra.detail !== undefined) body.detail = extra.detail;
  if (extra.errors !== undefined) body.errors = extra.errors;
  body.traceId = traceId;
  return { status, headers: { "content-type": "application/problem+json; charset=utf-8", ...extra.headers }, body: JSON.stringify(body) };
}

export function validationProblem(errors: FieldErrors, traceId: string): Reply {
  return problem(400, "One or more validation errors occurred.", traceId, { errors });
}

export function empty(status: number, headers: Record<string, string> = {}): Reply {
  return { status, headers, body: "" };
}
