// Maps a URL to an organization (by URL layout) and then to a document operation.
import type { OperationSpec } from "./document.js";

export interface Layout {
  /** The organization the URL addresses. */
  organization: string;
  /** Which service the base is: Identity, or the organization-level unified audit service. */
  service: Service;
  /** The API base's path as the emulator names it: `/{org}/identity_`, `/identity_`, `/identity` or `/{org}/orgaudit_`. */
  basePath: string;
  /** What follows the API base, e.g. `/api/Group` or `/connect/token`. */
  rest: string;
}

/** Identity, or the organization-level unified audit service (`orgaudit_`), which has bases of its own. */
export type Service = "identity" | "orgaudit";

/**
 * The layouts the document's servers declare: `/{org}/identity_`, host-level `/identity_` and
 * standalone `/identity` for Identity, `/{org}/orgaudit_` for the audit service (organization
 * level only). The host-level and standalone ones have no organization in the URL and use the default one.
 */
export function parseLayout(pathname: string, organizations: string[], defaultOrganization: string): Layout | undefined {
  const parts = pathname.split("/");
  // parts[0] is "" because the path starts with "/".
  const first = parts[1] ?? "";
  if (first === "identity_" || first === "identity") {
    return { organization: defaultOrganization, service: "identity", basePath: `/${first}`, rest: `/${parts.slice(2).join("/")}` };
  }
  const service = parts[2] === "identity_" ? "identity" : parts[2] === "orgaudit_" ? "orgaudit" : undefined;
  if (service) {
    const org = organizations.find((o) => o.toLowerCase() === safeDecode(first).toLowerCase());
    if (org) return { organization: org, service, basePath: `/${org}/${parts[2]}`, rest: `/${parts.slice(3).join("/")}` };
  }
  return undefined;
}

export type RouteMatch =
  | { kind: "operation"; op: OperationSpec; params: Record<string, string> }
  | { kind: "method-not-allowed"; allow: string[] }
  | { kind: "not-found" };

export function matchOperation(operations: OperationSpec[], method: string, rest: string): RouteMatch {
  const segments = rest.split("/").filter(Boolean);
  const allow = new Set<string>();
  for (const op of operations) {
    const params = matchSegments(op.segments, segments);
    if (!params) continue;
    if (op.method === method.toLowerCase()) return { kind: "operation", op, params };
    allow.add(op.method.toUpperCase());
  }
  return allow.size > 0 ? { kind: "method-not-allowed", allow: [...allow].sort() } : { kind: "not-found" };
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    const a = actual[i]!;
    const name = /^\{(.+)\}$/.exec(t)?.[1];
    if (name) params[name] = safeDecode(a);
    // ASP.NET matches route literals without regard to case.
    else if (t.toLowerCase() !== a.toLowerCase()) return undefined;
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
