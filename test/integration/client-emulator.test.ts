import { afterEach, describe, expect, it } from "@jest/globals";
import { createIdentityClient, IdentityInputError, type IdentityClientOptions } from "../../src/client/index.js";
import { DEMO_CLIENT, PM_SCOPES, type EmulatorHandle } from "../../src/emulator/index.js";
import { emulatorPerTest } from "../helpers/emulator.js";
import { startPrism, type PrismServer } from "../helpers/prism.js";
import { failure, GRYFFINDORS, ORG, walkThrough, walkThroughUsers } from "./scenario.js";

const start = emulatorPerTest();
const ALL_SCOPES = ["PM.Group", "PM.RobotAccount", "PM.User", "PM.Directory"];

function client(e: EmulatorHandle, options: Partial<IdentityClientOptions> = {}) {
  return createIdentityClient({
    baseUrl: e.baseUrl(),
    partitionGlobalId: ORG,
    credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret, scopes: ALL_SCOPES },
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    rateLimit: false,
    ...options,
  });
}

describe("the client against the emulator", () => {
  it("walks every Group and Robot Account method with client credentials", async () => {
    await walkThrough(client(await start()));
  });

  it("walks every User and Directory method", async () => {
    await walkThroughUsers(client(await start()));
  });

  it("needs no partitionGlobalId: the organization comes from the token, for the whole walkthrough", async () => {
    const e = await start();
    const requests: string[] = [];
    const pm = client(e, { partitionGlobalId: undefined, onRequest: (ev) => requests.push(`${ev.method} ${new URL(ev.url).pathname}`) });
    await walkThrough(pm);
    await walkThroughUsers(pm);
    // One token for everything: reading the organization from it cost no request of its own.
    expect(requests.filter((r) => r.endsWith("/connect/token"))).toEqual(["POST /hogwarts/identity_/connect/token"]);
  });

  it("refuses a partitionGlobalId that names another organization than the token", async () => {
    const e = await start();
    const pm = client(e, { partitionGlobalId: undefined });
    await pm.groups.list();
    const err = await pm.groups.list({ partitionGlobalId: "8b1d5e2f-3c4a-4b6d-9e7f-0a1b2c3d4e5f" }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(IdentityInputError);
  });

  it.each([
    ["host-level /identity_", (e: EmulatorHandle) => `${e.url}/identity_`],
    ["standalone /identity", (e: EmulatorHandle) => `${e.url}/identity`],
  ])("works under the %s URL layout", async (_name, base) => {
    const e = await start();
    const pm = client(e, { baseUrl: base(e) });
    expect((await pm.groups.get(GRYFFINDORS)).name).toBe("Gryffindors");
  });

  it("reports the missing scopes when the token only reads", async () => {
    const e = await start();
    const pm = client(e, {
      credentials: {
        clientId: DEMO_CLIENT.clientId,
        clientSecret: DEMO_CLIENT.clientSecret,
        scopes: ["PM.Group.Read", "PM.RobotAccount.Read"],
      },
    });
    expect((await pm.groups.list()).length).toBeGreaterThan(0);
    const err = await failure(pm.groups.create({ name: "Ravenclaws" }));
    expect(err).toMatchObject({ kind: "forbidden", status: 403 });
    expect(err.acceptedScopes).toEqual(["PM.Group", "PM.Group.Write"]);
    expect(err.missingScopes).toEqual(["PM.Group", "PM.Group.Write"]);
  });

  it("turns a wrong client secret into an unauthorized error that does not echo it", async () => {
    const e = await start();
    const err = await failure(
      client(e, { credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: "not-the-secret-1f9c" } }).groups.list(),
    );
    expect(err.kind).toBe("unauthorized");
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain("not-the-secret-1f9c");
  });

  it("pages and sorts the seeded robot accounts", async () => {
    const pm = client(await start());
    const page = await pm.robotAccounts.listPage({ top: 2, sortBy: "name", sortOrder: "asc" });
    expect(page.totalCount).toBe(4);
    expect(page.results.map((r) => r.name)).toEqual(["Buckbeak", "Dobby"]);
    const all = await pm.robotAccounts.list({}, { pageSize: 1 }).toArray();
    expect(all.map((r) => r.name).sort()).toEqual(["Buckbeak", "Dobby", "Hedwig", "Roby"]);
  });

  it("turns a token the emulator never issued into an unauthorized error", async () => {
    const e = await start();
    const err = await failure(client(e, { credentials: { accessToken: "not-a-token-it-issued" } }).groups.list());
    expect(err).toMatchObject({ kind: "unauthorized", status: 401 });
  });

  it("refreshes an expired token once and carries on", async () => {
    const e = await start();
    let calls = 0;
    const pm = client(e, {
      // First an already-expired token, then a good one: the 401 triggers exactly one refresh.
      credentials: async () => e.issueToken({ scopes: ["PM.Group"], expiresInSeconds: calls++ === 0 ? -1 : 3600 }),
    });
    expect((await pm.groups.get(GRYFFINDORS)).name).toBe("Gryffindors");
    expect(calls).toBe(2);
  });

  it("rejects bad input before sending, and maps the server's 400 for raw calls", async () => {
    const e = await start();
    const pm = client(e);
    await expect(pm.groups.get("gryff-01")).rejects.toBeInstanceOf(IdentityInputError);
    await expect(pm.groups.create({ name: "" })).rejects.toBeInstanceOf(IdentityInputError);
    const raw = await pm.raw.GET("/api/Group/{partitionGlobalId}/{groupId}", {
      params: { path: { partitionGlobalId: "magic-7", groupId: GRYFFINDORS } },
    });
    expect(raw.response.status).toBe(400);
    expect(raw.error).toMatchObject({ errors: { partitionGlobalId: [expect.stringContaining("magic-7")] } });
  });

  it("recovers from the emulator's 429s by waiting for Retry-After", async () => {
    const e = await start({ rateLimit: { windowMs: 1000, budgets: { GET: 3, POST: 100, PUT: 100, PATCH: 100, DELETE: 100 } } });
    const retries: number[] = [];
    const pm = client(e, {
      retry: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 5000 },
      onRetry: (ev) => retries.push(Number(ev.reason)),
    });
    const names = await Promise.all(Array.from({ length: 5 }, () => pm.groups.get(GRYFFINDORS).then((g) => g.name)));
    expect(names).toEqual(Array(5).fill("Gryffindors"));
    expect(retries.filter((s) => s === 429).length).toBeGreaterThan(0);
  });

  it("does not retry a 500: it is surfaced as a server error after one attempt", async () => {
    const e = await start({ faults: { seed: 1, rate: 1, kinds: ["500"] } });
    const err = await failure(client(e).groups.get(GRYFFINDORS));
    expect(err).toMatchObject({ kind: "server", status: 500, attempts: 1 });
  });

  it("surfaces a 429 as rate_limited with the wait when retries are off", async () => {
    const e = await start({ rateLimit: { windowMs: 60000, budgets: { GET: 1, POST: 100, PUT: 100, PATCH: 100, DELETE: 100 } } });
    const pm = client(e, { retry: false });
    await pm.groups.list();
    const err = await failure(pm.groups.list());
    expect(err).toMatchObject({ kind: "rate_limited", status: 429, attempts: 1 });
    expect(err.retryAfterMs).toBeGreaterThan(0);
  });

  it("the client-side limiter keeps a burst under the emulator's budget: no 429 at all", async () => {
    const budgets = { GET: 4, POST: 100, PUT: 100, PATCH: 100, DELETE: 100 };
    const e = await start({ rateLimit: { windowMs: 300, budgets } });
    // The margin absorbs the spread in travel time between requests (see rate-limit.ts); a whole
    // second of it, so even a busy machine's delays cannot push two batches into one window.
    const pm = client(e, { retry: false, rateLimit: { windowMs: 300, budgets, marginMs: 1000 } });
    const results = await Promise.all(Array.from({ length: 10 }, () => pm.groups.get(GRYFFINDORS)));
    expect(results).toHaveLength(10);
  });

  it("rides out injected faults on reads (seeded, so the run repeats)", async () => {
    const e = await start({ faults: { seed: 7, rate: 0.4, kinds: ["503", "drop", "429", "delay"], delayMs: 10 } });
    const pm = client(e, { retry: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 2000 } });
    for (let i = 0; i < 10; i++) expect((await pm.groups.get(GRYFFINDORS)).name).toBe("Gryffindors");
  });
});

