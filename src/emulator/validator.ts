// Validates requests and responses against the OpenAPI document with Ajv's JSON Schema 2020-12
// dialect (the one OpenAPI 3.1 uses), and words request errors the way ASP.NET model validation does.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { derefWithPointer, resolvePointer, type JsonObject, type OperationSpec, type ParameterSpec } from "./document.js";

/** The id under which the document is registered, for `$ref`s from other schemas. */
export const DOC_ID = "https://uipath-identity-toolkit.local/emulator/openapi.json";

/** ASP.NET's `errors` map: field name to messages. */
export type FieldErrors = Record<string, string[]>;

export interface RequestInput {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The raw body text, or undefined when the request had none. */
  bodyText: string | undefined;
}

export type RequestValidation =
  { ok: true; params: Record<string, unknown>; query: Record<string, unknown>; body: unknown } | { ok: false; errors: FieldErrors };

export interface ResponseInput {
  status: number;
  contentType: string | undefined;
  headers: Record<string, string>;
  bodyText: string;
}

export class DocumentValidator {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly doc: JsonObject) {
    // strict: false because OpenAPI adds keywords that are not JSON Schema (example, discriminator).
    this.ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true, validateSchema: false });
    addFormats.default(this.ajv);
    // OpenAPI's numeric formats; ajv-formats leaves them out.
    this.ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 });
    this.ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
    this.ajv.addSchema(doc, DOC_ID);
  }

  /** Validates any value against the schema at a `#/...` pointer; returns Ajv's errors. */
  check(pointer: string, value: unknown): ErrorObject[] {
    let fn = this.cache.get(pointer);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `${DOC_ID}${encodeFragment(pointer)}` });
      this.cache.set(pointer, fn);
    }
    return fn(value) ? [] : [...(fn.errors ?? [])];
  }

  /** Validates a value against a schema of the caller's that may `$ref` into the document. */
  checkSchema(schema: object, value: unknown): ErrorObject[] {
    const fn = this.ajv.compile(schema);
    return fn(value) ? [] : [...(fn.errors ?? [])];
  }

  validateRequest(op: OperationSpec, input: RequestInput): RequestValidation {
    const errors: FieldErrors = {};
    const params: Record<string, unknown> = {};
    const query: Record<string, unknown> = {};
    for (const p of op.parameters) {
      if (p.in !== "path" && p.in !== "query") continue;
      const target = p.in === "path" ? params : query;
      // An array in the query is the parameter repeated (`?f=a&f=b`, form style, exploded).
      if (p.in === "query" && p.schema.type === "array") {
        const raws = input.query.getAll(p.name);
        if (raws.length === 0) {
          if (p.required) addError(errors, p.name, `The ${p.name} field is required.`);
          continue;
        }
        const items = (p.schema.items ?? {}) as JsonObject;
        const problems = this.check(
          p.schemaPointer,
          raws.map((r) => coerce(r, items)),
        );
        if (problems.length > 0) {
          const bad = raws[Number(problems[0]!.instancePath.split("/")[1])] ?? raws.join(",");
          addError(errors, p.name, parameterMessage(p, bad, problems));
        } else {
          target[p.name] = raws.map((r) => coerce(r, items));
        }
        continue;
      }
      const raw = p.in === "path" ? input.params[p.name] : (input.query.get(p.name) ?? undefined);
      if (raw === undefined) {
        if (p.required) addError(errors, p.name, `The ${p.name} field is required.`);
        else if (p.schema.default !== undefined) target[p.name] = p.schema.default;
        continue;
      }
      const value = coerce(raw, p.schema);
      const problems = this.check(p.schemaPointer, value);
      if (problems.length > 0) {
        addError(errors, p.name, parameterMessage(p, raw, problems));
      } else {
        target[p.name] = value;
      }
    }
    let body: unknown;
    if (op.bodySchemaPointer) {
      const text = input.bodyText ?? "";
      if (text.trim() === "") {
        if (op.bodyRequired) addError(errors, "", "A non-empty request body is required.");
      } else {
        try {
          body = JSON.parse(text);
        } catch (e) {
          addError(errors, "$", `The body is not valid JSON: ${(e as Error).message}`);
        }
        if (body !== undefined) {
          for (const problem of this.check(op.bodySchemaPointer, body)) {
            const [field, message] = bodyMessage(problem);
            addError(errors, field, message);
          }
        }
      }
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    return { ok: true, params, query, body };
  }

  /** Checks a response the emulator is about to send; returns what is wrong with it (empty when fine). */
  validateResponse(op: OperationSpec, res: ResponseInput): string[] {
    const responses = ((resolvePointer(this.doc, op.pointer) as JsonObject).responses ?? {}) as JsonObject;
    const key = String(res.status) in responses ? String(res.status) : "default" in responses ? "default" : undefined;
    if (!key) return [`status ${res.status} is not declared for ${op.operationId}`];
    const responsePointer = `${op.pointer}/responses/${key}`;
    const response = derefWithPointer(this.doc, responses[key], responsePointer);
    const problems: string[] = [];
    const content = response.node.content as JsonObject | undefined;
    const mediaType = res.contentType?.split(";")[0]?.trim().toLowerCase();
    if (!content) {
      if (res.bodyText.length > 0) problems.push(`status ${res.status} of ${op.operationId} declares no body, but one was sent`);
    } else if (!mediaType || !(mediaType in content)) {
      problems.push(`status ${res.status} of ${op.operationId} does not declare content type ${mediaType ?? "(none)"}`);
    } else {
      let body: unknown;
      // A file (CSV, octet-stream) is checked as the text it is; everything else must be JSON.
      if (!/json/.test(mediaType)) body = res.bodyText;
      else {
        try {
          body = JSON.parse(res.bodyText);
        } catch {
          problems.push(`status ${res.status} of ${op.operationId}: the body is not JSON`);
        }
      }
      if (body !== undefined) {
        const schemaPointer = `${response.pointer}/content/${escapeToken(mediaType)}/schema`;
        for (const e of this.check(schemaPointer, body)) {
          problems.push(`status ${res.status} of ${op.operationId}: body${e.instancePath} ${e.message ?? "is invalid"}`);
        }
      }
    }
    const headers = (response.node.headers ?? {}) as JsonObject;
    for (const [name, rawHeader] of Object.entries(headers)) {
      const header = derefWithPointer(this.doc, rawHeader, `${response.pointer}/headers/${escapeToken(name)}`);
      const sent = res.headers[name.toLowerCase()];
      if (sent === undefined) {
        if (header.node.required === true) problems.push(`status ${res.status} of ${op.operationId}: header ${name} is missing`);
        continue;
      }
      const schema = derefWithPointer(this.doc, header.node.schema, `${header.pointer}/schema`);
      for (const e of this.check(schema.pointer, coerce(sent, schema.node))) {
        problems.push(`status ${res.status} of ${op.operationId}: header ${name} ${e.message ?? "is invalid"}`);
      }
    }
    return problems;
  }
}

function escapeToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Percent-encodes the characters of a JSON pointer that are not allowed in a URI fragment. */
function encodeFragment(pointer: string): string {
  return pointer.replace(/[{}% "<>\\^`|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** Turns a query or path string into the type its schema declares, so Ajv sees a number for `top=5`. */
function coerce(raw: string, schema: JsonObject): unknown {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if ((types.includes("integer") || types.includes("number")) && /^-?\d+(\.\d+)?$/.test(raw.trim())) return Number(raw);
  if (types.includes("boolean") && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

function addError(errors: FieldErrors, field: string, message: string): void {
  const list = (errors[field] ??= []);
  if (!list.includes(message)) list.push(message);
}

function parameterMessage(p: ParameterSpec, raw: string, problems: ErrorObject[]): string {
  const min = p.schema.minimum;
  const max = p.schema.maximum;
  const outOfRange = problems.every((e) => e.keyword === "minimum" || e.keyword === "maximum");
  if (outOfRange && min !== undefined && max !== undefined)
    return `The field ${p.name} must be between ${min as number} and ${max as number}.`;
  // ASP.NET's model binder says this for any value it cannot turn into the parameter's type.
  return `The value '${raw}' is not valid.`;
}

/** Words one Ajv error on a JSON body as ASP.NET would: keyed by a `$.a[0]` path. */
function bodyMessage(e: ErrorObject): [string, string] {
  if (e.keyword === "required") {
    const missing = String((e.params as { missingProperty?: string }).missingProperty);
    return [missing, `The ${missing} field is required.`];
  }
  const field = jsonPath(e.instancePath);
  const schema = (e.parentSchema ?? {}) as JsonObject;
  switch (e.keyword) {
    case "format":
    case "pattern":
    case "minLength":
    case "maxLength":
      // A schema may say how the service words its own format errors (`x-error-message`).
      if ((e.keyword === "format" || e.keyword === "pattern") && typeof schema["x-error-message"] === "string")
        return [field, schema["x-error-message"]];
      if (schema.format === "uuid") return [field, `The JSON value could not be converted to System.Guid. Path: ${field}.`];
      if (e.keyword === "minLength")
        return [field, `The field ${field} must have at least ${String((e.params as { limit?: number }).limit)} characters.`];
      return [field, `The value at ${field} ${e.message ?? "is invalid"}.`];
    case "type":
      return [field, `The JSON value could not be converted to ${String((e.params as { type?: unknown }).type)}. Path: ${field}.`];
    default:
      return [field, `The value at ${field} ${e.message ?? "is invalid"}.`];
  }
}

function jsonPath(instancePath: string): string {
  let out = "$";
  for (const part of instancePath.split("/").slice(1)) {
    const token = part.replace(/~1/g, "/").replace(/~0/g, "~");
    out += /^\d+$/.test(token) ? `[${token}]` : `.${token}`;
  }
  return out;
}
