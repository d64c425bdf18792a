import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "@jest/globals";
import { createIdentityClient, type RetryLogEvent } from "../../src/client/index.js";
import { DEFAULT_RETRY, backoffDelay, decideRetry, type RetryPolicy } from "../../src/client/retry.js";
import {
  GRYFFINDORS,
  ORG,
  ROBY,
  clientFor,
  failure,
  gryffindors,
  roby,
  startIdentity,
  type ApiHandler,
  type FakeIdentity,
} from "./helpers/identity.js";
import { closedPort, reset, send } from "../helpers/http-server.js";

let server: FakeIdentity | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Answers the n-th API request (1-based) with `script(n)`. */
async function scripted(script: (n: number, ...rest: Parameters<ApiHandler>) => void | Promise<void>) {
  let n = 0;
  server = await startIdentity((req, res) => script(++n, req, res));
  return server;
}

describe("retries", () => {
  it("a 429 is retried after the Retry-After seconds", async () => {
    const s = await scripted((n, req, res) =>
      n === 1 ? send(res, 429, { title: "Too Many Requests" }, { "retry-after": "1" }) : send(res, 200, gryffindors),
    );
    const retries: RetryLogEvent[] = [];
    const group = await clientFor(s, { onRetry: (e) => retries.push(e) }).groups.get(GRYFFINDORS);
    expect(group.id).toBe(GRYFFINDORS);
    expect(retries).toEqual([expect.objectContaining({ method: "GET", attempt: 1, delayMs: 1000, reason: 429 })]);
    expect(s.apiRequests).toHaveLength(2);
  });

  it("a Retry-After date is honoured (a past date means at once, not the backoff)", async () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    const s = await scripted((n, req, res) => (n === 1 ? send(res, 429, undefined, { "retry-after": past }) : send(res, 200, gryffindors)));
    const retries: RetryLogEvent[] = [];
    await clientFor(s, { retry: { baseDelayMs: 50 }, onRetry: (e) => retries.push(e) }).groups.get(GRYFFINDORS);
    expect(retries.map((r) => r.delayMs)).toEqual([0]);
  });

  it("a Retry-After beyond maxRetryAfterMs is surfaced at once with retryAfterMs", async () => {
    const s = await scripted((n, req, res) => send(res, 429, { title: "Too Many Requests" }, { "retry-after": "300" }));
    const error = await failure(clientFor(s).groups.get(GRYFFINDORS));
    expect(error).toMatchObject({ kind: "rate_limited", retryAfterMs: 300_000, attempts: 1 });
    expect(s.apiRequests).toHaveLength(1);
  });

  it.each([502, 503, 504])("a %i is retried", async (status) => {
    const s = await scripted((n, req, res) => (n === 1 ? send(res, status, { title: "unavailable" }) : send(res, 200, gryffindors)));
    expect((await clientFor(s).groups.get(GRYFFINDORS)).name).toBe("Gryffindors");
    expect(s.apiRequests).toHaveLength(2);
  });

  it("a 503 that persists is surfaced after maxAttempts with the attempt count", async () => {
    const s = await scripted((n, req, res) => send(res, 503, { title: "Service Unavailable", status: 503 }));
    const error = await failure(clientFor(s, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }).groups.list());
    expect(error).toMatchObject({ kind: "server", status: 503, attempts: 3 });
    expect(s.apiRequests).toHaveLength(3);
  });

  it("a 500 is not retried", async () => {
    const s = await scripted((n, req, res) => send(res, 500, { title: "An error occurred while processing your request." }));
    expect(await failure(clientFor(s).groups.list())).toMatchObject({ kind: "server", status: 500, attempts: 1 });
    expect(s.apiRequests).toHaveLength(1);
  });

  it("retry: false sends once", async () => {
    const s = await scripted((n, req, res) => send(res, 503));
    expect(await failure(clientFor(s, { retry: false }).groups.list())).toMatchObject({ kind: "server", attempts: 1 });
    expect(s.apiRequests).toHaveLength(1);
  });

  it("a connection reset on a GET is retried", async () => {
    const s = await scripted((n, req, res) => (n === 1 ? reset(res) : send(res, 200, [gryffindors])));
    expect(await clientFor(s).groups.list()).toEqual([gryffindors]);
    expect(s.apiRequests).toHaveLength(2);
  });

  it("a delete whose answer was lost, answered 404 on the retry, has done its job", async () => {
    // First attempt: the service deletes, the connection drops before the answer. Retry: 404.
    const lostAnswer = () => scripted((n, req, res) => (n === 1 ? reset(res) : send(res, 404, { title: "Not Found", status: 404 })));
    const groups = await lostAnswer();
    await expect(clientFor(groups).groups.delete(GRYFFINDORS)).resolves.toBeUndefined();
    await groups.close(); // afterEach closes only the latest server
    const robots = await lostAnswer();
    await expect(clientFor(robots).robotAccounts.delete(ROBY)).resolves.toBeUndefined();
    expect([...groups.apiRequests, ...robots.apiRequests].map((r) => r.method)).toEqual(["DELETE", "DELETE", "DELETE", "DELETE"]);
  });

  it("a delete answered 404 at the first attempt still fails: the item never existed", async () => {
    const s = await scripted((n, req, res) => send(res, 404, { title: "Not Found", status: 404 }));
    expect(await failure(clientFor(s).groups.delete(GRYFFINDORS))).toMatchObject({ kind: "not_found", attempts: 1 });
  });

  it("a reset on every attempt is surfaced as a network error", async () => {
    const s = await scripted((n, req, res) => reset(res));
    const error = await failure(clientFor(s, { retry: { maxAttempts: 2, baseDelayMs: 1 } }).groups.list());
    expect(error).toMatchObject({ kind: "network", attempts: 2, status: undefined });
    expect(error.message).toMatch(/^GET \/hogwarts\/identity_\/api\/Group\/.* failed without an answer .* after 2 attempts$/);
  });

  it("a hung server times out, is retried, and is surfaced as a timeout", async () => {
    const s = await scripted(() => undefined); // never answers
    // The call's own timeout, so the token request (answered at once) meets the client's default, however slow the machine.
    const pm = clientFor(s, { retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const error = await failure(pm.groups.list({ timeoutMs: 100 }));
    expect(error).toMatchObject({ kind: "timeout", attempts: 2 });
    expect(error.message).toContain("timed out after 100 ms");
    expect(s.apiRequests).toHaveLength(2);
  });

  it("a call's own timeoutMs overrides the client's", async () => {
    const s = await scripted(() => undefined);
    const pm = clientFor(s, { timeoutMs: 60_000, retry: false });
    expect(await failure(pm.groups.list({ timeoutMs: 50 }))).toMatchObject({ kind: "timeout", attempts: 1 });
  });
});

