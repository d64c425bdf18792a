import { describe, expect, it } from "@jest/globals";
import { createValidator, loadDocument, listOperations, type Doc } from "../helpers/contract.js";
import { collectExamples } from "../helpers/examples.js";

const doc = loadDocument();

function failures(document: Doc) {
  const validator = createValidator(document);
  return collectExamples(document)
    .map((c) => ({ where: c.where, errors: validator.validate(c.schemaPointer, c.value) }))
    .filter((r) => r.errors.length > 0)
    .map((r) => `${r.where}: ${r.errors.map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ")}`);
}

describe("examples in the contract", () => {
  it("every example validates against the schema it illustrates", () => {
    expect(failures(doc)).toEqual([]);
  });

  it("covers a request example for every operation with a body and a success example for every operation", () => {
    const cases = collectExamples(doc);
    for (const op of listOperations(doc)) {
      const success = cases.filter((c) => c.where.startsWith(`${op.operationId} 2`));
      const hasBody = cases.some((c) => c.where.startsWith(`${op.operationId} request`));
      const opNode = (
        doc.paths as Record<string, Record<string, { requestBody?: unknown; responses: Record<string, { content?: unknown }> }>>
      )[op.path]![op.method]!;
      const successHasContent = Object.entries(opNode.responses).some(([s, r]) => s.startsWith("2") && r.content);
      expect({ op: op.operationId, body: hasBody }).toEqual({ op: op.operationId, body: Boolean(opNode.requestBody) });
      expect({ op: op.operationId, success: success.length > 0 }).toEqual({ op: op.operationId, success: successHasContent });
    }
  });

  it("catches a deliberately broken example", () => {
    const broken = structuredClone<Doc>(doc);
    const examples = (broken.components as Record<string, Record<string, { value: Record<string, unknown> }>>).examples!;
    examples.GryffindorsGroup!.value.id = "gryff-01"; // a doc placeholder, not a GUID
    examples.RobyRobotAccount!.value.groupIds = "gryff-01"; // wrong type
    examples.RonUser!.value.type = "wizard"; // not a UserType
    const found = failures(broken);
    expect(found.some((f) => f.includes("getUser 200") && f.includes("/type"))).toBe(true);
    expect(found.some((f) => f.includes("createGroup 201") && f.includes("/id"))).toBe(true);
    expect(found.some((f) => f.includes("getRobotAccount 200") && f.includes("/groupIds"))).toBe(true);
  });
});
