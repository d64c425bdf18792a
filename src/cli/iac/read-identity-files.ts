// Reading identity files: YAML or JSON checked against the JSON Schema the package ships, and the
// CSV onboarding forms (robot accounts: name,displayName,groups; users: email,name,surname,groups).
// Every entry keeps where it was written (see identity-file.ts).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse as parseCsv } from "csv-parse/sync";
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { UsageError } from "../failures.js";
import { readAll, type Io } from "../io.js";
import { FileProblems, noPrune, where, type DesiredMember, type IdentityFile, type Position, type Prune } from "./identity-file.js";

export const SCHEMA_URL = new URL("../../../schema/identity-file.schema.json", import.meta.url);

let validator: ReturnType<Ajv2020["compile"]> | undefined;
function schemaValidator() {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    addFormats.default(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as object);
  }
  return validator;
}

/** Reads and checks every file (`-` is stdin), then merges them; throws FileProblems listing all problems. */
export async function readIdentityFiles(paths: string[], io: Io): Promise<IdentityFile> {
  if (paths.length === 0) throw new UsageError("No file given: pass -f FILE (YAML, JSON or CSV; - reads stdin)");
  if (paths.filter((p) => p === "-").length > 1) throw new UsageError("stdin (-) can be read only once");
  const merged: IdentityFile = { groups: [], robotAccounts: [], users: [], prune: noPrune(), sources: [] };
  const problems: string[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = path === "-" ? await readAll(io.stdin) : readFileSync(path, "utf8");
    } catch (error) {
      throw new UsageError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const name = path === "-" ? "(stdin)" : path;
    merged.sources.push({ path: name, sha256: createHash("sha256").update(text).digest("hex") });
    const part = looksLikeCsv(path, text) ? readCsv(name, text, problems) : readDocument(name, text, problems);
    if (!part) continue;
    merged.groups.push(...part.groups);
    merged.robotAccounts.push(...part.robotAccounts);
    merged.users.push(...part.users);
    merged.prune.groups ||= part.prune.groups;
    merged.prune.robotAccounts ||= part.prune.robotAccounts;
    merged.prune.users ||= part.prune.users;
  }
  duplicates(merged.groups, (g) => g.name, "group", problems);
  duplicates(merged.robotAccounts, (r) => r.name, "robot account", problems);
  duplicates(merged.users, (u) => u.email, "user", problems);
  if (problems.length > 0) throw new FileProblems(problems);
  return merged;
}

function looksLikeCsv(path: string, text: string): boolean {
  if (/\.csv$/i.test(path)) return true;
  if (/\.(ya?ml|json)$/i.test(path)) return false;
  const first = text.split(/\r?\n/, 1)[0] ?? "";
  return /^\s*(name|email)\s*,/i.test(first);
}

type Part = Omit<IdentityFile, "sources">;

