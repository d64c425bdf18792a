// The CLI's HTTP: fetch's interface (what the client's `fetchWithInit` takes) over node:http and
// node:https. Node's own fetch parses HTTP with a WebAssembly build of llhttp whose optimising
// compile starts on the third request and holds the process's exit until it ends, about 100 ms
// on every short command; node:http parses natively (BENCHMARKS.md, benchmark 8). Bodies arrive
// as streams, so downloads stream as with fetch. Redirects are followed as fetch does.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { FetchWithInit } from "../client/index.js";

/** Idle keep-alive sockets are unreferenced by the agents, so they never hold the process open. */
const httpAgent = new HttpAgent({ keepAlive: true });
/** node:https (and with it TLS) is loaded for the first https URL: the emulator needs neither. */
let https: Promise<{ request: typeof httpRequest; agent: HttpAgent }> | undefined;
const loadHttps = () => (https ??= import("node:https").then(({ Agent, request }) => ({ request, agent: new Agent({ keepAlive: true }) })));
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);
const MAX_REDIRECTS = 20;

interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

export const nodeHttpFetch: FetchWithInit = async (input, init) => {
  const request = typeof input === "string" ? undefined : input;
  const method = (init.method ?? request?.method ?? "GET").toUpperCase();
  const headers: Record<string, string> = {};
  new Headers(init.headers ?? request?.headers).forEach((value, name) => (headers[name] = value));
  const given = init.body ?? (request?.body ? await request.arrayBuffer() : undefined);
  let out: Outgoing = { url: new URL(request ? request.url : (input as string)), method, headers, body: await bytesOf(given, headers) };
  for (let hops = 0; ; hops++) {
    const response = await exchange(out, init.signal ?? undefined);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || location === undefined || init.redirect === "manual") {
      return toResponse(response, out.url, out.method, init.signal ?? undefined);
    }
    response.resume();
    if (init.redirect === "error" || hops >= MAX_REDIRECTS) {
      throw new TypeError(`fetch failed: ${hops >= MAX_REDIRECTS ? "too many redirects" : "redirected"} (${out.url.href})`);
    }
    // As fetch: 303, and 301/302 after a POST, continue as a GET without the body.
    const toGet = response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && out.method === "POST");
    const next = new URL(location, out.url);
    const nextHeaders = { ...out.headers };
    if (next.origin !== out.url.origin) delete nextHeaders.authorization;
    if (toGet) {
      delete nextHeaders["content-type"];
      delete nextHeaders["content-length"];
    }
    out = {
      url: next,
      method: toGet && out.method !== "HEAD" ? "GET" : out.method,
      headers: nextHeaders,
      body: toGet ? undefined : out.body,
    };
  }
};

/** The body as bytes, setting the Content-Type fetch would give it where none is set. */
async function bytesOf(body: BodyInit | null | undefined, headers: Record<string, string>): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") {
    headers["content-type"] ??= "text/plain;charset=UTF-8";
    return Buffer.from(body);
  }
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // URLSearchParams, Blob, FormData, streams: as fetch would encode them.
  const encoded = new Response(body);
  const type = encoded.headers.get("content-type");
  if (type !== null) headers["content-type"] ??= type;
  return Buffer.from(await encoded.arrayBuffer());
}

async function exchange(out: Outgoing, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  const secure = out.url.protocol === "https:";
  const { request, agent } = secure ? await loadHttps() : { request: httpRequest, agent: httpAgent };
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const headers: Record<string, string> = { accept: "*/*", ...out.headers };
    if (out.body !== undefined) headers["content-length"] = String(out.body.length);
    const req = request(out.url, { method: out.method, headers, agent });
    const onAbort = () => req.destroy(signal?.reason as Error);
    signal?.addEventListener("abort", onAbort, { once: true });
    req.once("response", (res) => {
      signal?.removeEventListener("abort", onAbort);
      resolve(res);
    });
    req.once("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: error }));
    });
    req.end(out.body);
  });
}

async function toResponse(res: IncomingMessage, url: URL, method: string, signal: AbortSignal | undefined): Promise<Response> {
  const headers = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  const status = res.statusCode ?? 0;
  let body: ReadableStream<Uint8Array> | null = null;
  if (NULL_BODY.has(status) || method === "HEAD") res.resume();
  else {
    const onAbort = () => res.destroy(signal?.reason as Error);
    signal?.addEventListener("abort", onAbort, { once: true });
    res.once("close", () => signal?.removeEventListener("abort", onAbort));
    body = Readable.toWeb(await decoded(res, headers)) as ReadableStream<Uint8Array>;
  }
  const response = new Response(body, { status, statusText: res.statusMessage ?? "", headers });
  // A Response built here has no URL of its own; fetch's says where the answer came from.
  Object.defineProperty(response, "url", { value: url.href });
  return response;
}

/** The body as fetch would hand it out: decompressed when the server compressed it anyway. */
async function decoded(res: IncomingMessage, headers: Headers): Promise<Readable> {
  const encoding = (headers.get("content-encoding") ?? "").trim().toLowerCase();
  if (encoding === "" || encoding === "identity") return res;
  const zlib = await import("node:zlib");
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? zlib.createGunzip()
      : encoding === "deflate"
        ? zlib.createInflate()
        : encoding === "br"
          ? zlib.createBrotliDecompress()
          : undefined;
  if (decoder === undefined) return res;
  res.once("error", (error) => decoder.destroy(error));
  return res.pipe(decoder);
}
