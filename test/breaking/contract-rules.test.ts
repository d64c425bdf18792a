// One fixture per contract rule: each edits the real bundled document (generated/openapi.json) the
// way a pull request would, and the checker must name that change, and only that kind of change.
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CONTRACT_RULES, diffContract, formatContractFinding, type ContractRule } from "../../scripts/contract-diff.js";

type Doc = Record<string, any>;
const original: Doc = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../generated/openapi.json"), "utf8"));
const copy = (): Doc => structuredClone(original);
const schemas = (doc: Doc) => doc.components.schemas;
const op = (doc: Doc, path: string, method: string) => doc.paths[path][method];
const param = (doc: Doc, path: string, method: string, name: string) => op(doc, path, method).parameters.find((p: Doc) => p.name === name);

interface Fixture {
  rule: ContractRule;
  name: string;
  base?: (doc: Doc) => void; // when the rule needs a starting point the real document lacks
  head: (doc: Doc) => void;
  message: string;
}

const fixtures: Fixture[] = [
  {
    rule: "operation-removed",
    name: "an operation is removed",
    head: (d) => delete d.paths["/api/Group/{id}"].delete,
    message: "DELETE /api/Group/{id} (deleteGroups): the operation was removed",
  },
  {
    rule: "operation-id-changed",
    name: "an operationId is renamed",
    head: (d) => (op(d, "/api/Group", "post").operationId = "makeGroup"),
    message: "POST /api/Group (createGroup): operationId changed from `createGroup` to `makeGroup`",
  },
  {
    rule: "scope-removed",
    name: "a scope alternative is removed",
    head: (d) => op(d, "/api/Group/{id}", "get").security.splice(1, 1),
    message: "GET /api/Group/{id} (listGroups): security alternative `clientCredentials: [PM.Group.Read]` was removed",
  },
  {
    rule: "scope-removed",
    name: "an alternative needs one more scope",
    head: (d) => (op(d, "/api/Group", "post").security[1] = { clientCredentials: ["PM.Group.Write", "PM.Group.Read"] }),
    message: "POST /api/Group (createGroup): security alternative `clientCredentials: [PM.Group.Write]` was removed",
  },
  {
    rule: "parameter-removed",
    name: "a query parameter is removed",
    head: (d) => {
      const list = op(d, "/api/RobotAccount/{id}", "get").parameters;
      list.splice(
        list.findIndex((p: Doc) => p.name === "searchTerm"),
        1,
      );
    },
    message: "GET /api/RobotAccount/{id} (listRobotAccounts): query parameter `searchTerm` was removed",
  },
  {
    rule: "parameter-required",
    name: "a required parameter is added",
    head: (d) =>
      op(d, "/api/Group/{id}", "get").parameters.push({ name: "filter", in: "query", required: true, schema: { type: "string" } }),
    message: "GET /api/Group/{id} (listGroups): query parameter `filter` was added as required",
  },
  {
    rule: "parameter-required",
    name: "an optional parameter becomes required",
    head: (d) => (param(d, "/api/RobotAccount/{id}", "get", "searchTerm").required = true),
    message: "GET /api/RobotAccount/{id} (listRobotAccounts): query parameter `searchTerm` became required",
  },
  {
    rule: "request-body-required",
    name: "a required request body is added",
    head: (d) =>
      (op(d, "/api/Group/{id}", "get").requestBody = { required: true, content: { "application/json": { schema: { type: "object" } } } }),
    message: "GET /api/Group/{id} (listGroups): a required request body was added",
  },
  {
    rule: "request-body-required",
    name: "an optional request body becomes required",
    base: (d) => (op(d, "/api/Group", "post").requestBody.required = false),
    head: (d) => (op(d, "/api/Group", "post").requestBody.required = true),
    message: "POST /api/Group (createGroup): the request body became required",
  },
  {
    rule: "media-type-removed",
    name: "a response media type is removed",
    head: (d) => delete op(d, "/api/Group/{partitionGlobalId}/{groupId}", "get").responses["200"].content["application/json"],
    message: "GET /api/Group/{partitionGlobalId}/{groupId} (getGroup): response 200 no longer comes as `application/json`",
  },
  {
    rule: "response-removed",
    name: "a response is removed",
    head: (d) => delete op(d, "/api/Group/{partitionGlobalId}/{groupId}", "get").responses["404"],
    message: "GET /api/Group/{partitionGlobalId}/{groupId} (getGroup): response 404 was removed",
  },
  {
    rule: "request-field-required",
    name: "a request field becomes required",
    head: (d) => schemas(d).UpdateGroup.required.push("directoryUserIDsToAdd"),
    message: "UpdateGroup.directoryUserIDsToAdd: became required (requests of updateGroup",
  },
  {
    rule: "request-field-required",
    name: "a request field is added as required",
    head: (d) => {
      schemas(d).CreateRobotAccount.properties.team = { type: "string" };
      schemas(d).CreateRobotAccount.required.push("team");
    },
    message: "CreateRobotAccount.team: was added as required (requests of createRobotAccount",
  },
  {
    rule: "request-field-removed",
    name: "a request field is removed",
    head: (d) => delete schemas(d).CreateRobotAccount.properties.displayName,
    message: "CreateRobotAccount.displayName: removed (requests of createRobotAccount",
  },
  {
    rule: "response-field-removed",
    name: "a response field is removed",
    head: (d) => delete schemas(d).Group.properties.displayName,
    message: "Group.displayName: removed (responses of createGroup, listGroups",
  },
  {
    rule: "response-field-optional",
    name: "a response field is no longer required",
    head: (d) => (schemas(d).RobotAccount.required = ["id", "name", "creationTime"]),
    message: "RobotAccount.displayName: is no longer always present (made optional)",
  },
  {
    rule: "response-field-nullable",
    name: "a response field becomes nullable through anyOf",
    head: (d) => (schemas(d).Group.properties.creationTime = { anyOf: [{ $ref: "#/components/schemas/Timestamp" }, { type: "null" }] }),
    message: "Group.creationTime: can now be null (responses of createGroup",
  },
  {
    rule: "response-field-nullable",
    name: "a response field becomes nullable through a type list",
    head: (d) => (schemas(d).DirectoryEntity.properties.objectType.type = ["string", "null"]),
    message: "DirectoryEntity.objectType: can now be null (responses of",
  },
  {
    rule: "enum-narrowed",
    name: "a request enum loses a value",
    head: (d) => (schemas(d).SortOrder.enum = ["asc"]),
    message: "SortOrder: enum value `desc` removed (requests of listRobotAccounts",
  },
  {
    rule: "enum-narrowed",
    name: "an enum inside anyOf loses a value",
    head: (d) => (schemas(d).GroupType.anyOf[1].enum = ["builtIn"]),
    message: "GroupType: enum value `custom` removed (responses of",
  },
  {
    rule: "type-changed",
    name: "a request field changes type",
    head: (d) => (schemas(d).CreateGroup.properties.name.type = "integer"),
    message: "CreateGroup.name: type changed from string to integer (requests of createGroup",
  },
  {
    rule: "type-changed",
    name: "a request field stops accepting null",
    head: (d) => (schemas(d).CreateRobotAccount.properties.displayName.type = "string"),
    message: "CreateRobotAccount.displayName: no longer accepts null (requests of createRobotAccount",
  },
  {
    rule: "type-changed",
    name: "a response field changes type",
    head: (d) => (schemas(d).RobotAccount.properties.name.type = ["integer", "null"]),
    message: "RobotAccount.name: type changed from string | null to integer | null (responses of",
  },
  {
    rule: "schema-removed",
    name: "a named schema is removed",
    base: (d) => (schemas(d).Note = { type: "string" }),
    head: (d) => delete schemas(d).Note,
    message: "Note: the schema was removed",
  },
];