describe("creates", () => {
  it("a group create whose answer was lost is retried and returns the group without making a duplicate", async () => {
    const created = new Map<string, { id: string; name: string }>();
    const s = await scripted((n, req, res) => {
      if (req.method === "POST") {
        const body = req.json() as { id: string; name: string };
        if (created.has(body.id)) return send(res, 409, { title: "Conflict", detail: "The id is taken." });
        created.set(body.id, body);
        return reset(res); // created, but the answer never arrives
      }
      const id = req.apiPath.split("/").pop() as string;
      return send(res, 200, { ...gryffindors, ...created.get(id) });
    });
    const group = await clientFor(s).groups.create({ name: "Gryffindors" });
    expect(created.size).toBe(1);
    expect(group.id).toBe([...created.keys()][0]);
    expect(s.apiRequests.map((r) => r.method)).toEqual(["POST", "POST", "GET"]);
    const ids = s.apiRequests.slice(0, 2).map((r) => (r.json() as { id: string }).id);
    expect(ids[0]).toBe(ids[1]);
  });

  it("a 409 on the first group create attempt is a conflict (nothing is looked up)", async () => {
    const s = await scripted((n, req, res) => send(res, 409, { title: "Conflict", detail: "A group named 'Gryffindors' already exists." }));
    expect(await failure(clientFor(s).groups.create({ name: "Gryffindors" }))).toMatchObject({ kind: "conflict", attempts: 1 });
    expect(s.apiRequests).toHaveLength(1);
  });

  it("a retried group create that meets 409 for a group with another name is a conflict", async () => {
    const s = await scripted((n, req, res) => {
      if (n === 1) return reset(res);
      if (req.method === "POST") return send(res, 409, { title: "Conflict" });
      return send(res, 200, { ...gryffindors, name: "Slytherins" });
    });
    const error = await failure(clientFor(s).groups.create({ name: "Gryffindors", id: GRYFFINDORS }));
    expect(error).toMatchObject({ kind: "conflict", attempts: 2 });
  });

  it("a robot-account create is not repeated after a reset (the service may have created it)", async () => {
    const s = await scripted((n, req, res) => reset(res));
    const error = await failure(clientFor(s).robotAccounts.create({ name: "Roby" }));
    expect(error).toMatchObject({ kind: "network", attempts: 1 });
    expect(s.apiRequests).toHaveLength(1);
  });

  it("a robot-account create is not repeated after a 503 either", async () => {
    const s = await scripted((n, req, res) => send(res, 503));
    expect(await failure(clientFor(s).robotAccounts.create({ name: "Roby" }))).toMatchObject({ kind: "server", attempts: 1 });
  });

  it("a robot-account create is repeated after a 429 (the service did not process it)", async () => {
    const s = await scripted((n, req, res) => (n === 1 ? send(res, 429, undefined, { "retry-after": "0" }) : send(res, 201, roby)));
    expect(await clientFor(s).robotAccounts.create({ name: "Roby" })).toEqual(roby);
    expect(s.apiRequests).toHaveLength(2);
  });

  it("a robot-account create is repeated when the connection was refused (it never left)", async () => {
    const port = await closedPort();
    const pm = createIdentityClient({
      baseUrl: `http://127.0.0.1:${port}/identity`,
      partitionGlobalId: ORG,
      credentials: { accessToken: "static-token" },
      retry: { maxAttempts: 3, baseDelayMs: 1 },
    });
    const error = await failure(pm.robotAccounts.create({ name: "Roby" }));
    expect(error).toMatchObject({ kind: "network", attempts: 3 });
    expect(error.message).toContain("ECONNREFUSED");
  });
});

