// The CLI's fetch over node:http against a real loopback server: what the client relies on from
// fetch (bodies and their types, redirects, compressed answers, aborts, failures with a code).
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { nodeHttpFetch } from "../../src/cli/node-http.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const path = req.url!;
      if (path === "/see-other") res.writeHead(303, { location: "/echo" }).end();
      else if (path === "/temporary") res.writeHead(307, { location: "/echo" }).end();
      else if (path === "/elsewhere")
        res.writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/echo` }).end();
      else if (path === "/loop") res.writeHead(302, { location: "/loop" }).end();
      else if (path === "/gzip")
        res.writeHead(200, { "content-encoding": "gzip", "content-type": "application/json" }).end(gzipSync('{"ok":true}'));
      else if (path === "/empty") res.writeHead(204).end();
      else if (path === "/stall") res.writeHead(200).write("partial");
      else res.writeHead(200, { "content-type": "application/json", "x-twice": "a" }).end(JSON.stringify({ method: req.method, body }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

describe("nodeHttpFetch", () => {
  it("sends a form body with fetch's Content-Type and reads a JSON answer, its status, headers and URL", async () => {
    const response = await nodeHttpFetch(`${base}/echo`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials" }),
    });
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${base}/echo`);
    expect(response.headers.get("x-twice")).toBe("a");
    expect(await response.json()).toEqual({ method: "POST", body: "grant_type=client_credentials" });
    expect(seen.at(-1)!.headers["content-type"]).toBe("application/x-www-form-urlencoded;charset=UTF-8");
  });

  it("takes a Request as fetch does, the init's headers winning", async () => {
    const request = new Request(`${base}/echo`, { method: "PUT", body: '{"a":1}', headers: { "x-from": "request" } });
    const response = await nodeHttpFetch(request, { headers: { "x-from": "init", "content-type": "application/json" } });
    expect(await response.json()).toEqual({ method: "PUT", body: '{"a":1}' });
    expect(seen.at(-1)!.headers["x-from"]).toBe("init");
  });

  it("follows redirects as fetch does: 303 as a GET, 307 with its body, Authorization not carried to another origin", async () => {
    expect(await (await nodeHttpFetch(`${base}/see-other`, { method: "POST", body: "x" })).json()).toEqual({ method: "GET", body: "" });
    expect(await (await nodeHttpFetch(`${base}/temporary`, { method: "POST", body: "x" })).json()).toEqual({ method: "POST", body: "x" });
    const moved = await nodeHttpFetch(`${base}/elsewhere`, { headers: { authorization: "Bearer secret" } });
    expect(moved.url).toMatch(/^http:\/\/localhost:\d+\/echo$/);
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
    await expect(nodeHttpFetch(`${base}/loop`, {})).rejects.toThrow("too many redirects");
    await expect(nodeHttpFetch(`${base}/see-other`, { redirect: "error" })).rejects.toThrow(`fetch failed: redirected (${base}/see-other)`);
    const manual = await nodeHttpFetch(`${base}/see-other`, { redirect: "manual" });
    expect(manual.status).toBe(303);
  });

  it("decompresses a compressed answer and gives a 204 no body", async () => {
    expect(await (await nodeHttpFetch(`${base}/gzip`, {})).json()).toEqual({ ok: true });
    const empty = await nodeHttpFetch(`${base}/empty`, { method: "DELETE" });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it("fails as fetch does: an abort with the signal's reason, before and while reading; a refused connection with its code", async () => {
    const reason = new Error("stop");
    await expect(nodeHttpFetch(`${base}/echo`, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const controller = new AbortController();
    const stalled = await nodeHttpFetch(`${base}/stall`, { signal: controller.signal });
    const reading = stalled.text();
    controller.abort(reason);
    await expect(reading).rejects.toBeDefined();
    const closed = createServer();
    await new Promise<void>((ready) => closed.listen(0, "127.0.0.1", ready));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const refused = await nodeHttpFetch(`http://127.0.0.1:${port}/`, {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
  });
});
