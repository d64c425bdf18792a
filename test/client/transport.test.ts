// The send path itself: what a custom fetch receives, what the timeout covers, and what a caller
// gets back as the Response.
import { afterEach, describe, expect, it } from "@jest/globals";
import { inspect } from "node:util";
import { IdentityInputError } from "../../src/client/index.js";
import { BufferedResponse } from "../../src/client/buffered-response.js";
import { Deadlines, DeadlineError } from "../../src/client/deadlines.js";
import {
  CLIENT_SECRET,
  GRYFFINDORS,
  ORG,
  ROBY,
  clientFor,
  failure,
  gryffindors,
  roby,
  startIdentity,
  type ApiHandler,
} from "./helpers/identity.js";
import { send, serverPool } from "../helpers/http-server.js";

const servers = serverPool();
afterEach(() => servers.closeAll());
const identity = async (handler: ApiHandler) => servers.add(await startIdentity(handler));

describe("the per-attempt timeout", () => {
  it("covers a body that stalls after the headers: it times out and is retried", async () => {
    let n = 0;
    const server = await identity((_req, res) => {
      n++;
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"id":"'); // and nothing more
    });
    // The call's own timeout, so the token request meets the client's default, however slow the machine.
    const pm = clientFor(server, { retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const error = await failure(pm.robotAccounts.get(ROBY, { timeoutMs: 150 }));
    expect(error).toMatchObject({ kind: "timeout", attempts: 2 });
    expect(error.message).toContain("timed out after 150 ms");
    expect(n).toBe(2);
  });
});

describe("no timeout (timeoutMs 0)", () => {
  // A token issued up front, so the client's short timeout has no token request to cover.
  const tokenOf = async (server: { baseUrl: string }) =>
    ((await (await fetch(`${server.baseUrl}/connect/token`, { method: "POST" })).json()) as { access_token: string }).access_token;

  it("a call's 0 outlasts the client's timeout, and fetch gets no signal to link", async () => {
    const server = await identity(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 150));
      send(res, 200, roby);
    });
    const inits: RequestInit[] = [];
    const pm = clientFor(server, {
      retry: false,
      timeoutMs: 50,
      credentials: { accessToken: await tokenOf(server) },
      fetchWithInit: (input, init) => (inits.push({ ...init }), globalThis.fetch(input, init)),
    });
    expect((await pm.robotAccounts.get(ROBY, { timeoutMs: 0 })).id).toBe(ROBY);
    expect(inits).toHaveLength(1);
    expect(inits[0]!.signal).toBeUndefined();
    // The client's own 50 ms still holds for a call that does not say otherwise.
    expect(await failure(pm.robotAccounts.get(ROBY))).toMatchObject({
      kind: "timeout",
      message: expect.stringContaining("timed out after 50 ms"),
    });
  });

  it("a caller's abort still stops the request, and only it gives fetch a signal", async () => {
    const server = await identity(() => undefined); // never answers
    const signals: Array<AbortSignal | null | undefined> = [];
    const pm = clientFor(server, {
      retry: false,
      timeoutMs: Number.POSITIVE_INFINITY,
      credentials: { accessToken: await tokenOf(server) },
      fetchWithInit: (input, init) => (signals.push(init.signal), globalThis.fetch(input, init)),
    });
    const controller = new AbortController();
    const call = failure(pm.robotAccounts.get(ROBY, { signal: controller.signal }));
    while (signals.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(await call).toMatchObject({ kind: "aborted", attempts: 1 });
    expect(signals[0]?.aborted).toBe(true);
  });

  it("a retried answer's unread body is cancelled, so its connection is not held", async () => {
    let n = 0;
    let firstClosed = false;
    const server = await identity((_req, res) => {
      if (++n === 1) {
        res.on("close", () => (firstClosed = true));
        res.writeHead(503, { "content-type": "application/json", "content-length": "100000" });
        res.write('{"error":"'); // and the rest never comes
        return;
      }
      send(res, 200, roby);
    });
    const answers: Response[] = [];
    const pm = clientFor(server, {
      timeoutMs: 0,
      retry: { maxAttempts: 2, baseDelayMs: 1 },
      credentials: { accessToken: await tokenOf(server) },
      fetchWithInit: async (input, init) => {
        const response = await globalThis.fetch(input, init);
        answers.push(response);
        return response;
      },
    });
    expect((await pm.robotAccounts.get(ROBY)).id).toBe(ROBY);
    expect(answers.map((a) => a.status)).toEqual([503, 200]);
    expect(answers[0]!.bodyUsed).toBe(true); // cancelled, not left to the garbage collector
    while (!firstClosed) await new Promise((r) => setTimeout(r, 5));
  });

  it("a timeout that is not a number of milliseconds from 1 to 2^31 - 1, or 0, is refused before sending", () => {
    const make = (timeoutMs: number) => () => clientFor({ baseUrl: "http://127.0.0.1:9/x" }, { timeoutMs });
    for (const bad of [-1, Number.NaN, 2 ** 31, Number.NEGATIVE_INFINITY]) {
      expect(make(bad)).toThrow(IdentityInputError);
      expect(make(bad)).toThrow(/timeoutMs must be a number of milliseconds from 1 to 2147483647 \(about 24.8 days\), or 0 for none/);
    }
    for (const good of [0, 1, 2 ** 31 - 1, Number.POSITIVE_INFINITY]) expect(make(good)).not.toThrow();
  });
});

