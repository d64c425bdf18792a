// Shared helpers for the emulator's tests: start one with response validation on, and speak raw HTTP to it.
import { expect } from "@jest/globals";
import { DEMO_CLIENT, PM_SCOPES, startEmulator, type EmulatorHandle, type EmulatorOptions } from "../../src/emulator/index.js";

export const ORG_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
export const GRYFFINDORS = "9d2f6a41-0c3b-4e57-8a1d-6b7c2e0f1a01";
export const ALUMNI = "4b8e1c27-5d3a-4f69-9c02-8e1f7a3d2b02";
export const ADMINISTRATORS = "0e4b2a6c-7d1f-4a39-8c50-2f6e9b1d0a00";
export const EVERYONE = "2a9c5e1b-6f3d-4b07-9e82-4c1a7f0d5e11";
export const RON = "1c6f0a3e-8b2d-4a17-9e45-0d3c7b1a0103";
export const HARRY = "7a2e9c4b-1f6d-4b38-a0c5-3e8d2f6b3107";
export const HERMIONE = "5e0b8d2c-4a7f-4c19-b6e3-1d9a0c5e1909";
export const ROBY = "c3a7e1f9-2b6d-4e80-9f14-7a5c0d3e8812";
export const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

export { DEMO_CLIENT, PM_SCOPES };

/** Starts an emulator that records every response breaking the document; rate limits off unless asked. */
export function start(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator({ validateResponses: true, rateLimit: false, ...options });
}

/** Closes the emulator after checking that no response broke the document. */
export async function stop(emulator: EmulatorHandle | undefined, { allowViolations = false } = {}): Promise<void> {
  if (!emulator) return;
  await emulator.close();
  if (!allowViolations) expect(emulator.violations).toEqual([]);
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Send this text as the body as is. */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One HTTP request to `base + path`; the body is parsed when it is JSON. */
export async function call(base: string, method: string, path: string, o: CallOptions = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined;
  if (o.raw !== undefined) body = o.raw;
  else if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined) headers["content-type"] = o.contentType ?? "application/json";
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Posts a client-credentials form to a token endpoint. */
export async function requestToken(tokenUrl: string, fields: Record<string, string>): Promise<RawResponse> {
  const res = await fetch(tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

export function allScopes(emulator: EmulatorHandle, organization?: string): string {
  return emulator.issueToken({ scopes: [...PM_SCOPES], ...(organization ? { organization } : {}) });
}
