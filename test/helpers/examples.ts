// Collects every example in the bundled document together with the schema it illustrates.
import { type Doc, type Json, listOperations, resolvePointer } from "./contract.js";

export interface ExampleCase {
  /** Where the example lives, for messages. */
  where: string;
  /** Pointer to the schema the example must satisfy. */
  schemaPointer: string;
  value: unknown;
}

type Obj = Record<string, Json>;
const esc = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** Follows `$ref`s and returns the pointer of the node actually holding the content. */
function locate(doc: Doc, pointer: string): string {
  let current = pointer;
  for (;;) {
    const node = resolvePointer(doc, current) as Obj;
    if (node && typeof node === "object" && typeof node.$ref === "string") current = node.$ref;
    else return current;
  }
}

function fromMediaTypes(doc: Doc, ownerPointer: string, where: string, out: ExampleCase[]): void {
  const owner = resolvePointer(doc, ownerPointer) as Obj;
  const content = (owner.content ?? {}) as Record<string, Obj>;
  for (const mediaType of Object.keys(content)) {
    const mtPointer = `${ownerPointer}/content/${esc(mediaType)}`;
    const mt = content[mediaType] as Obj;
    const schemaPointer = `${mtPointer}/schema`;
    if (mt.example !== undefined) out.push({ where: `${where} ${mediaType} example`, schemaPointer, value: mt.example });
    for (const name of Object.keys((mt.examples ?? {}) as Obj)) {
      const exPointer = locate(doc, `${mtPointer}/examples/${esc(name)}`);
      const ex = resolvePointer(doc, exPointer) as Obj;
      out.push({ where: `${where} ${mediaType} example "${name}"`, schemaPointer, value: ex.value });
    }
  }
}

function fromParameters(doc: Doc, listPointer: string, where: string, out: ExampleCase[]): void {
  const list = resolvePointer(doc, listPointer) as Json[];
  list.forEach((_, i) => {
    const p = locate(doc, `${listPointer}/${i}`);
    const param = resolvePointer(doc, p) as Obj;
    if (param.example !== undefined) {
      out.push({ where: `${where} parameter ${param.name as string}`, schemaPointer: `${p}/schema`, value: param.example });
    }
  });
}

export function collectExamples(doc: Doc): ExampleCase[] {
  const out: ExampleCase[] = [];
  const paths = doc.paths as Record<string, Obj>;
  for (const path of Object.keys(paths)) {
    const itemPointer = `#/paths/${esc(path)}`;
    if ((paths[path] as Obj).parameters) fromParameters(doc, `${itemPointer}/parameters`, path, out);
  }
  for (const op of listOperations(doc)) {
    const opNode = resolvePointer(doc, op.pointer) as Obj;
    if (opNode.parameters) fromParameters(doc, `${op.pointer}/parameters`, op.operationId, out);
    if (opNode.requestBody) fromMediaTypes(doc, locate(doc, `${op.pointer}/requestBody`), `${op.operationId} request`, out);
    for (const status of Object.keys(opNode.responses as Obj)) {
      fromMediaTypes(doc, locate(doc, `${op.pointer}/responses/${status}`), `${op.operationId} ${status}`, out);
    }
  }
  // JSON Schema `examples` arrays on named schemas illustrate the schema itself.
  const schemas = ((doc.components as Obj).schemas ?? {}) as Record<string, Obj>;
  for (const [name, schema] of Object.entries(schemas)) {
    (Array.isArray(schema.examples) ? schema.examples : []).forEach((value, i) => {
      out.push({ where: `schema ${name} examples[${i}]`, schemaPointer: `#/components/schemas/${esc(name)}`, value });
    });
  }
  return out;
}
