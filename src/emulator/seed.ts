// Seed data: what an organization holds when the emulator starts. The `seed` option names the
// bundled demo file, an empty organization, an object or a JSON file; every one is checked against
// the document's own schemas.
import { readFileSync } from "node:fs";
import type { components } from "../../generated/schema.js";
import { DOC_ID, type DocumentValidator } from "./validator.js";

type Group = components["schemas"]["Group"];
type RobotAccount = components["schemas"]["RobotAccount"];
type DirectoryEntity = components["schemas"]["DirectoryEntity"];
type User = components["schemas"]["User"];

/** The user fields a seeded user may add to its directory entry. */
type SeedUserFields =
  | "surname"
  | "type"
  | "isActive"
  | "invitationAccepted"
  | "emailConfirmed"
  | "creationTime"
  | "lastModificationTime"
  | "lastLoginTime"
  | "legacyId"
  | "category"
  | "bypassBasicAuthRestriction";

/**
 * A user: its directory entry (`identifier` is the id) plus, optionally, user fields. The first
 * name is `firstName` or `name`, the last name `surname` or `lastName`, and the user name
 * `userName`, else the e-mail address, else the id.
 */
export type SeedUser = DirectoryEntity & { identifier: string; userName?: string } & Partial<Pick<User, SeedUserFields>>;
export type SeedGroup = Pick<Group, "id" | "name" | "type"> &
  Partial<Pick<Group, "creationTime" | "lastModificationTime">> & {
    /** Users and directory groups in the group (robot accounts name their groups themselves). */
    memberIds?: string[];
  };
export type SeedRobotAccount = Pick<RobotAccount, "id" | "name"> &
  Partial<Pick<RobotAccount, "displayName" | "creationTime" | "lastLoginTime" | "groupIds">>;

/** A group of the linked directory (Entra ID, Active Directory), which groups can hold as a member. */
export interface SeedDirectoryGroup {
  id: string;
  name: string;
  /** The directory's name as the service reports it; default `azuread`. Never `local`. */
  source?: string;
}

export interface SeedData {
  users?: SeedUser[];
  directoryGroups?: SeedDirectoryGroup[];
  groups?: SeedGroup[];
  robotAccounts?: SeedRobotAccount[];
}

/** "demo" (the walkthrough data), "empty" (built-in groups only), a seed object, or a JSON file path. */
// The names are listed for editors to complete; any path is a string too.
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
export type SeedOption = "demo" | "empty" | SeedData | string;

const DEMO_SEED_URL = new URL("./demo-seed.json", import.meta.url);

const ref = (name: string) => ({ $ref: `${DOC_ID}#/components/schemas/${name}` });
const userField = (name: string) => ({ $ref: `${DOC_ID}#/components/schemas/User/properties/${name}` });
const SEED_USER_FIELDS: SeedUserFields[] = [
  "surname",
  "type",
  "isActive",
  "invitationAccepted",
  "emailConfirmed",
  "creationTime",
  "lastModificationTime",
  "lastLoginTime",
  "legacyId",
  "category",
  "bypassBasicAuthRestriction",
];

// Reuses the contract's schemas for every field the wire also carries.
const SEED_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    users: {
      type: "array",
      items: {
        allOf: [
          ref("DirectoryEntity"),
          {
            required: ["identifier"],
            properties: {
              identifier: ref("Uuid"),
              objectType: { const: "DirectoryUser" },
              userName: ref("UserName"),
              ...Object.fromEntries(SEED_USER_FIELDS.map((f) => [f, userField(f)])),
            },
          },
        ],
      },
    },
    directoryGroups: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "name"],
        properties: {
          id: ref("Uuid"),
          name: { type: "string", minLength: 1 },
          source: { type: "string", minLength: 1, not: { const: "local" } },
        },
      },
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

/** Turns the `seed` option into checked seed data. */
export function resolveSeed(option: SeedOption, validator: DocumentValidator): SeedData {
  if (option === "demo") return checkSeed(loadDemoSeed(), validator, "demo");
  // Every organization has its built-in groups, so an "empty" one still lists them.
  if (option === "empty") return { groups: builtInGroups(loadDemoSeed()) };
  if (typeof option === "string") return checkSeed(readSeedFile(option), validator, `file ${option}`);
  return checkSeed(structuredClone(option), validator, "object");
}

