// Property: whatever string a caller passes as an id or a name, the client either sends a request
// the contract accepts or throws a clear IdentityInputError before anything is sent.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { DEMO_CLIENT, startEmulator, type EmulatorHandle } from "../../src/emulator/index.js";
import { createIdentityClient, IdentityApiError, IdentityInputError, type IdentityClient } from "../../src/client/index.js";
import { ORG_ID } from "./support/ids.js";

const RUNS = 1000;
let emulator: EmulatorHandle;
let client: IdentityClient;
let sent = 0;

beforeAll(async () => {
  emulator = await startEmulator({ seed: "demo", rateLimit: false, validateResponses: true });
  client = createIdentityClient({
    baseUrl: emulator.baseUrl(),
    partitionGlobalId: ORG_ID,
    credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret },
    rateLimit: false,
    retry: false,
    onRequest: (e) => {
      if (!e.url.endsWith("/connect/token")) sent++;
    },
  });
});
afterAll(async () => {
  await emulator.close();
  expect(emulator.violations).toEqual([]);
});

/** Strings of every sort, GUID-like ones (valid, cased, wrapped, truncated) among them. */
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.uuid().map((u) => `{${u}}`),
  fc.uuid().map((u) => ` ${u}`),
  fc.uuid().map((u) => u.slice(0, 35)),
  fc.uuid().map((u) => u.replace(/-/g, "")),
  fc.constantFrom("", " ", "\n", "null", "undefined", "../x", "%2F", "a/b", "?top=1", "#", "\u0000"),
);

/**
 * Runs a call and classifies it: `input` when it threw IdentityInputError with nothing sent,
 * `sent` when a request went out and the emulator did not reject its shape.
 */
async function classify(call: () => Promise<unknown>, field: RegExp): Promise<"input" | "sent"> {
  const before = sent;
  try {
    await call();
  } catch (error) {
    if (error instanceof IdentityInputError) {
      expect(sent).toBe(before);
      expect(error.field).toMatch(field);
      expect(error.message).toMatch(field);
      // Clear means short: the message names the field and never dumps the input at length.
      expect(error.message.length).toBeLessThan(200);
      return "input";
    }
    if (!(error instanceof IdentityApiError)) throw error;
    // The service's own rules (unknown id, another organization's id, duplicate name, built-in
    // group) may refuse it; a malformed request would come back with other field errors.
    const fieldErrors = Object.entries(error.fieldErrors ?? {}).filter(
      ([field, messages]) => !(field === "partitionGlobalId" && messages.every((m) => m.startsWith("InvalidPartition"))),
    );
    expect(fieldErrors).toEqual([]);
    expect(["not_found", "conflict", "validation"]).toContain(error.kind);
    expect(sent).toBe(before + 1);
    return "sent";
  }
  expect(sent).toBe(before + 1);
  return "sent";
}

describe("input checks", () => {
  it("any string as an id is sent as a valid request or refused before sending", async () => {
    const seen = { input: 0, sent: 0 };
    await fc.assert(
      fc.asyncProperty(anyString, fc.integer({ min: 0, max: 5 }), async (id, method) => {
        const calls: Array<[() => Promise<unknown>, RegExp]> = [
          [() => client.robotAccounts.get(id), /robotAccountId/],
          [() => client.groups.get(id), /groupId/],
          [() => client.robotAccounts.update(id, { displayName: "x" }), /robotAccountId/],
          [() => client.groups.delete(id), /groupId/],
          [() => client.groups.listMembersPage(id, { top: 1 }), /groupId/],
          [() => client.robotAccounts.get(ROBY, { partitionGlobalId: id }), /partitionGlobalId/],
        ];
        const [call, field] = calls[method]!;
        seen[await classify(call, field)]++;
      }),
      { numRuns: RUNS, seed: 60601 },
    );
    // Both branches were really taken.
    expect(seen.input).toBeGreaterThan(100);
    expect(seen.sent).toBeGreaterThan(100);
  });

  it("any string as a name is sent as a valid request or refused before sending", async () => {
    const seen = { input: 0, sent: 0 };
    await fc.assert(
      fc.asyncProperty(anyString, fc.boolean(), async (name, group) => {
        const call = group ? () => client.groups.create({ name }) : () => client.robotAccounts.create({ name, displayName: name });
        seen[await classify(call, /name/i)]++;
      }),
      { numRuns: RUNS, seed: 60602 },
    );
    expect(seen.input).toBeGreaterThan(10);
    expect(seen.sent).toBeGreaterThan(100);
  });
});

const ROBY = "c3a7e1f9-2b6d-4e80-9f14-7a5c0d3e8812";
