// The send path itself: what a custom fetch receives, what the timeout covers, and what a caller
// gets back as the Response.
import { afterEach, describe, expect, it } from "@jest/globals";
import { IdentityApiError } from "../../src/client/index.js";
import { CLIENT_SECRET, GRYFFINDORS, ROBY, clientFor, gryffindors, roby, startIdentity, type ApiHandler } from "./helpers/identity.js";
import { send, serverPool } from "../helpers/http-server.js";

const servers = serverPool();
afterEach(() => servers.closeAll());
const identity = async (handler: ApiHandler) => servers.add(await startIdentity(handler));

function failure(promise: Promise<unknown>): Promise<IdentityApiError> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(IdentityApiError);
      return e as IdentityApiError;
    },
  );
}

describe("the per-attempt timeout", () => {
  it("covers a body that stalls after the headers: it times out and is retried", async () => {
    let n = 0;
    const server = await identity((_req, res) => {
      n++;
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"id":"'); // and nothing more
    });
    const pm = clientFor(server, { timeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const error = await failure(pm.robotAccounts.get(ROBY));
    expect(error).toMatchObject({ kind: "timeout", attempts: 2 });
    expect(error.message).toContain("timed out after 150 ms");
    expect(n).toBe(2);
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
      timeoutMs: 100,
      retry: false,
      fetch: (request) => {
        signals.push(request.signal);
        return globalThis.fetch(request);
      },
    });
    expect(await failure(pm.robotAccounts.get(ROBY))).toMatchObject({ kind: "timeout", attempts: 1 });
    expect(signals.at(-1)?.aborted).toBe(true);
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
    const text = await new Response(result.data as unknown as ReadableStream).text();
    expect(JSON.parse(text)).toEqual(roby);
  });
});
