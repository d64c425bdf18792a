// Loads the bundled OpenAPI document and indexes its operations, so routing, scopes and validation
// all follow the contract instead of a second hand-kept table.
import { readFileSync } from "node:fs";

export type JsonObject = { [key: string]: unknown };

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface ParameterSpec {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  /** JSON pointer of the parameter's schema inside the document. */
  schemaPointer: string;
  /** The schema after following `$ref`s, used to coerce query strings to the declared type. */
  schema: JsonObject;
  /** The service's own name for the value (`x-uipath-name`), used in its error messages. */
  serviceName?: string;
}

export interface OperationSpec {
  operationId: string;
  method: HttpMethod;
  pathTemplate: string;
  /** Path segments; `{name}` segments capture a parameter. */
  segments: string[];
  parameters: ParameterSpec[];
  /** Pointer to the JSON request body schema, when the operation takes a body. */
  bodySchemaPointer?: string;
  bodyRequired: boolean;
  /** Each alternative lists the client-credentials scopes that together allow the call. */
  scopeAlternatives: string[][];
  /** Pointer to the operation object, for response validation. */
  pointer: string;
  /** The service whose base the path is under: the audit service when the path's own servers say `orgaudit_`. */
  service: "identity" | "orgaudit";
}

/** Where the bundled document lives, relative to this module in src/ and in dist/. */
export const BUNDLED_DOCUMENT_URL = new URL("../../generated/openapi.json", import.meta.url);

export function loadBundledDocument(): JsonObject {
  return JSON.parse(readFileSync(BUNDLED_DOCUMENT_URL, "utf8")) as JsonObject;
}

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Follows a local `#/...` pointer. */
export function resolvePointer(doc: JsonObject, pointer: string): unknown {
  let node: unknown = doc;
  for (const raw of pointer.replace(/^#\//, "").split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(part in node)) {
      throw new Error(`The document has nothing at ${pointer}`);
    }
    node = (node as JsonObject)[part];
  }
  return node;
}

/** Follows `$ref`s until a concrete node; returns it with the pointer it was found at. */
export function derefWithPointer(doc: JsonObject, node: unknown, pointer: string): { node: JsonObject; pointer: string } {
  let current = node as JsonObject;
  let at = pointer;
  while (current && typeof current === "object" && typeof current.$ref === "string") {
    at = current.$ref;
    current = resolvePointer(doc, at) as JsonObject;
  }
  return { node: current, pointer: at };
}

export function indexOperations(doc: JsonObject): OperationSpec[] {
  const out: OperationSpec[] = [];
  const paths = (doc.paths ?? {}) as Record<string, JsonObject>;
  for (const [pathTemplate, rawItem] of Object.entries(paths)) {
    const itemPointer = `#/paths/${escapePointerToken(pathTemplate)}`;
    const { node: item, pointer: itemAt } = derefWithPointer(doc, rawItem, itemPointer);
    const shared = (item.parameters ?? []) as unknown[];
    const servers = (item.servers ?? []) as Array<{ url?: unknown }>;
    const service = servers.some((s) => typeof s.url === "string" && s.url.endsWith("/orgaudit_")) ? "orgaudit" : "identity";
    for (const method of HTTP_METHODS) {
      const op = item[method] as JsonObject | undefined;
      if (!op || typeof op.operationId !== "string") continue;
      const pointer = `${itemAt}/${method}`;
      const parameters = mergeParameters(doc, shared, `${itemAt}/parameters`, (op.parameters ?? []) as unknown[], `${pointer}/parameters`);
      const spec: OperationSpec = {
        operationId: op.operationId,
        method,
        pathTemplate,
        segments: pathTemplate.split("/").filter(Boolean),
        parameters,
        bodyRequired: false,
        scopeAlternatives: scopeAlternatives(op, doc),
        pointer,
        service,
      };
      if (op.requestBody) {
        const body = derefWithPointer(doc, op.requestBody, `${pointer}/requestBody`);
        const content = (body.node.content ?? {}) as JsonObject;
        if (content["application/json"]) {
          spec.bodySchemaPointer = `${body.pointer}/content/application~1json/schema`;
          spec.bodyRequired = body.node.required === true;
        }
      }
      out.push(spec);
    }
  }
  return out;
}

function mergeParameters(doc: JsonObject, shared: unknown[], sharedPointer: string, own: unknown[], ownPointer: string): ParameterSpec[] {
  const byKey = new Map<string, ParameterSpec>();
  const add = (list: unknown[], base: string) => {
    list.forEach((raw, i) => {
      const { node, pointer } = derefWithPointer(doc, raw, `${base}/${i}`);
      const schemaPointer = `${pointer}/schema`;
      const schema = derefWithPointer(doc, node.schema, schemaPointer).node;
      const spec: ParameterSpec = {
        name: String(node.name),
        in: node.in as ParameterSpec["in"],
        required: node.required === true,
        schemaPointer,
        schema,
        ...(typeof node["x-uipath-name"] === "string" ? { serviceName: node["x-uipath-name"] } : {}),
      };
      // An operation's own parameter overrides the path item's one of the same name and place.
      byKey.set(`${spec.in}:${spec.name}`, spec);
    });
  };
  add(shared, sharedPointer);
  add(own, ownPointer);
  return [...byKey.values()];
}

/** Reads the client-credentials alternatives of an operation's `security` (or the document's). */
function scopeAlternatives(op: JsonObject, doc: JsonObject): string[][] {
  const security = (op.security ?? doc.security ?? []) as Array<Record<string, string[]>>;
  const schemes = ((doc.components as JsonObject | undefined)?.securitySchemes ?? {}) as Record<string, JsonObject>;
  const out: string[][] = [];
  for (const requirement of security) {
    const names = Object.keys(requirement);
    // Only requirements made purely of OAuth 2.0 schemes can be met by the emulator's tokens.
    if (names.length === 0 || !names.every((n) => schemes[n]?.type === "oauth2")) continue;
    out.push(names.flatMap((n) => requirement[n] ?? []));
  }
  return out;
}
