import { describe, expect, it } from "@jest/globals";
import { createValidator, findOperation, loadDocument, requestSchemaPointer, responseSchemaPointer } from "../helpers/contract.js";
import { SEED_PAYLOADS, withGuids } from "../fixtures/seed-payloads.js";
import { USER_PAYLOADS } from "../fixtures/user-payloads.js";
import { ORG } from "../fixtures/walkthrough.js";

const doc = loadDocument();
const validator = createValidator(doc);

function pointerFor(operationId: string, part: string, mediaType?: string): string {
  const op = findOperation(doc, operationId);
  return part === "request" ? requestSchemaPointer(op) : responseSchemaPointer(doc, op, part, mediaType);
}

describe("payloads from the seed documentation pages", () => {
  it.each(SEED_PAYLOADS.map((p) => [`${p.page}: ${p.operationId} ${p.part}`, p] as const))("%s validates", (_name, payload) => {
    const errors = validator.validate(pointerFor(payload.operationId, payload.part), withGuids(payload.text));
    expect(errors).toEqual([]);
  });

  it("still rejects the pages' placeholder ids, as the live service does", () => {
    const raw = JSON.parse(SEED_PAYLOADS[0]!.text) as unknown;
    const errors = validator.validate(pointerFor("createGroup", "request"), raw);
    expect(errors.map((e) => e.instancePath)).toEqual(expect.arrayContaining(["/partitionGlobalId", "/id", "/directoryUserMemberIDs/0"]));
  });

  it("accepts GroupType both as the live integers and as the names in UiPath's document", () => {
    const pointer = "#/components/schemas/GroupType";
    for (const ok of [0, 1, "builtIn", "custom"]) expect(validator.validate(pointer, ok)).toEqual([]);
    for (const bad of [2, "local", null]) expect(validator.validate(pointer, bad)).not.toEqual([]);
  });

  it("lets responses carry fields the service may add later", () => {
    const group = { ...(withGuids(SEED_PAYLOADS[1]!.text) as object), someFutureField: { nested: true } };
    expect(validator.validate(pointerFor("createGroup", "201"), group)).toEqual([]);
  });
});

describe("users and directory payloads as recorded from the live service and UiPath's pages", () => {
  it.each(USER_PAYLOADS.map((p) => [`${p.source}: ${p.operationId} ${p.part}`, p] as const))("%s validates", (_name, payload) => {
    expect(validator.validate(pointerFor(payload.operationId, payload.part, payload.mediaType), payload.value)).toEqual([]);
  });

  it("accepts UserType as the live integers 0-5 and as the names in UiPath's document, nothing else", () => {
    const pointer = "#/components/schemas/UserType";
    for (const ok of [0, 1, 2, 3, 4, 5, "user", "robot", "directoryUser", "directoryGroup", "robotAccount", "application"]) {
      expect(validator.validate(pointer, ok)).toEqual([]);
    }
    for (const bad of [6, -1, "admin", null]) expect(validator.validate(pointer, bad)).not.toEqual([]);
  });

  it("takes an empty e-mail address or a real one on create, and refuses anything else", () => {
    const create = pointerFor("createUser", "request");
    const base = { partitionGlobalId: ORG, userName: "filch" };
    expect(validator.validate(create, { ...base, email: "" })).toEqual([]);
    expect(validator.validate(create, { ...base, email: "argus.filch@hogwarts.example" })).toEqual([]);
    expect(validator.validate(create, { ...base, email: "argus filch" })).not.toEqual([]);
    expect(validator.validate(create, { partitionGlobalId: base.partitionGlobalId, email: "a@b.example" })).not.toEqual([]);
  });

  it("lets a user carry fields the service may add later", () => {
    const user = { ...(USER_PAYLOADS[0]!.value as object), someFutureField: [1, 2] };
    expect(validator.validate(pointerFor("getUser", "200"), user)).toEqual([]);
  });
});