describe("the client through Prism, a validating proxy, in front of the emulator", () => {
  let prism: PrismServer | undefined;
  afterEach(async () => {
    await prism?.close();
    prism = undefined;
  });

  it("passes the whole walkthrough with zero request or response violations", async () => {
    const e = await start();
    prism = await startPrism({ mode: "proxy", upstream: e.baseUrl() });
    const violations: string[] = [];
    const statuses: number[] = [];
    const pm = client(e, {
      baseUrl: prism.url,
      // The token endpoint is not part of the contract Prism checks, so tokens come from the emulator.
      credentials: async () => e.issueToken({ scopes: [...PM_SCOPES] }),
      onResponse: (ev) => {
        statuses.push(ev.status ?? 0);
        if (ev.headers["sl-violations"]) violations.push(`${ev.method} ${ev.url}: ${ev.headers["sl-violations"]}`);
      },
    });
    await walkThrough(pm);
    // Prism's address has no organization segment to build the default accept link from.
    await walkThroughUsers(pm, { acceptLink: `${e.url}/portal_/acceptInvite?organizationId=${ORG}&organizationName=hogwarts&language=en` });
    expect(violations).toEqual([]);
    expect(prism.output()).not.toMatch(/violation/i);
    // The walkthrough really went through Prism, error answers included.
    expect(statuses.length).toBeGreaterThan(25);
    expect(statuses).toEqual(expect.arrayContaining([200, 201, 204, 404, 409]));
  });
});