describe("contract rules", () => {
  it("finds nothing between the document and itself", () => {
    expect(diffContract(copy(), copy())).toEqual([]);
  });

  it.each(fixtures.map((f) => [f.rule, f.name, f] as const))("%s: %s", (rule, _name, fixture) => {
    const base = copy();
    fixture.base?.(base);
    const head = structuredClone(base);
    fixture.head(head);
    const findings = diffContract(base, head);
    expect(findings.map((f) => f.rule)).toEqual([rule]);
    expect(formatContractFinding(findings[0]!)).toContain(fixture.message);
  });

  it("has a fixture for every rule", () => {
    expect(new Set(fixtures.map((f) => f.rule))).toEqual(new Set(CONTRACT_RULES));
  });

  it("lets additions and relaxations pass", () => {
    const head = copy();
    const s = schemas(head);
    s.Group.properties.description = { type: ["string", "null"] }; // new optional response field
    s.CreateGroup.properties.description = { type: "string" }; // new optional request field
    s.UpdateGroup.required = ["partitionGlobalId"]; // a request field no longer required
    s.SortOrder.enum = ["asc", "desc", "none"]; // a request enum gains a value
    s.DirectoryEntity.properties.objectType.enum.push("DirectoryService"); // a response enum gains one
    s.CreateRobotAccount.properties.name.type = ["string", "null"]; // a request field accepts more
    s.Group.properties.name.type = "string"; // a response field is no longer nullable
    s.RobotAccount.required.push("groupIds"); // a response field is now always present
    s.ToolkitNote = { type: "string" }; // a new schema
    op(head, "/api/Group/{id}", "get").parameters.push({ name: "search", in: "query", schema: { type: "string" } });
    op(head, "/api/Group/{id}", "get").security.push({ clientCredentials: ["PM.Admin"] });
    op(head, "/api/Group/{id}", "get").responses["404"] = { description: "Not here" };
    head.paths["/api/Group/{id}"].patch = structuredClone(op(head, "/api/Group/{id}", "put"));
    head.paths["/api/Group/{id}"].patch.operationId = "patchGroup";
    head.paths["/api/Toolkit/Ping"] = { get: { operationId: "ping", responses: { "200": { description: "Pong" } } } };
    expect(diffContract(copy(), head).map(formatContractFinding)).toEqual([]);
  });

  it("matches paths whatever their parameters are called", () => {
    const head = copy();
    head.paths["/api/Group/{partitionGlobalId}/{id}"] = head.paths["/api/Group/{partitionGlobalId}/{groupId}"];
    delete head.paths["/api/Group/{partitionGlobalId}/{groupId}"];
    expect(diffContract(copy(), head)).toEqual([]);
  });
});