function readDocument(file: string, text: string, problems: string[]): Part | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const pos = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push(`${where(pos(e.pos[0]))}: ${e.message.split("\n")[0]}`);
    return undefined;
  }
  const value = (doc.toJS() ?? {}) as Record<string, unknown>;
  const validate = schemaValidator();
  if (!validate(value)) {
    for (const e of relevantErrors(validate.errors ?? [])) {
      const message = schemaMessage(e);
      if (message) problems.push(`${where(pos(offsetOf(doc, e)))}: ${message}`);
    }
    return undefined;
  }
  const at = (path: Array<string | number>): Position => {
    const node = doc.getIn(path, true) as Node | undefined;
    return pos(node?.range?.[0] ?? 0);
  };
  const located = (path: Array<string | number>, list: string[] | undefined) =>
    (list ?? []).map((v, i) => ({ value: v.trim(), at: at([...path, i]) }));
  const content = value as {
    groups?: Array<{ name: string; members?: Array<string | { group: string }>; exclusive?: boolean; builtIn?: boolean }>;
    robotAccounts?: Array<{ name: string; displayName?: string; groups?: string[] }>;
    users?: Array<{ email: string; name?: string; surname?: string; groups?: string[]; active?: boolean; invite?: boolean }>;
    prune?: Partial<Prune>;
  };
  const members = (path: Array<string | number>, list: Array<string | { group: string }>): DesiredMember[] =>
    list.map((m, i) =>
      typeof m === "string"
        ? { value: m.trim(), kind: "any", at: at([...path, i]) }
        : { value: m.group.trim(), kind: "directoryGroup", at: at([...path, i, "group"]) },
    );
  return {
    groups: (content.groups ?? []).map((g, i) => ({
      name: g.name.trim(),
      ...(g.members !== undefined && { members: members(["groups", i, "members"], g.members) }),
      exclusive: g.exclusive === true,
      builtIn: g.builtIn === true,
      at: at(["groups", i]),
    })),
    robotAccounts: (content.robotAccounts ?? []).map((r, i) => ({
      name: r.name.trim(),
      ...(r.displayName !== undefined && { displayName: r.displayName }),
      groups: located(["robotAccounts", i, "groups"], r.groups),
      at: at(["robotAccounts", i]),
    })),
    users: (content.users ?? []).map((u, i) => ({
      email: u.email.trim(),
      ...(u.name !== undefined && { name: u.name }),
      ...(u.surname !== undefined && { surname: u.surname }),
      ...(u.active !== undefined && { active: u.active }),
      ...(u.invite !== undefined && { invite: u.invite }),
      groups: located(["users", i, "groups"], u.groups),
      at: at(["users", i]),
    })),
    prune: {
      groups: content.prune?.groups === true,
      robotAccounts: content.prune?.robotAccounts === true,
      users: content.prune?.users === true,
    },
  };
}

/** Where an Ajv error points: the offending key for an unknown one, else the value. */
function offsetOf(doc: Document, e: ErrorObject): number {
  const path = e.instancePath
    .split("/")
    .slice(1)
    .map((p) => {
      const token = p.replace(/~1/g, "/").replace(/~0/g, "~");
      return /^\d+$/.test(token) ? Number(token) : token;
    });
  const node = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as Node | null | undefined;
  const extra = (e.params as { additionalProperty?: string }).additionalProperty;
  if (extra !== undefined && node && isMap(node)) {
    const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === extra);
    const key = pair?.key as Node | undefined;
    if (key?.range) return key.range[0];
  }
  if (e.keyword === "required" && node && (isMap(node) || isSeq(node)) && node.range) return node.range[0];
  return node?.range?.[0] ?? 0;
}

