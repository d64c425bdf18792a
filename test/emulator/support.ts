// Shared helpers for the emulator's tests: emulators per test or per file (response validation on),
// and raw HTTP to them.
import { DEMO_CLIENT, PM_SCOPES, type EmulatorHandle } from "../../src/emulator/index.js";

export { emulatorPerFile, emulatorPerTest } from "../helpers/emulator.js";

export {
  ADMINISTRATORS,
  ALBUS,
  ALUMNI,
  DRACO,
  EMAILS,
  EVERYONE,
  GINNY,
  GRYFFINDORS,
  HARRY,
  HERMIONE,
  LUNA,
  NEVILLE,
  ORG as ORG_ID,
  PREFECTS,
  RON,
  ROBY,
  UNKNOWN_ID,
  BUILT_IN_GROUPS,
  DEFAULT_GROUPS,
  UIPATH_ADMINS,
  HOGWARTS_STAFF,
} from "../fixtures/walkthrough.js";

export { DEMO_CLIENT, PM_SCOPES };

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