describe("cancellation", () => {
  it("aborting during a backoff wait ends the call at once, with no further request", async () => {
    const s = await scripted((n, req, res) => send(res, 503, undefined, { "retry-after": "30" }));
    const controller = new AbortController();
    const pm = clientFor(s, {
      // Abort a little after the 30 s wait has begun.
      onRetry: () => void setTimeout(() => controller.abort(), 20),
    });
    const error = await failure(pm.groups.list({ signal: controller.signal }));
    expect(error).toMatchObject({ kind: "aborted", attempts: 1 });
    expect(s.apiRequests).toHaveLength(1);
  });

  it("an already-aborted signal sends nothing", async () => {
    const s = await scripted((n, req, res) => send(res, 200, []));
    const error = await failure(clientFor(s).groups.list({ signal: AbortSignal.abort() }));
    expect(error.kind).toBe("aborted");
    expect(s.apiRequests).toHaveLength(0);
    expect(s.tokenRequests).toHaveLength(0);
  });

  it("aborting while the server is thinking ends the call as aborted, not as a timeout", async () => {
    const controller = new AbortController();
    const s = await scripted(() => controller.abort());
    const error = await failure(clientFor(s).groups.list({ signal: controller.signal }));
    expect(error).toMatchObject({ kind: "aborted", attempts: 1 });
  });

  it("the client-wide signal cancels every call", async () => {
    const controller = new AbortController();
    const s = await scripted(() => controller.abort());
    const pm = clientFor(s, { signal: controller.signal });
    expect((await failure(pm.groups.list())).kind).toBe("aborted");
    expect((await failure(pm.groups.list())).kind).toBe("aborted");
    expect(s.apiRequests).toHaveLength(1);
  });
});

