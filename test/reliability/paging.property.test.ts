// Property: for any total and any page size, iterating a listing yields every item exactly once,
// in the server's order, with exactly ceil(total / pageSize) page requests (one for an empty
// list), each asking for the right window.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { createIdentityClient, type IdentityClient } from "../../src/client/index.js";
import { guid, ORG_ID } from "./support/ids.js";
import { reply, startScripted, type ScriptedServer } from "./support/http.js";

let server: ScriptedServer;
let client: IdentityClient;
let total = 0;

const robot = (i: number) => ({
  id: guid(0xcccc, i),
  name: `robot-${i}`,
  displayName: null,
  creationTime: "2024-01-01T00:00:00Z",
  lastLoginTime: null,
  groupIds: [],
});

beforeAll(async () => {
  // A listing of `total` robot accounts, answered window by window as the service does.
  server = await startScripted((a, res) => {
    const top = Number(a.query.get("top") ?? "10");
    const skip = Number(a.query.get("skip") ?? "0");
    const results = [];
    for (let i = skip; i < Math.min(total, skip + top); i++) results.push(robot(i));
    reply(res, 200, { totalCount: total, results });
  });
  client = createIdentityClient({
    baseUrl: `${server.origin}/hogwarts/identity_`,
    partitionGlobalId: ORG_ID,
    credentials: { accessToken: "paging-property-token" },
    rateLimit: false,
    retry: false,
  });
});
afterAll(() => server.close());

/** A page size, and a total of at most twelve pages (and at most 3,000 items). */
const sizes = fc
  .integer({ min: 1, max: 1000 })
  .chain((pageSize) => fc.tuple(fc.constant(pageSize), fc.integer({ min: 0, max: Math.min(3000, pageSize * 12) })));

describe("paging invariants", () => {
  it("yields every item exactly once, in order, in ceil(N/pageSize) requests", async () => {
    await fc.assert(
      fc.asyncProperty(sizes, async ([pageSize, n]) => {
        total = n;
        server.arrivals.length = 0;
        const names: string[] = [];
        for await (const r of client.robotAccounts.list({}, { pageSize })) names.push(r.name ?? "");
        expect(names).toEqual(Array.from({ length: n }, (_, i) => `robot-${i}`));
        const pages = Math.max(1, Math.ceil(n / pageSize));
        expect(server.arrivals.length).toBe(pages);
        server.arrivals.forEach((a, k) => {
          expect(a.query.get("top")).toBe(String(pageSize));
          expect(a.query.get("skip")).toBe(String(k * pageSize));
        });
      }),
      { numRuns: 1000, seed: 60603 },
    );
  });

  it("stops early without fetching pages nobody asked for", async () => {
    await fc.assert(
      fc.asyncProperty(sizes, fc.nat({ max: 3000 }), async ([pageSize, n], stopAfter) => {
        total = n;
        server.arrivals.length = 0;
        let seen = 0;
        for await (const _ of client.robotAccounts.list({}, { pageSize })) {
          if (++seen >= stopAfter) break;
        }
        const wanted = Math.min(n, Math.max(1, stopAfter));
        expect(seen).toBe(n === 0 ? 0 : wanted);
        expect(server.arrivals.length).toBe(Math.max(1, Math.ceil(wanted / pageSize)));
      }),
      { numRuns: 1000, seed: 60604 },
    );
  });
});
