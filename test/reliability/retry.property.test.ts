// Property: whatever sequence of failures the server answers with, the client never sends more
// than the configured attempts, repeats exactly when its policy says it may, and never repeats a
// robot-account create (whose id the service picks) after the service may have acted on it.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { createIdentityClient, IdentityApiError } from "../../src/client/index.js";
import { drop, reply, startRunServer, type RunServer } from "./support/http.js";
import { guid, ORG_ID } from "./support/ids.js";

type Answer = "ok" | 400 | 404 | 429 | 500 | 502 | 503 | 504 | "drop";
type Operation = "get" | "update" | "delete" | "createGroup" | "createRobot";

const ROBOT_ID = guid(0xdddd, 1);
const GROUP_ID = guid(0xdddd, 2);
const robot = { id: ROBOT_ID, name: "r", displayName: "r", creationTime: "2024-01-01T00:00:00Z", lastLoginTime: null, groupIds: [] };
const group = {
  id: GROUP_ID,
  name: "g",
  displayName: "g",
  type: 1,
  creationTime: "2024-01-01T00:00:00Z",
  lastModificationTime: null,
  members: [],
};

let server: RunServer;
beforeAll(async () => {
  server = await startRunServer();
});
afterAll(() => server.close());

/** Does the client's documented policy allow another send after this answer? */
function mayRepeat(op: Operation, answer: Answer): boolean {
  if (answer === 429) return true; // refused before processing: safe for every method
  if (op === "createRobot") return false; // anything else may have created it
  return answer === 502 || answer === 503 || answer === 504 || answer === "drop";
}

/** The number of sends the policy implies for this script, and whether the call succeeds. */
function expected(op: Operation, script: Answer[], maxAttempts: number): { sends: number; ok: boolean } {
  for (let i = 0; ; i++) {
    const answer = script[i] ?? "ok";
    if (answer === "ok") return { sends: i + 1, ok: true };
    // A 404 to a repeated delete means an earlier attempt deleted it: the delete succeeded.
    if (op === "delete" && answer === 404 && i > 0) return { sends: i + 1, ok: true };
    if (i + 1 >= maxAttempts || !mayRepeat(op, answer)) return { sends: i + 1, ok: false };
  }
}

const answer = fc.constantFrom<Answer>("ok", 400, 404, 429, 500, 502, 503, 504, "drop");
const operation = fc.constantFrom<Operation>("get", "update", "delete", "createGroup", "createRobot");

describe("retry bounds", () => {
  it("never exceeds the attempts, and repeats only what is safe to repeat", async () => {
    await fc.assert(
      fc.asyncProperty(operation, fc.array(answer, { maxLength: 6 }), fc.integer({ min: 1, max: 5 }), async (op, script, maxAttempts) => {
        const { token, arrivals } = server.run((_, res) => {
          const a = script[arrivals.length - 1] ?? "ok";
          if (a === "drop") return drop(res);
          if (a === 429) return reply(res, 429, { title: "Too Many Requests" }, { "retry-after": "0" });
          if (a !== "ok") return reply(res, a, { title: `status ${a}` });
          if (op === "delete") return reply(res, 204);
          if (op === "createGroup") return reply(res, 201, group);
          return reply(res, op === "createRobot" ? 201 : 200, robot);
        });
        const client = createIdentityClient({
          baseUrl: `${server.origin}/hogwarts/identity_`,
          partitionGlobalId: ORG_ID,
          credentials: { accessToken: token },
          rateLimit: false,
          retry: { maxAttempts, baseDelayMs: 0, maxDelayMs: 0 },
        });
        const calls: Record<Operation, () => Promise<unknown>> = {
          get: () => client.robotAccounts.get(ROBOT_ID),
          update: () => client.robotAccounts.update(ROBOT_ID, { displayName: "r" }),
          delete: () => client.robotAccounts.delete(ROBOT_ID),
          createGroup: () => client.groups.create({ id: GROUP_ID, name: "g" }),
          createRobot: () => client.robotAccounts.create({ name: "r" }),
        };
        const want = expected(op, script, maxAttempts);
        let error: unknown;
        try {
          await calls[op]();
        } catch (e) {
          error = e;
        }
        expect(arrivals.length).toBe(want.sends);
        expect(arrivals.length).toBeLessThanOrEqual(maxAttempts);
        if (want.ok) {
          expect(error).toBeUndefined();
        } else {
          expect(error).toBeInstanceOf(IdentityApiError);
          expect((error as IdentityApiError).attempts).toBe(want.sends);
        }
      }),
      { numRuns: 1000, seed: 60605 },
    );
  });
});
