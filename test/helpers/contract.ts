// Loads the bundled contract and validates values against any schema in it with Ajv (JSON Schema 2020-12),
// so tests check payloads against the document itself rather than against restated types.
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Doc = { [key: string]: Json };

const DOC_ID = "https://uipath-identity-toolkit.local/openapi.json";

export function loadDocument(): Doc {
  return JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8")) as Doc;
}

/** Follows a local JSON pointer such as `#/components/schemas/Group`. */
export function resolvePointer(doc: Doc, pointer: string): Json {
  const parts = pointer
    .replace(/^#\//, "")
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node: Json = doc;
  for (const part of parts) {
    if (node === null || typeof node !== "object" || !(part in node)) throw new Error(`No node at ${pointer}`);
    node = (node as Record<string, Json>)[part] as Json;
  }
  return node;
}

/** Resolves a node that may be a `$ref` (one level at a time, as OpenAPI allows). */
export function deref(doc: Doc, node: Json): Json {
  let current = node;
  while (current && typeof current === "object" && !Array.isArray(current) && typeof current.$ref === "string") {
    current = resolvePointer(doc, current.$ref);
  }
  return current;
}

export interface SchemaValidator {
  /** Validates `value` against the schema found at `pointer` (a `#/...` pointer into the document). */
  validate(pointer: string, value: unknown): ErrorObject[];
}

export function createValidator(doc: Doc): SchemaValidator {
  // strict: false because OpenAPI adds keywords (example, deprecated, discriminator) Ajv does not know.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats.default(ajv);
  ajv.addSchema(doc, DOC_ID);
  const cache = new Map<string, ReturnType<typeof ajv.compile>>();
  return {
    validate(pointer, value) {
      let fn = cache.get(pointer);
      if (!fn) {
        fn = ajv.compile({ $ref: `${DOC_ID}${pointer}` });
        cache.set(pointer, fn);
      }
      return fn(value) ? [] : [...(fn.errors ?? [])];
    },
  };
}

export interface Operation {
  operationId: string;
  method: string;
  path: string;
  pointer: string;
}

export const METHODS = ["get", "put", "post", "delete", "patch"] as const;

export function listOperations(doc: Doc): Operation[] {
  const out: Operation[] = [];
  const paths = doc.paths as Record<string, Record<string, { operationId?: string }>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op?.operationId) {
        const escaped = path.replace(/~/g, "~0").replace(/\//g, "~1");
        out.push({ operationId: op.operationId, method, path, pointer: `#/paths/${escaped}/${method}` });
      }
    }
  }
  return out;
}

export function findOperation(doc: Doc, operationId: string): Operation {
  const op = listOperations(doc).find((o) => o.operationId === operationId);
  if (!op) throw new Error(`No operation ${operationId}`);
  return op;
}

/** Pointer to the schema of an operation's JSON request body. */
export function requestSchemaPointer(op: Operation): string {
  return `${op.pointer}/requestBody/content/application~1json/schema`;
}

/** Pointer to the schema of an operation's response (following a `$ref` to components/responses). */
export function responseSchemaPointer(doc: Doc, op: Operation, status: string, mediaType = "application/json"): string {
  const response = resolvePointer(doc, `${op.pointer}/responses/${status}`) as Record<string, Json>;
  const base = typeof response.$ref === "string" ? response.$ref : `${op.pointer}/responses/${status}`;
  return `${base}/content/${mediaType.replace(/\//g, "~1")}/schema`;
}