describe("the fetch option (called with one Request)", () => {
  it("receives the method, URL, every header and the body, and its answer is used", async () => {
    const server = await identity((req, res) => send(res, 200, { ...gryffindors, name: (req.json() as { name: string }).name }));
    const seen: Array<{ method: string; url: string; headers: Record<string, string>; body: string }> = [];
    const pm = clientFor(server, {
      userAgent: "transport-test/1.0",
      fetch: async (request) => {
        const headers: Record<string, string> = {};
        request.headers.forEach((value, name) => (headers[name] = value));
        seen.push({ method: request.method, url: request.url, headers, body: await request.clone().text() });
        return globalThis.fetch(request);
      },
    });
    const group = await pm.groups.update(GRYFFINDORS, { name: "Lions" });
    expect(group.name).toBe("Lions");
    const put = seen.find((s) => s.method === "PUT");
    expect(put).toMatchObject({
      url: `${server.baseUrl}/api/Group/${GRYFFINDORS}`,
      headers: expect.objectContaining({
        authorization: expect.stringMatching(/^Bearer tok-1-/),
        accept: "application/json",
        "content-type": "application/json",
        "user-agent": expect.stringMatching(/ transport-test\/1\.0$/),
      }),
    });
    expect(JSON.parse(put!.body)).toMatchObject({ name: "Lions" });
    // The token request went through it too, with the secret in the body and no bearer.
    expect(seen[0]).toMatchObject({ method: "POST", url: `${server.baseUrl}/connect/token` });
    expect(seen[0]!.body).toContain(`client_secret=${CLIENT_SECRET}`);
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it("gets a signal the timeout aborts", async () => {
    const server = await identity(() => undefined); // never answers
    const signals: AbortSignal[] = [];
    const pm = clientFor(server, {
      retry: false,
      fetch: (request) => {
        signals.push(request.signal);
        return globalThis.fetch(request);
      },
    });
    expect(await failure(pm.robotAccounts.get(ROBY, { timeoutMs: 100 }))).toMatchObject({ kind: "timeout", attempts: 1 });
    expect(signals.at(-1)?.aborted).toBe(true);
  });
});

describe("the fetchWithInit option (called as fetch(input, init))", () => {
  it("gets the URL or request with each attempt's headers, body and signal in init", async () => {
    const server = await identity((req, res) => send(res, 200, { ...gryffindors, name: (req.json() as { name: string }).name }));
    const seen: Array<{ method: string; url: string; init: RequestInit }> = [];
    const pm = clientFor(server, {
      fetchWithInit: (input, init) => {
        const request = new Request(input, init);
        seen.push({ method: request.method, url: request.url, init });
        return globalThis.fetch(input, init);
      },
    });
    expect((await pm.groups.update(GRYFFINDORS, { name: "Lions" })).name).toBe("Lions");
    const put = seen.find((s) => s.method === "PUT")!;
    expect(put.url).toBe(`${server.baseUrl}/api/Group/${GRYFFINDORS}`);
    expect(put.init.headers).toMatchObject({ authorization: expect.stringMatching(/^Bearer tok-1-/), "content-type": "application/json" });
    const body = put.init.body;
    expect(JSON.parse(typeof body === "string" ? body : new TextDecoder().decode(body as ArrayBuffer))).toMatchObject({ name: "Lions" });
    expect(put.init.signal).toBeDefined();
  });

  it("cannot be given together with fetch", () => {
    const both = () => clientFor({ baseUrl: "http://127.0.0.1:9/x" }, { fetch: globalThis.fetch, fetchWithInit: globalThis.fetch });
    expect(both).toThrow(IdentityInputError);
    expect(both).toThrow(/fetch or fetchWithInit/);
  });
});

describe("shared deadlines", () => {
  it("a caller's abort stops its own attempt only; the others in the same slice finish", async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let n = 0;
    const server = await identity(async (_req, res) => {
      if (++n > 1) await gate; // the first answer (the warm-up) at once, the rest when let through
      send(res, 200, roby);
    });
    const pm = clientFor(server, { retry: false });
    await pm.robotAccounts.get(ROBY); // token and connection
    const controller = new AbortController();
    const aborted = pm.robotAccounts.get(ROBY, { signal: controller.signal });
    const kept = pm.robotAccounts.get(ROBY);
    while (n < 3) await new Promise((r) => setTimeout(r, 5)); // both are at the server
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ kind: "aborted" });
    open();
    await expect(kept).resolves.toEqual(roby);
  });

  it("every attempt gets at least its full timeout, and at most a slice more", async () => {
    const deadlines = new Deadlines();
    const never = () => new Promise<never>(() => undefined);
    const started = performance.now();
    const outcomes = await Promise.all(
      [0, 3, 6].map(async (delay) => {
        await new Promise((r) => setTimeout(r, delay));
        const at = performance.now();
        const error = await deadlines.run(undefined, 200, never, undefined).catch((e: unknown) => e);
        return { error, waited: performance.now() - at };
      }),
    );
    for (const { error, waited } of outcomes) {
      expect(error).toBeInstanceOf(DeadlineError);
      expect((error as DeadlineError).outcome).toBe("timeout");
      expect(waited).toBeGreaterThanOrEqual(199);
    }
    // 2% of 200 ms is the slice; timers on a busy machine may run late, never early.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("attempts without a caller share their slice's signal, 100 at most; a caller's or a stream's is its own", async () => {
    // A stopped clock: every attempt starts in the same slice however slow the machine.
    const deadlines = new Deadlines(() => 0);
    const signals: AbortSignal[] = [];
    const pending: Array<Promise<unknown>> = [];
    const hold = (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    };
    for (let i = 0; i < 101; i++) pending.push(deadlines.run(undefined, 100, hold, undefined, true).catch((e: unknown) => e));
    const caller = new AbortController();
    pending.push(deadlines.run(caller.signal, 100, hold, undefined, true).catch((e: unknown) => e));
    pending.push(deadlines.run(undefined, 100, hold, undefined, false).catch((e: unknown) => e));
    const distinct = new Set(signals);
    // 100 share one, the 101st starts the next, and the caller's and the unshared one are their own.
    expect(distinct.size).toBe(4);
    expect(signals.slice(0, 100).every((s) => s === signals[0])).toBe(true);
    expect(signals[100]).not.toBe(signals[0]);
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((e) => e instanceof DeadlineError && e.outcome === "timeout")).toBe(true);
    expect([...distinct].every((s) => s.aborted && (s.reason as DOMException).name === "TimeoutError")).toBe(true);
  });

  it("a shared signal is aborted only when its deadline passes, not when one attempt's caller gives up", async () => {
    const deadlines = new Deadlines();
    let sharedSignal: AbortSignal | undefined;
    const kept = deadlines.run(
      undefined,
      60_000,
      (signal) => {
        sharedSignal = signal;
        return new Promise<number>((resolve) => setTimeout(resolve, 20, 1));
      },
      undefined,
      true,
    );
    const caller = new AbortController();
    const dropped = deadlines.run(caller.signal, 60_000, () => new Promise<never>(() => undefined), undefined, true);
    caller.abort(new Error("stop"));
    await expect(dropped).rejects.toMatchObject({ outcome: "aborted" });
    await expect(kept).resolves.toBe(1);
    expect(sharedSignal?.aborted).toBe(false);
  });

  it("a deadline keeps the process alive only while an attempt waits on it", async () => {
    const deadlines = new Deadlines();
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    let finish: (value: number) => void = () => undefined;
    const before = timers();
    const running = deadlines.run(undefined, 60_000, () => new Promise<number>((resolve) => (finish = resolve)), undefined);
    expect(timers()).toBe(before + 1);
    finish(1);
    await expect(running).resolves.toBe(1);
    // Nothing between here and there lets a timer fire: only an unreferenced deadline is left.
    expect(timers()).toBe(before);
  });
});

