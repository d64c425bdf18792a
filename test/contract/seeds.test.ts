import { describe, expect, it } from '@jest/globals';
import {
  createValidator,
  findOperation,
  loadDocument,
  requestSchemaPointer,
  responseSchemaPointer,
} from '../helpers/contract.js';
import { SEED_PAYLOADS, withGuids } from '../fixtures/seed-payloads.js';

const doc = loadDocument();
const validator = createValidator(doc);

function pointerFor(operationId: string, part: string): string {
  const op = findOperation(doc, operationId);
  return part === 'request' ? requestSchemaPointer(op) : responseSchemaPointer(doc, op, part);
}

describe('payloads from the seed documentation pages', () => {
  it.each(SEED_PAYLOADS.map((p) => [`${p.page}: ${p.operationId} ${p.part}`, p] as const))('%s validates', (_name, payload) => {
    const errors = validator.validate(pointerFor(payload.operationId, payload.part), withGuids(payload.text));
    expect(errors).toEqual([]);
  });

  it('still rejects the pages\' placeholder ids, as the live service does', () => {
    const raw = JSON.parse(SEED_PAYLOADS[0]!.text) as unknown;
    const errors = validator.validate(pointerFor('createGroup', 'request'), raw);
    expect(errors.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/partitionGlobalId', '/id', '/directoryUserMemberIDs/0']),
    );
  });

  it('accepts GroupType both as the live integers and as the names in UiPath\'s document', () => {
    const pointer = '#/components/schemas/GroupType';
    for (const ok of [0, 1, 'builtIn', 'custom']) expect(validator.validate(pointer, ok)).toEqual([]);
    for (const bad of [2, 'local', null]) expect(validator.validate(pointer, bad)).not.toEqual([]);
  });

  it('lets responses carry fields the service may add later', () => {
    const group = { ...(withGuids(SEED_PAYLOADS[1]!.text) as object), someFutureField: { nested: true } };
    expect(validator.validate(pointerFor('createGroup', '201'), group)).toEqual([]);
  });
});
