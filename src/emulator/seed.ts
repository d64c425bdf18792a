// Seed data: what an organization holds when the emulator starts. Loaded from the bundled demo
// file, an object, or a JSON file, and checked against the document's own schemas.
import { readFileSync } from "node:fs";
import type { components } from "../../generated/schema.js";
import { DOC_ID, type DocumentValidator } from "./validator.js";

type Group = components["schemas"]["Group"];
type RobotAccount = components["schemas"]["RobotAccount"];
type DirectoryEntity = components["schemas"]["DirectoryEntity"];

export type SeedUser = DirectoryEntity & { identifier: string };
export type SeedGroup = Pick<Group, "id" | "name" | "type"> &
  Partial<Pick<Group, "creationTime" | "lastModificationTime">> & {
    /** Directory users in the group (robot accounts name their groups themselves). */
    memberIds?: string[];
  };
export type SeedRobotAccount = Pick<RobotAccount, "id" | "name"> &
  Partial<Pick<RobotAccount, "displayName" | "creationTime" | "lastLoginTime" | "groupIds">>;

export interface SeedData {
  users?: SeedUser[];
  groups?: SeedGroup[];
  robotAccounts?: SeedRobotAccount[];
}

export const DEMO_SEED_URL = new URL("./demo-seed.json", import.meta.url);

const ref = (name: string) => ({ $ref: `${DOC_ID}#/components/schemas/${name}` });

// Reuses the contract's schemas for every field the wire also carries.
const SEED_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    users: {
      type: "array",
      items: { allOf: [ref("DirectoryEntity"), { required: ["identifier"], properties: { identifier: ref("Uuid"), objectType: { const: "DirectoryUser" } } }] },
    },
    groups: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "name", "type"],
        properties: {
          id: ref("Uuid"),
          name: { type: "string", minLength: 1 },
          type: ref("GroupType"),
          creationTime: ref("Timestamp"),
          lastModificationTime: { anyOf: [ref("Timestamp"), { type: "null" }] },
          memberIds: { type: "array", items: ref("Uuid") },
        },
      },
    },
    robotAccounts: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "name"],
        properties: {
          id: ref("Uuid"),
          name: { type: "string", minLength: 1 },
          displayName: { type: ["string", "null"] },
          creationTime: ref("Timestamp"),
          lastLoginTime: { anyOf: [ref("Timestamp"), { type: "null" }] },
          groupIds: ref("UuidList"),
        },
      },
    },
  },
};

/** The built-in groups every organization has, also in an "empty" seed. */
export function builtInGroups(demo: SeedData): SeedGroup[] {
  return (demo.groups ?? []).filter((g) => g.type === 0 || g.type === "builtIn");
}

export function loadDemoSeed(): SeedData {
  return JSON.parse(readFileSync(DEMO_SEED_URL, "utf8")) as SeedData;
}

/** Reads a seed file; the error names the file and the fault in one line. */
export function readSeedFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`Cannot read seed file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`Seed file ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Checks a seed's shape and that every id it mentions exists; throws one clear line otherwise. */
export function checkSeed(value: unknown, validator: DocumentValidator, origin: string): SeedData {
  const problems = validator.checkSchema(SEED_SCHEMA, value);
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new Error(`Seed ${origin} is invalid: ${first.instancePath || "(root)"} ${first.message ?? "is invalid"}`);
  }
  const seed = value as SeedData;
  const users = new Set((seed.users ?? []).map((u) => u.identifier.toLowerCase()));
  const groups = new Set<string>();
  const names = new Set<string>();
  for (const g of seed.groups ?? []) {
    const id = g.id.toLowerCase();
    if (groups.has(id)) throw new Error(`Seed ${origin} is invalid: group id ${g.id} appears twice`);
    if (names.has(String(g.name).toLowerCase())) throw new Error(`Seed ${origin} is invalid: group name '${g.name}' appears twice`);
    groups.add(id);
    names.add(String(g.name).toLowerCase());
    for (const m of g.memberIds ?? []) {
      if (!users.has(m.toLowerCase())) throw new Error(`Seed ${origin} is invalid: group '${g.name}' names unknown user ${m}`);
    }
  }
  const robotNames = new Set<string>();
  const robotIds = new Set<string>();
  for (const r of seed.robotAccounts ?? []) {
    if (robotIds.has(r.id.toLowerCase())) throw new Error(`Seed ${origin} is invalid: robot account id ${r.id} appears twice`);
    if (robotNames.has(String(r.name).toLowerCase())) throw new Error(`Seed ${origin} is invalid: robot account name '${r.name}' appears twice`);
    robotIds.add(r.id.toLowerCase());
    robotNames.add(String(r.name).toLowerCase());
    for (const gid of r.groupIds ?? []) {
      if (!groups.has(gid.toLowerCase())) throw new Error(`Seed ${origin} is invalid: robot account '${r.name}' names unknown group ${gid}`);
    }
  }
  return seed;
}