/**
 * A value that may take one of several forms (a member: a name or `{ group: NAME }`) fails each
 * form's check. When the object form says what is wrong inside it, that says most; otherwise one
 * line names the forms, instead of one "must be string" per form.
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const alternatives = new Set(errors.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath));
  return errors.filter((e) => {
    if (!alternatives.has(e.instancePath)) return true;
    const inside = errors.some((o) => o.instancePath === e.instancePath && o.keyword !== "type" && o.keyword !== "oneOf");
    if (e.keyword === "type") return false;
    return e.keyword === "oneOf" ? !inside : true;
  });
}

function schemaMessage(e: ErrorObject): string | undefined {
  const field = e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(top level)";
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties":
      return (
        `unknown key ${JSON.stringify(params.additionalProperty)}${field === "(top level)" ? "" : ` in ${field}`} ` +
        `(allowed: ${allowedKeys(e)})`
      );
    case "required":
      return `${field} needs ${JSON.stringify(params.missingProperty)}`;
    case "type":
      return `${field} must be ${String(params.type)}`;
    case "format":
      return `${field} is not ${params.format === "email" ? "an e-mail address" : `a valid ${String(params.format)}`}`;
    case "minLength":
    case "pattern":
      return `${field} must not be empty`;
    case "if":
      // Reported by the `then` branch's own error.
      return undefined;
    case "oneOf":
      return `${field} must be a name (a user's e-mail address or user name, a robot account's name) or { group: NAME } for a directory group`;
    default:
      return `${field} ${e.message ?? "is invalid"}`;
  }
}

function allowedKeys(e: ErrorObject): string {
  const properties = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  return Object.keys(properties)
    .filter((k) => k !== "$schema")
    .join(", ");
}

const CSV_FORMS = {
  robotAccounts: { required: ["name"], allowed: ["name", "displayName", "groups"] },
  users: { required: ["email"], allowed: ["email", "name", "surname", "groups", "active"] },
} as const;

function readCsv(file: string, text: string, problems: string[]): Part | undefined {
  // csv-parse fixes the line ending from the first line, so mixed endings are made uniform first.
  const normalized = text.replace(/\r\n?/g, "\n");
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parseCsv(normalized, { bom: true, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof rows;
  } catch (error) {
    const e = error as { lines?: number; column?: number; message: string };
    problems.push(`${file}:${e.lines ?? 1}:${(e.column ?? 0) + 1}: ${e.message.split("\n")[0]}`);
    return undefined;
  }
  const [head, ...records] = rows;
  const columns = (head?.record ?? []).map((h) => h.trim());
  const kind = columns.includes("email") ? "users" : columns.includes("name") ? "robotAccounts" : undefined;
  if (!kind) {
    problems.push(`${file}:1:1: the header must be name,displayName,groups (robot accounts) or email,name,surname,groups (users)`);
    return undefined;
  }
  const form = CSV_FORMS[kind];
  columns.forEach((c, i) => {
    if (!(form.allowed as readonly string[]).includes(c)) {
      problems.push(
        `${file}:1:${i + 1}: unknown column ${JSON.stringify(c)} ` +
          `(allowed for ${kind === "users" ? "users" : "robot accounts"}: ${form.allowed.join(", ")})`,
      );
    }
  });
  const part: Part = { groups: [], robotAccounts: [], users: [], prune: noPrune() };
  records.forEach(({ record, info }) => {
    // csv-parse counts lines up to the end of the record; a record spans one line unless quoted.
    const line = info.lines;
    const cell = (name: string) => {
      const i = columns.indexOf(name);
      return i < 0 ? undefined : { value: record[i] ?? "", at: { file, line, column: i + 1 } };
    };
    const key = cell(form.required[0]);
    if (!key || key.value === "") {
      problems.push(`${file}:${line}:${key?.at.column ?? 1}: ${form.required[0]} must not be empty`);
      return;
    }
    const groupsCell = cell("groups");
    const groups = (groupsCell?.value ?? "")
      .split(";")
      .map((g) => g.trim())
      .filter(Boolean)
      .map((value) => ({ value, at: groupsCell!.at }));
    const at = { file, line, column: 1 };
    if (kind === "robotAccounts") {
      const displayName = cell("displayName")?.value;
      part.robotAccounts.push({ name: key.value, ...(displayName && { displayName }), groups, at });
    } else {
      if (!/^[^\s@]+@[^\s@]+$/.test(key.value)) problems.push(`${where(key.at)}: ${JSON.stringify(key.value)} is not an e-mail address`);
      const name = cell("name")?.value;
      const surname = cell("surname")?.value;
      const active = cell("active");
      if (active && active.value !== "" && !/^(true|false)$/i.test(active.value)) {
        problems.push(`${where(active.at)}: active must be true or false, not ${JSON.stringify(active.value)}`);
      }
      const isActive = active && active.value !== "" ? { active: active.value.toLowerCase() === "true" } : {};
      part.users.push({ email: key.value, ...(name && { name }), ...(surname && { surname }), ...isActive, groups, at });
    }
  });
  return part;
}

function duplicates<T extends { at: Position }>(items: T[], key: (item: T) => string, what: string, problems: string[]): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item).toLowerCase();
    const first = seen.get(k);
    if (first) problems.push(`${where(item.at)}: ${what} ${JSON.stringify(key(item))} is already listed at ${where(first.at)}`);
    else seen.set(k, item);
  }
}