describe("retry decisions", () => {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
  const half = () => 0.5;

  it("follows the method's safety", () => {
    const reset = { type: "failure", failure: "network", sent: true } as const;
    const refused = { type: "failure", failure: "network", sent: false } as const;
    const timeout = { type: "failure", failure: "timeout", sent: true } as const;
    expect(decideRetry(policy, 1, "idempotent", reset, half).retry).toBe(true);
    expect(decideRetry(policy, 1, "idempotent", timeout, half).retry).toBe(true);
    expect(decideRetry(policy, 1, "unsafe", reset, half).retry).toBe(false);
    expect(decideRetry(policy, 1, "unsafe", timeout, half).retry).toBe(false);
    expect(decideRetry(policy, 1, "unsafe", refused, half).retry).toBe(true);
    for (const status of [502, 503, 504]) {
      expect(decideRetry(policy, 1, "idempotent", { type: "response", status }, half).retry).toBe(true);
      expect(decideRetry(policy, 1, "unsafe", { type: "response", status }, half).retry).toBe(false);
    }
    for (const status of [200, 400, 401, 404, 409, 500]) {
      expect(decideRetry(policy, 1, "idempotent", { type: "response", status }, half).retry).toBe(false);
    }
    expect(decideRetry(policy, 1, "unsafe", { type: "response", status: 429 }, half).retry).toBe(true);
  });

  it("stops at maxAttempts", () => {
    const outcome = { type: "response", status: 503 } as const;
    expect(decideRetry(policy, 3, "idempotent", outcome, half).retry).toBe(true);
    expect(decideRetry(policy, 4, "idempotent", outcome, half).retry).toBe(false);
  });

  it("uses Retry-After when given, within the cap", () => {
    expect(decideRetry(policy, 1, "idempotent", { type: "response", status: 429, retryAfterMs: 7000 }, half)).toEqual({
      retry: true,
      delayMs: 7000,
    });
    expect(decideRetry(policy, 1, "idempotent", { type: "response", status: 503, retryAfterMs: 61_000 }, half)).toEqual({
      retry: false,
    });
  });

  it("backs off exponentially with equal jitter, capped", () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe("docs/client.md's Retries section says what the client does", () => {
  const readme = readFileSync(new URL("../../docs/client.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Retries"), readme.indexOf("\n## ", readme.indexOf("## Retries") + 1));
  /** The `resource.method` names of the bullet that starts with **mode**. */
  const named = (mode: string): string[] => {
    const bullet = new RegExp(`^- \\*\\*${mode}\\*\\*[\\s\\S]*?(?=^- |^$)`, "m").exec(section)?.[0] ?? "";
    return [...bullet.matchAll(/`(\w+\.\w+)`/g)].map((m) => m[1] as string);
  };
  // Every method that sends a POST, and the raw client: what the README has to give a mode.
  const posts: Record<string, (pm: ReturnType<typeof clientFor>) => Promise<unknown>> = {
    "groups.create": (pm) => pm.groups.create({ name: "Gryffindors" }),
    "users.create": (pm) => pm.users.create({ email: "ron.weasley@hogwarts.example" }),
    "users.createMany": (pm) => pm.users.createMany({ users: [{ email: "ron.weasley@hogwarts.example" }] }),
    "directory.resolve": (pm) => pm.directory.resolve(["Gryffindors"], "group"),
    "robotAccounts.create": (pm) => pm.robotAccounts.create({ name: "Roby" }),
    "users.invite": (pm) => pm.users.invite([{ email: "ron.weasley@hogwarts.example" }]),
    // Any POST through the raw client: its mode follows the method.
    "pm.raw": async (pm) => pm.unwrap(await pm.raw.POST("/api/RobotAccount", { body: { partitionGlobalId: ORG, name: "Roby" } })),
  };

  it("names every POST method once, as idempotent or unsafe", () => {
    const idempotent = named("idempotent");
    const unsafe = named("unsafe");
    expect([...idempotent, ...unsafe].sort()).toEqual(Object.keys(posts).sort());
  });

  it.each(Object.keys(posts))("%s meets a 503 as the README says", async (method) => {
    const s = await scripted((n, req, res) => send(res, 503, { title: "Service Unavailable" }));
    const error = await failure((posts[method] as (pm: ReturnType<typeof clientFor>) => Promise<unknown>)(clientFor(s)));
    const retried = named("idempotent").includes(method);
    expect(error).toMatchObject({ status: 503, attempts: retried ? DEFAULT_RETRY.maxAttempts : 1 });
    expect(s.apiRequests.filter((r) => r.method === "POST")).toHaveLength(retried ? DEFAULT_RETRY.maxAttempts : 1);
  });
});