describe("scopes from the contract, against the emulator's token endpoint", () => {
  const contract = (e: EmulatorHandle, clientId: string, clientSecret: string, sent: string[]) =>
    client(e, {
      partitionGlobalId: undefined,
      credentials: { clientId, clientSecret },
      onRequest: (ev) => sent.push(`${ev.method} ${new URL(ev.url).pathname.replace(/^\/hogwarts\/identity_/, "")}`),
    });

  it("with no scopes configured, the whole walkthrough works, one token per scope set", async () => {
    const e = await start();
    const sent: string[] = [];
    const pm = contract(e, DEMO_CLIENT.clientId, DEMO_CLIENT.clientSecret, sent);
    await walkThrough(pm);
    await walkThroughUsers(pm);
    expect(sent.filter((r) => r.endsWith("/connect/token"))).toHaveLength(4);
  });

  it("an application granted only the narrow scopes works through them; one it lacks fails before the call is sent", async () => {
    const reader = { clientId: "user-reader", clientSecret: "user-reader-secret-3e8a", scopes: ["PM.User.Read", "PM.Group.Read"] };
    const e = await start({ clients: [DEMO_CLIENT, reader] });
    const sent: string[] = [];
    const pm = contract(e, reader.clientId, reader.clientSecret, sent);
    // The first call: one token for the organization and the call alike (after the broad scope's refusal).
    expect((await pm.users.findByEmail("ron.weasley@hogwarts.example")).userName).toBe("ron.weasley@hogwarts.example");
    expect(sent.filter((r) => r.endsWith("/connect/token"))).toHaveLength(2);
    expect((await pm.groups.list()).length).toBeGreaterThan(0);
    const before = sent.filter((r) => r.includes("/api/")).length;
    const err = await failure(pm.users.create({ email: "neville.longbottom@hogwarts.example" }));
    expect(err).toMatchObject({ kind: "forbidden", acceptedScopes: ["PM.User", "PM.User.Write"] });
    expect(err.message).toMatch(
      /^POST \/api\/User needs the scope PM\.User or PM\.User\.Write, and the External Application user-reader was not granted any of them/,
    );
    expect(err.serverMessage).toBe("invalid_scope: not allowed for this client: PM.User.Write");
    expect(sent.filter((r) => r.includes("/api/")).length).toBe(before);
    const directory = await failure(pm.directory.resolve(["ron.weasley@hogwarts.example"], "user"));
    expect(directory.message).toContain("needs the scope PM.Directory or PM.Directory.Read");
  });

  it("partitionGlobalId() before any call takes any scope the application has", async () => {
    const robots = { clientId: "robots-only", clientSecret: "robots-only-secret-5b2c", scopes: ["PM.RobotAccount.Read"] };
    const e = await start({ clients: [DEMO_CLIENT, robots] });
    const sent: string[] = [];
    const pm = contract(e, robots.clientId, robots.clientSecret, sent);
    expect(await pm.partitionGlobalId()).toBe(ORG);
    // The group scopes, PM.RobotAccount and PM.RobotAccount.Write refused, then PM.RobotAccount.Read.
    expect(sent.filter((r) => r.endsWith("/connect/token"))).toHaveLength(6);
    // The listing reuses that token: what was refused is remembered.
    expect((await pm.robotAccounts.list().toArray()).length).toBeGreaterThan(0);
    expect(sent.filter((r) => r.endsWith("/connect/token"))).toHaveLength(6);
  });
});
