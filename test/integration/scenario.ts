// The client's whole surface, walked through once against a real server: the emulator directly,
// or the emulator behind Prism's validating proxy. Returns what it saw so tests can assert on it.
import { expect } from '@jest/globals';
import { IdentityApiError, type IdentityClient } from '../../src/client/index.js';

import { ALUMNI, GRYFFINDORS, HARRY, HERMIONE, ORG, RON, ROBY, UNKNOWN_ID as UNKNOWN } from '../fixtures/walkthrough.js';

export { ALUMNI, GRYFFINDORS, HARRY, HERMIONE, ORG, RON, ROBY };

/** Awaits a promise that must fail with an IdentityApiError and returns the error. */
export async function failure(promise: Promise<unknown>): Promise<IdentityApiError> {
  const err = await promise.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IdentityApiError);
  return err as IdentityApiError;
}

/** Every Group and Robot Account method, in the order a platform admin would use them. */
export async function walkThrough(pm: IdentityClient): Promise<void> {
  // Groups: the seeded walkthrough data is there.
  const groups = await pm.groups.list();
  expect(groups.map((g) => g.name)).toEqual(expect.arrayContaining(['Administrators', 'Everyone', 'Gryffindors']));
  const gryffindors = await pm.groups.get(GRYFFINDORS);
  expect(gryffindors.type === 1 || gryffindors.type === 'custom').toBe(true);

  // Create without an id: the client picks the GUID the service requires.
  const slytherins = await pm.groups.create({ name: 'Slytherins', memberIds: [RON] });
  expect(slytherins.id).toMatch(/^[0-9a-f-]{36}$/);
  expect((slytherins.members ?? []).map((m) => m.identifier)).toEqual([RON]);

  // Members change without resending the name; rename keeps the members.
  await pm.groups.addMembers(slytherins.id, [HARRY, HERMIONE]);
  await pm.groups.removeMembers(slytherins.id, [RON]);
  const renamed = await pm.groups.update(slytherins.id, { name: 'Slytherin House' });
  expect(renamed.name).toBe('Slytherin House');
  const memberIds: string[] = [];
  for await (const member of pm.groups.listMembers(slytherins.id)) memberIds.push(member.id);
  expect(memberIds.sort()).toEqual([HARRY, HERMIONE].sort());
  const firstPage = await pm.groups.listMembersPage(slytherins.id, { top: 1, skip: 0 });
  expect(firstPage).toMatchObject({ totalCount: 2 });
  expect(firstPage.results).toHaveLength(1);

  // Robot accounts: create in a group, find, page, change, move between groups.
  const robo = await pm.robotAccounts.create({ name: 'Robo-Slytherin', displayName: 'Robo', groupIds: [slytherins.id] });
  expect(robo.groupIds).toEqual([slytherins.id]);
  expect(await pm.robotAccounts.get(robo.id)).toMatchObject({ id: robo.id, name: 'Robo-Slytherin' });
  const found: string[] = [];
  for await (const account of pm.robotAccounts.list({ search: 'robo-sly' })) found.push(account.id);
  expect(found).toEqual([robo.id]);
  const page = await pm.robotAccounts.listPage({ top: 1, skip: 0, sortBy: 'name', sortOrder: 'asc' });
  expect(page.results).toHaveLength(1);
  expect(page.totalCount).toBeGreaterThanOrEqual(2);
  expect((await pm.robotAccounts.update(robo.id, { displayName: 'Robo the Second' })).displayName).toBe('Robo the Second');
  await pm.robotAccounts.addToGroups(robo.id, [GRYFFINDORS]);
  const moved = await pm.robotAccounts.removeFromGroups(robo.id, [slytherins.id]);
  expect(moved.groupIds).toEqual([GRYFFINDORS]);
  expect(await pm.robotAccounts.get(ROBY)).toMatchObject({ name: 'Roby' });

  // Deletes, one and many; what is gone answers 404 as a typed error.
  const spare = await pm.robotAccounts.create({ name: 'Robo-Spare' });
  await pm.robotAccounts.delete(robo.id);
  await pm.robotAccounts.deleteMany([spare.id, UNKNOWN]);
  expect((await failure(pm.robotAccounts.get(robo.id))).kind).toBe('not_found');
  const extra = await pm.groups.create({ name: 'Hufflepuffs' });
  await pm.groups.delete(slytherins.id);
  await pm.groups.deleteMany([extra.id, UNKNOWN]);
  const notFound = await failure(pm.groups.get(slytherins.id));
  expect(notFound).toMatchObject({ kind: 'not_found', status: 404, method: 'GET' });

  // A taken group name is a conflict; a taken robot-account name fails as identity users do.
  expect((await failure(pm.groups.create({ name: 'Gryffindors' }))).kind).toBe('conflict');
  const duplicate = await failure(pm.robotAccounts.create({ name: 'roby' }));
  expect(duplicate).toMatchObject({ kind: 'validation', status: 400, errorCodes: ['DuplicateUserName'] });
  expect(duplicate.serverMessage).toContain("User name 'roby' is already taken.");

  // The raw openapi-fetch client stays reachable, with the same auth.
  const raw = await pm.raw.GET('/api/Group/{partitionGlobalId}/{groupId}', {
    params: { path: { partitionGlobalId: ORG, groupId: GRYFFINDORS } },
  });
  expect(raw.data?.name).toBe('Gryffindors');
}
