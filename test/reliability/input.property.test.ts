// Property: whatever string a caller passes as an id or a name, the client either sends a request
// the contract accepts or throws a clear IdentityInputError before anything is sent.
import { beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { DEMO_CLIENT } from "../../src/emulator/index.js";
import {
  createIdentityClient,
  IdentityApiError,
  IdentityInputError,
  IdentityLookupError,
  type IdentityClient,
} from "../../src/client/index.js";
import { emulatorPerFile } from "../helpers/emulator.js";
import { ORG_ID } from "./support/ids.js";

const RUNS = 1000;
// Every answer is checked against the contract when the file ends.
const start = emulatorPerFile();
let client: IdentityClient;
let sent = 0;

beforeAll(async () => {
  const emulator = await start();
  client = createIdentityClient({
    baseUrl: emulator.baseUrl(),
    partitionGlobalId: ORG_ID,
    credentials: {
      clientId: DEMO_CLIENT.clientId,
      clientSecret: DEMO_CLIENT.clientSecret,
      scopes: ["PM.Group", "PM.RobotAccount", "PM.User", "PM.Directory"],
    },
    rateLimit: false,
    retry: false,
    onRequest: (e) => {
      if (!e.url.endsWith("/connect/token")) sent++;
    },
  });
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
    // A lookup that found nothing (or too much) did send its search: a valid request.
    if (error instanceof IdentityLookupError) {
      expect(sent).toBeGreaterThan(before);
      return "sent";
    }
    if (!(error instanceof IdentityApiError)) throw error;
    // The service's own rules (unknown id, another organization's id, duplicate name, built-in
    // group) may refuse it; a malformed request would come back with other field errors.
    const fieldErrors = Object.entries(error.fieldErrors ?? {}).filter(
      ([field, messages]) => !(field === "partitionGlobalId" && messages.every((m) => m.startsWith("InvalidPartition"))),
    );
    expect(fieldErrors).toEqual([]);
    expect(["not_found", "conflict", "validation"]).toContain(error.kind);
    expect(sent).toBeGreaterThan(before);
    return "sent";
  }
  expect(sent).toBeGreaterThan(before);
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

describe("input checks for users and the directory", () => {
  it("any string as an e-mail address, user name, user id or directory name is sent validly or refused before sending", async () => {
    const seen = { input: 0, sent: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyString, fc.emailAddress()), fc.integer({ min: 0, max: 6 }), async (text, method) => {
        const calls: Array<[() => Promise<unknown>, RegExp]> = [
          [() => client.users.create({ email: text }), /email|userName/],
          [() => client.users.create({ userName: text, email: "" }), /userName/],
          [() => client.users.update(RON, { email: text }), /email|changes/],
          [() => client.users.get(text), /userId/],
          [() => client.users.findByEmail(text), /email/],
          [() => client.directory.resolve([text], "user"), /names/],
          [() => client.directory.search(text), /prefix/],
        ];
        const [call, field] = calls[method]!;
        seen[await classify(call, field)]++;
      }),
      { numRuns: RUNS, seed: 60603 },
    );
    expect(seen.input).toBeGreaterThan(50);
    expect(seen.sent).toBeGreaterThan(100);
  });
});

const ROBY = "c3a7e1f9-2b6d-4e80-9f14-7a5c0d3e8812";
const RON = "1c6f0a3e-8b2d-4a17-9e45-0d3c7b1a0103";