describe("a buffered response", () => {
  const bytes = (text: string) => new TextEncoder().encode(text).buffer;
  const from = (headers: Record<string, string>) => new Response("ignored", { status: 201, statusText: "Created", headers });

  it("serves its body once, as text, JSON or bytes, like any Response", async () => {
    const r = new BufferedResponse(from({ "content-length": "7" }), bytes('{"a":1}'));
    expect(r).toBeInstanceOf(Response);
    expect([r.status, r.statusText, r.ok, r.bodyUsed]).toEqual([201, "Created", true, false]);
    await expect(r.json()).resolves.toEqual({ a: 1 });
    expect(r.bodyUsed).toBe(true);
    await expect(r.text()).rejects.toThrow(/Body is unusable/);
    await expect(r.arrayBuffer()).rejects.toThrow(/Body is unusable/);
    expect(() => r.clone()).toThrow(/already been consumed/);
  });

  it("reads as text, bytes, a blob and a stream", async () => {
    const make = () => new BufferedResponse(from({ "content-type": "text/plain" }), bytes("héllo"));
    await expect(make().text()).resolves.toBe("héllo");
    expect([...new Uint8Array(await make().arrayBuffer())]).toEqual([...new TextEncoder().encode("héllo")]);
    expect(await (await make().blob()).text()).toBe("héllo");
    const streamed = make();
    expect(await new Response(streamed.body).text()).toBe("héllo");
    expect(streamed.bodyUsed).toBe(true);
  });

  it("a clone reads independently of the original", async () => {
    const r = new BufferedResponse(from({}), bytes("twice"));
    const copy = r.clone();
    await expect(r.text()).resolves.toBe("twice");
    await expect(copy.text()).resolves.toBe("twice");
    expect(copy.status).toBe(201);
  });

  it("is still a Response to instanceof, toString and util.inspect", async () => {
    const r = new BufferedResponse(from({ "content-length": "2" }), bytes("ok"));
    expect(Object.prototype.toString.call(r)).toBe("[object Response]");
    expect(inspect(r)).toMatch(/^Response \{\n {2}status: 201,\n {2}statusText: 'Created',/);
    await expect(r.text()).resolves.toBe("ok"); // inspecting read `body`, which still serves the bytes
  });

  it("a malformed JSON body rejects with a SyntaxError, not a throw", async () => {
    const r = new BufferedResponse(from({}), bytes("{nope"));
    await expect(r.json()).rejects.toThrow(/JSON/);
  });

  it("headers describe the bytes held: no stale encoding, the decoded length", () => {
    const plain = new BufferedResponse(from({ "content-length": "5", "x-id": "1" }), bytes("hello"));
    expect(plain.headers.get("content-length")).toBe("5");
    expect(plain.headers.get("x-id")).toBe("1");
    const gzipped = new BufferedResponse(from({ "content-encoding": "gzip", "content-length": "25", "x-id": "2" }), bytes("hello"));
    expect([gzipped.headers.get("content-encoding"), gzipped.headers.get("content-length"), gzipped.headers.get("x-id")]).toEqual([
      null,
      "5",
      "2",
    ]);
    const chunked = new BufferedResponse(from({ "transfer-encoding": "chunked" }), bytes("hello"));
    expect([chunked.headers.get("transfer-encoding"), chunked.headers.get("content-length")]).toEqual([null, "5"]);
  });
});

describe("openapi-fetch middleware on the raw client", () => {
  it("sees real Requests from the resource methods too, once registered", async () => {
    const server = await identity((_req, res) => send(res, 200, roby));
    const pm = clientFor(server);
    await pm.robotAccounts.get(ROBY); // before any middleware: the fast path
    const seen: unknown[] = [];
    pm.raw.use({
      onRequest: ({ request }) => {
        seen.push(request);
        request.headers.set("x-middleware", "1");
        return request;
      },
    });
    await expect(pm.robotAccounts.get(ROBY)).resolves.toEqual(roby);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(Request);
    expect((seen[0] as Request).url).toBe(`${server.baseUrl}/api/RobotAccount/${ORG}/${ROBY}`);
    expect(server.apiRequests.at(-1)?.headers["x-middleware"]).toBe("1");
  });
});

describe("the Response a raw call returns", () => {
  it("keeps status and headers, its body was read within the timeout, and it can be read as openapi-fetch did", async () => {
    const server = await identity((_req, res) => send(res, 200, roby, { "x-request-id": "req-1" }));
    const pm = clientFor(server);
    const result = await pm.raw.GET("/api/RobotAccount/{partitionGlobalId}/{robotAccountId}", {
      params: { path: { partitionGlobalId: "9b0dd3c5-4aa5-4b76-8d79-5d1b1c4e7f80", robotAccountId: ROBY } },
    });
    expect(result.data).toEqual(roby);
    expect(result.response).toBeInstanceOf(Response);
    expect(result.response.status).toBe(200);
    expect(result.response.ok).toBe(true);
    expect(result.response.headers.get("x-request-id")).toBe("req-1");
    expect(result.response.headers.get("content-length")).toBe(String(Buffer.byteLength(JSON.stringify(roby))));
    expect(result.response.bodyUsed).toBe(true);
    await expect(result.response.text()).rejects.toThrow(/Body is unusable/);
  });

  it("parseAs stream hands over the whole body as a stream", async () => {
    const server = await identity((_req, res) => send(res, 200, roby));
    const pm = clientFor(server);
    const result = await pm.raw.GET("/api/RobotAccount/{partitionGlobalId}/{robotAccountId}", {
      params: { path: { partitionGlobalId: "9b0dd3c5-4aa5-4b76-8d79-5d1b1c4e7f80", robotAccountId: ROBY } },
      parseAs: "stream",
    });
    const text = await new Response(result.data).text();
    expect(JSON.parse(text)).toEqual(roby);
  });
});
