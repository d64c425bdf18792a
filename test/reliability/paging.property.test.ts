// Property: for any total and any page size, iterating a listing yields every item exactly once,
// in the server's order, with exactly ceil(total / pageSize) page requests (one for an empty
// list), each asking for the right window.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { createIdentityClient, type IdentityClient } from "../../src/client/index.js";
import { guid, ORG_ID } from "./support/ids.js";
import { reply, startRunServer, type Arrival, type RunServer } from "./support/http.js";

let server: RunServer;
beforeAll(async () => {
  server = await startRunServer();
});
afterAll(() => server.close());

const robot = (i: number) => ({
  id: guid(0xcccc, i),
  name: `robot-${i}`,
  displayName: null,
  creationTime: "2024-01-01T00:00:00Z",
  lastLoginTime: null,
  groupIds: [],
});
// Every robot account a listing can hold, serialized once: the runs send a million of them.
const ROBOTS_JSON = Array.from({ length: 3000 }, (_, i) => JSON.stringify(robot(i)));

/** A listing of `total` robot accounts, answered window by window as the service does, for one run. */
function listing(total: number): { client: IdentityClient; arrivals: Arrival[] } {
  const { token, arrivals } = server.run((a, res) => {
    const top = Number(a.query.get("top") ?? "10");
    const skip = Number(a.query.get("skip") ?? "0");
    const results = ROBOTS_JSON.slice(skip, Math.min(total, skip + top)).join(",");
    reply(res, 200, `{"totalCount":${total},"results":[${results}]}`, { "content-type": "application/json" });
  });
  const client = createIdentityClient({
    baseUrl: `${server.origin}/hogwarts/identity_`,
    partitionGlobalId: ORG_ID,
    credentials: { accessToken: token },
    rateLimit: false,
    retry: false,
  });
  return { client, arrivals };
}

/** A page size, and a total of at most twelve pages (and at most 3,000 items). */
const sizes = fc
  .integer({ min: 1, max: 1000 })
  .chain((pageSize) => fc.tuple(fc.constant(pageSize), fc.integer({ min: 0, max: Math.min(3000, pageSize * 12) })));

describe("paging invariants", () => {
  it("yields every item exactly once, in order, in ceil(N/pageSize) requests", async () => {
    await fc.assert(
      fc.asyncProperty(sizes, async ([pageSize, n]) => {
        const { client, arrivals } = listing(n);
        const names: string[] = [];
        for await (const r of client.robotAccounts.list({}, { pageSize })) names.push(r.name ?? "");
        const expected = Array.from({ length: n }, (_, i) => `robot-${i}`);
        // toEqual (for its diff) only when they differ: through it, a thousand runs of up to 3,000
        // names cost more than the paging itself.
        if (names.join("\n") !== expected.join("\n")) expect(names).toEqual(expected);
        const pages = Math.max(1, Math.ceil(n / pageSize));
        expect(arrivals.length).toBe(pages);
        arrivals.forEach((a, k) => {
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
        const { client, arrivals } = listing(n);
        let seen = 0;
        for await (const _ of client.robotAccounts.list({}, { pageSize })) {
          if (++seen >= stopAfter) break;
        }
        const wanted = Math.min(n, Math.max(1, stopAfter));
        expect(seen).toBe(n === 0 ? 0 : wanted);
        expect(arrivals.length).toBe(Math.max(1, Math.ceil(wanted / pageSize)));
      }),
      { numRuns: 1000, seed: 60604 },
    );
  });
});
