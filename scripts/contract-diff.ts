// Finds the changes between two bundled OpenAPI 3.1 documents that break existing callers.
// Written for this contract because the diff tools on the npm registry either reject OpenAPI 3.1,
// miss changes we care about (a scope alternative removed, nullability through `anyOf`), or come
// as an unofficial binary repackaging (see README, "Breaking changes and releases").
//
// Input: two documents as `redocly bundle` writes them (every $ref internal, `#/components/...`).
// Output: one finding per broken promise. A change inside a named schema is reported once for the
// schema, listing the operations that reach it, rather than once per operation.

type Json = Record<string, any>;
export type Side = "request" | "response";

/** Every rule, in the order README lists them; each has a fixture in test/breaking/contract-rules.test.ts. */
export const CONTRACT_RULES = [
  "operation-removed",
  "operation-id-changed",
  "scope-removed",
  "parameter-removed",
  "parameter-required",
  "request-body-required",
  "media-type-removed",
  "response-removed",
  "request-field-required",
  "request-field-removed",
  "response-field-removed",
  "response-field-optional",
  "response-field-nullable",
  "enum-narrowed",
  "type-changed",
  "schema-removed",
] as const;
export type ContractRule = (typeof CONTRACT_RULES)[number];

export interface ContractFinding {
  rule: ContractRule;
  /** What changed: `GET /api/Group/{id} (listGroups)`, or a schema and field such as `Group.displayName`. */
  subject: string;
  /** What happened to it, in words. */
  text: string;
  side?: Side;
  /** The named schema the change is in, when there is one (for pointing at its file). */
  schema?: string;
  /** The field (or parameter) name the change is about, when there is one. */
  field?: string;
  /** The operations affected, as `METHOD path`; operationIds for the message. */
  operations: Array<{ method: string; path: string; operationId?: string }>;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const code = (value: unknown) => "`" + (typeof value === "string" ? value : JSON.stringify(value)) + "`";
const list = (values: unknown[]) => values.map(code).join(", ");

/** Follows an internal `$ref` (and keeps 3.1 sibling keywords such as `description`). */
function deref(doc: Json, node: unknown): Json {
  let current: unknown = node;
  for (let hops = 0; isObject(current) && typeof current.$ref === "string" && hops < 50; hops++) {
    const { $ref, ...siblings } = current;
    const target = $ref.startsWith("#/")
      ? $ref
          .slice(2)
          .split("/")
          .reduce<unknown>((at, key) => (isObject(at) ? at[key.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined), doc)
      : undefined;
    if (!isObject(target)) throw new Error(`contract-diff: cannot resolve ${$ref}`);
    current = { ...target, ...siblings };
  }
  return isObject(current) ? current : {};
}

const refName = (node: unknown) =>
  isObject(node) && typeof node.$ref === "string" && node.$ref.startsWith("#/components/schemas/") ? node.$ref.split("/").pop() : undefined;

/** What a schema allows, with `anyOf`/`oneOf` branches and `allOf` parts folded together. */
interface Shape {
  types: Set<string> | null; // null: any type
  values: unknown[] | null; // the enum (or const) values; null: not restricted
  properties: Map<string, unknown>;
  required: Set<string>;
  items: unknown;
}

function shape(doc: Json, node: unknown): Shape {
  const schema = deref(doc, node);
  const own: Shape = {
    types: schema.type === undefined ? null : new Set<string>([schema.type].flat()),
    values: Array.isArray(schema.enum) ? schema.enum : "const" in schema ? [schema.const] : null,
    properties: new Map(Object.entries(isObject(schema.properties) ? schema.properties : {})),
    required: new Set<string>(Array.isArray(schema.required) ? schema.required : []),
    items: schema.items,
  };
  if (schema.nullable === true) own.types?.add("null"); // OpenAPI 3.0 spelling, in case it appears
  for (const part of Array.isArray(schema.allOf) ? schema.allOf : []) {
    const inner = shape(doc, part);
    if (inner.types) own.types = own.types ? new Set([...own.types].filter((t) => covers(inner.types!, t))) : inner.types;
    if (inner.values) own.values = own.values ? own.values.filter((v) => inner.values!.some((w) => same(v, w))) : inner.values;
    inner.properties.forEach((value, key) => own.properties.set(key, value));
    inner.required.forEach((key) => own.required.add(key));
    own.items ??= inner.items;
  }
  const branches: unknown[] = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : [];
  if (branches.length === 0) return own;
  const parts = branches.map((branch) => shape(doc, branch));
  if (schema.type === undefined) own.types = parts.some((p) => !p.types) ? null : new Set(parts.flatMap((p) => [...p.types!]));
  // A `{type: 'null'}` branch adds null, not "any value": it leaves an enum in the other branches in force.
  const valued = parts.filter((p) => !(p.types?.size === 1 && p.types.has("null")));
  if (!own.values && valued.length > 0 && valued.every((p) => p.values)) own.values = valued.flatMap((p) => p.values!);
  for (const part of parts) {
    part.properties.forEach((value, key) => own.properties.has(key) || own.properties.set(key, value));
    own.items ??= part.items;
  }
  return own;
}

const covers = (types: Set<string>, type: string) => types.has(type) || (type === "integer" && types.has("number"));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const typeText = (types: Set<string> | null) => (types ? [...types].join(" | ") : "any");

interface Place {
  operation: { method: string; path: string; operationId?: string };
  side: Side;
  where: string; // `response 200`, `request body`, `query parameter top`
  schema?: string; // innermost named schema
  path: string[]; // field path inside `schema` (or inside `where` when there is none)
}

/** Collects findings, merging the same change reached through several operations. */
class Findings {
  private byKey = new Map<string, ContractFinding>();

  add(rule: ContractRule, text: string, at: Place | { subject: string; operation?: Place["operation"]; field?: string; side?: Side }) {
    const place = "where" in at ? at : undefined;
    const subject = place ? describe(place) : (at as { subject: string }).subject;
    const key = [rule, subject, text, at.side ?? ""].join("\u0000");
    let finding = this.byKey.get(key);
    if (!finding) {
      const field = place ? place.path.filter((segment) => segment !== "[]").pop() : (at as { field?: string }).field;
      finding = { rule, subject, text, operations: [] };
      if (at.side) finding.side = at.side;
      if (place?.schema) finding.schema = place.schema;
      if (field) finding.field = field;
      this.byKey.set(key, finding);
    }
    const operation = at.operation;
    if (operation && !finding.operations.some((o) => o.method === operation.method && o.path === operation.path)) {
      finding.operations.push(operation);
    }
  }

  all(): ContractFinding[] {
    return [...this.byKey.values()];
  }
}

const operationLabel = (o: Place["operation"]) => `${o.method.toUpperCase()} ${o.path}${o.operationId ? ` (${o.operationId})` : ""}`;
const fieldPath = (path: string[]) => path.join(".").replace(/\.\[\]/g, "[]");

function describe(place: Place): string {
  if (place.schema) return place.path.length > 0 ? `${place.schema}.${fieldPath(place.path)}` : place.schema;
  const inside = place.path.length > 0 ? ` field ${code(fieldPath(place.path))}` : "";
  return `${operationLabel(place.operation)} ${place.where}${inside}`;
}

/** Compares two schemas at one place, from the point of view of the side that reads or writes them. */
function compareSchemas(docs: { base: Json; head: Json }, base: unknown, head: unknown, place: Place, out: Findings, seen: Set<string>) {
  const baseRef = refName(base);
  const headRef = refName(head);
  // Inside a named schema that both sides use, report against the schema (once for every operation).
  const here = baseRef && baseRef === headRef ? { ...place, schema: baseRef, path: [] } : place;
  const pair = `${place.side}:${baseRef ?? JSON.stringify(base)}|${headRef ?? JSON.stringify(head)}`;
  if (seen.has(pair)) return; // a recursive schema: this pair is already being compared further up
  seen = new Set(seen).add(pair);

  const b = shape(docs.base, base);
  const h = shape(docs.head, head);

  // Types. Requests must still accept everything they accepted; responses must not send anything new.
  if (place.side === "request") {
    const lost = b.types ? (h.types ? [...b.types].filter((t) => !covers(h.types!, t)) : []) : h.types ? ["(any)"] : [];
    if (lost.length === 1 && lost[0] === "null") out.add("type-changed", "no longer accepts null", here);
    else if (lost.length > 0) out.add("type-changed", `type changed from ${typeText(b.types)} to ${typeText(h.types)}`, here);
  } else {
    const gained = h.types ? (b.types ? [...h.types].filter((t) => !covers(b.types!, t)) : []) : b.types ? ["(any)"] : [];
    if (gained.length === 1 && gained[0] === "null") out.add("response-field-nullable", "can now be null", here);
    else if (gained.length > 0) out.add("type-changed", `type changed from ${typeText(b.types)} to ${typeText(h.types)}`, here);
  }

  // Enums: a value that was allowed and no longer is breaks whoever sends it or compares against it.
  if (b.values && h.values) {
    const removed = b.values.filter((v) => !h.values!.some((w) => same(v, w)));
    if (removed.length > 0) out.add("enum-narrowed", `enum value${removed.length > 1 ? "s" : ""} ${list(removed)} removed`, here);
  } else if (!b.values && h.values && place.side === "request") {
    out.add("enum-narrowed", `now only accepts ${list(h.values)}`, here);
  }

  // Object fields.
  for (const [name, baseField] of b.properties) {
    const at = { ...here, path: [...here.path, name] };
    const headField = h.properties.get(name);
    if (headField === undefined) {
      out.add(place.side === "request" ? "request-field-removed" : "response-field-removed", "removed", at);
      continue;
    }
    if (place.side === "response" && b.required.has(name) && !h.required.has(name)) {
      out.add("response-field-optional", "is no longer always present (made optional)", at);
    }
    compareSchemas(docs, baseField, headField, at, out, seen);
  }
  if (place.side === "request") {
    for (const name of h.required) {
      if (b.required.has(name)) continue;
      const at = { ...here, path: [...here.path, name] };
      out.add("request-field-required", b.properties.has(name) ? "became required" : "was added as required", at);
    }
  }

  // Array items.
  if (b.items !== undefined && h.items !== undefined) {
    compareSchemas(docs, b.items, h.items, { ...here, path: [...here.path, "[]"] }, out, seen);
  }
}

function parametersOf(doc: Json, pathItem: Json, operation: Json): Map<string, Json> {
  const byKey = new Map<string, Json>();
  for (const list of [pathItem.parameters, operation.parameters]) {
    for (const raw of Array.isArray(list) ? list : []) {
      const parameter = deref(doc, raw);
      const name = parameter.in === "header" ? String(parameter.name).toLowerCase() : String(parameter.name);
      byKey.set(`${parameter.in} ${name}`, parameter); // operation-level entries override path-level ones
    }
  }
  return byKey;
}

/** Security alternatives as comparable strings: `clientCredentials: [PM.Group.Read]`. */
function alternatives(doc: Json, operation: Json): string[] | null {
  const requirements: unknown = operation.security ?? doc.security;
  if (!Array.isArray(requirements) || requirements.length === 0) return null; // no auth at all
  return requirements.map(
    (requirement: Json) =>
      Object.keys(requirement)
        .sort()
        .map((scheme) => `${scheme}: [${[...(requirement[scheme] ?? [])].sort().join(", ")}]`)
        .join(" + ") || "(anonymous)",
  );
}

/** Path templates match whatever their parameters are called: `/a/{id}` is `/a/{groupId}` on the wire. */
const pathKey = (path: string) => path.replace(/\{[^}]*\}/g, "{}");

export function diffContract(base: Json, head: Json): ContractFinding[] {
  const out = new Findings();
  const docs = { base, head };
  const headPaths = new Map(Object.entries<Json>(head.paths ?? {}).map(([path, item]) => [pathKey(path), item]));

  for (const [path, rawBaseItem] of Object.entries<Json>(base.paths ?? {})) {
    const baseItem = deref(base, rawBaseItem);
    const rawHeadItem = headPaths.get(pathKey(path));
    const headItem = rawHeadItem ? deref(head, rawHeadItem) : {};
    for (const method of METHODS.filter((m) => isObject(baseItem[m]))) {
      const baseOp: Json = baseItem[method];
      const operation = { method, path, operationId: baseOp.operationId as string | undefined };
      const headOp: Json | undefined = headItem[method];
      const op = (text: string, rule: ContractRule, field?: string) =>
        out.add(rule, text, { subject: operationLabel(operation), operation, ...(field ? { field } : {}) });
      if (!isObject(headOp)) {
        op("the operation was removed", "operation-removed");
        continue;
      }
      if (baseOp.operationId && headOp.operationId !== baseOp.operationId) {
        op(
          `operationId changed from ${code(baseOp.operationId)} to ${code(headOp.operationId ?? "(none)")} (generated types name operations by it)`,
          "operation-id-changed",
        );
      }

      // Scopes: each alternative is a way in that some caller may depend on.
      const baseAlternatives = alternatives(base, baseOp);
      const headAlternatives = alternatives(head, headOp);
      if (baseAlternatives && headAlternatives && !headAlternatives.includes("(anonymous)")) {
        for (const alternative of baseAlternatives.filter((a) => !headAlternatives.includes(a))) {
          op(`security alternative ${code(alternative)} was removed (callers holding only that are refused)`, "scope-removed");
        }
      } else if (!baseAlternatives && headAlternatives) {
        op("now requires authentication", "scope-removed");
      }

      // Parameters.
      const baseParams = parametersOf(base, baseItem, baseOp);
      const headParams = parametersOf(head, headItem, headOp);
      for (const [key, parameter] of baseParams) {
        const label = `${parameter.in} parameter ${code(parameter.name)}`;
        const headParam = headParams.get(key);
        if (!headParam) {
          op(`${label} was removed`, "parameter-removed", parameter.name);
          continue;
        }
        if (!parameter.required && headParam.required) op(`${label} became required`, "parameter-required", parameter.name);
        const place: Place = { operation, side: "request", where: label, path: [] };
        compareSchemas(docs, parameter.schema, headParam.schema, place, out, new Set());
      }
      for (const [key, parameter] of headParams) {
        if (!baseParams.has(key) && parameter.required) {
          op(`${parameter.in} parameter ${code(parameter.name)} was added as required`, "parameter-required", parameter.name);
        }
      }

      // Request body.
      const baseBody = baseOp.requestBody ? deref(base, baseOp.requestBody) : undefined;
      const headBody = headOp.requestBody ? deref(head, headOp.requestBody) : undefined;
      if (headBody?.required && !baseBody?.required) {
        op(baseBody ? "the request body became required" : "a required request body was added", "request-body-required");
      }
      if (baseBody && headBody) {
        for (const [type, media] of Object.entries<Json>(baseBody.content ?? {})) {
          const headMedia = headBody.content?.[type];
          if (!headMedia) op(`request body ${code(type)} is no longer accepted`, "media-type-removed");
          else
            compareSchemas(
              docs,
              media.schema,
              headMedia.schema,
              { operation, side: "request", where: "request body", path: [] },
              out,
              new Set(),
            );
        }
      }

      // Responses.
      for (const [status, rawResponse] of Object.entries<Json>(baseOp.responses ?? {})) {
        const rawHead = headOp.responses?.[status];
        if (!rawHead) {
          op(`response ${status} was removed`, "response-removed");
          continue;
        }
        const response = deref(base, rawResponse);
        const headResponse = deref(head, rawHead);
        for (const [type, media] of Object.entries<Json>(response.content ?? {})) {
          const headMedia = headResponse.content?.[type];
          if (!headMedia) op(`response ${status} no longer comes as ${code(type)}`, "media-type-removed");
          else
            compareSchemas(
              docs,
              media.schema,
              headMedia.schema,
              { operation, side: "response", where: `response ${status}`, path: [] },
              out,
              new Set(),
            );
        }
      }
    }
  }

  // Named schemas are part of the generated types: `components["schemas"]["Group"]`.
  for (const name of Object.keys(base.components?.schemas ?? {})) {
    if (!(name in (head.components?.schemas ?? {}))) {
      out.add("schema-removed", `the schema was removed (generated types name it as components["schemas"][${code(name)}])`, {
        subject: name,
      });
    }
  }
  return out.all();
}

/** One line per finding, for people. */
export function formatContractFinding(finding: ContractFinding): string {
  const reach =
    finding.schema && finding.operations.length > 0
      ? ` (${finding.side === "request" ? "requests" : "responses"} of ${finding.operations.map((o) => o.operationId ?? `${o.method.toUpperCase()} ${o.path}`).join(", ")})`
      : "";
  return `${finding.subject}: ${finding.text}${reach}`;
}