/** The built-in groups every organization has, also in an "empty" seed (without the demo's members). */
function builtInGroups(demo: SeedData): SeedGroup[] {
  return (demo.groups ?? []).filter((g) => g.type === 0 || g.type === "builtIn").map(({ memberIds: _members, ...g }) => g);
}

function loadDemoSeed(): SeedData {
  return JSON.parse(readFileSync(DEMO_SEED_URL, "utf8")) as SeedData;
}

/** Reads a seed file; the error names the file and the fault in one line. */
function readSeedFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`Cannot read seed file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`Seed file ${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** Checks a seed's shape and that every id it mentions exists; throws one clear line otherwise. */
function checkSeed(value: unknown, validator: DocumentValidator, origin: string): SeedData {
  const problems = validator.checkSchema(SEED_SCHEMA, value);
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new Error(`Seed ${origin} is invalid: ${first.instancePath || "(root)"} ${first.message ?? "is invalid"}`);
  }
  const seed = value as SeedData;
  const users = checkSeedUsers(seed, origin);
  for (const d of seed.directoryGroups ?? []) {
    if (users.has(d.id.toLowerCase())) throw new Error(`Seed ${origin} is invalid: directory group id ${d.id} appears twice`);
    users.add(d.id.toLowerCase());
  }
  const groups = new Set<string>();
  const names = new Set<string>();
  for (const g of seed.groups ?? []) {
    const id = g.id.toLowerCase();
    if (groups.has(id)) throw new Error(`Seed ${origin} is invalid: group id ${g.id} appears twice`);
    if (names.has(String(g.name).toLowerCase())) throw new Error(`Seed ${origin} is invalid: group name '${g.name}' appears twice`);
    groups.add(id);
    names.add(String(g.name).toLowerCase());
    for (const m of g.memberIds ?? []) {
      if (!users.has(m.toLowerCase()))
        throw new Error(`Seed ${origin} is invalid: group '${g.name}' names unknown user or directory group ${m}`);
    }
  }
  const accountNames = new Set<string>();
  const accountIds = new Set<string>();
  const userNames = new Set((seed.users ?? []).map((u) => seedUserName(u).toLowerCase()));
  for (const r of seed.robotAccounts ?? []) {
    if (accountIds.has(r.id.toLowerCase()) || users.has(r.id.toLowerCase()))
      throw new Error(`Seed ${origin} is invalid: robot account id ${r.id} appears twice`);
    if (accountNames.has(String(r.name).toLowerCase()))
      throw new Error(`Seed ${origin} is invalid: robot account name '${r.name}' appears twice`);
    // Robot accounts are identity users: their names share one namespace with user names.
    if (userNames.has(String(r.name).toLowerCase()))
      throw new Error(`Seed ${origin} is invalid: robot account name '${r.name}' is also a user name`);
    accountIds.add(r.id.toLowerCase());
    accountNames.add(String(r.name).toLowerCase());
    for (const gid of r.groupIds ?? []) {
      if (!groups.has(gid.toLowerCase()))
        throw new Error(`Seed ${origin} is invalid: robot account '${r.name}' names unknown group ${gid}`);
    }
  }
  return seed;
}

/** The user name a seeded user gets: its own, else its e-mail address, else its id. */
export function seedUserName(u: SeedUser): string {
  return u.userName ?? (u.email || u.identifier.toLowerCase());
}

/** User ids, names and e-mail addresses (except the empty one) are unique, ignoring case. */
function checkSeedUsers(seed: SeedData, origin: string): Set<string> {
  const ids = new Set<string>();
  const names = new Set<string>();
  const emails = new Set<string>();
  for (const u of seed.users ?? []) {
    const id = u.identifier.toLowerCase();
    const name = seedUserName(u).toLowerCase();
    const email = (u.email ?? "").toLowerCase();
    if (ids.has(id)) throw new Error(`Seed ${origin} is invalid: user id ${u.identifier} appears twice`);
    if (names.has(name)) throw new Error(`Seed ${origin} is invalid: user name '${seedUserName(u)}' appears twice`);
    if (email !== "" && emails.has(email)) throw new Error(`Seed ${origin} is invalid: e-mail address '${u.email}' appears twice`);
    ids.add(id);
    names.add(name);
    if (email !== "") emails.add(email);
  }
  return ids;
}
