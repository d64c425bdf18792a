// The Response the transport hands back once it has read the whole body (so the per-attempt
// timeout covered the body too). A plain `new Response(bytes)` would wrap the bytes in a new
// stream only for openapi-fetch to read them straight out again, which costs more than the rest
// of a call; this class serves text(), json() and arrayBuffer() from the bytes it holds and
// builds a stream only when someone asks for `body`, `blob()` or `formData()`. It is a Response
// by prototype (instanceof holds) but never runs Response's constructor: it answers every member
// itself from the response fetch gave, and the platform's constructor, whose result it would not
// use, cost about 5% of a loopback call on Node 26 (BENCHMARKS.md, benchmark 1).

const decoder = new TextDecoder();

interface State {
  /** The body; null once read. */
  bytes: ArrayBuffer | null;
  readonly size: number;
  /** The response as fetch gave it: status line, headers, URL. */
  readonly from: Response;
  headers: Headers | undefined;
  /** A plain Response over the bytes, built on first use of what needs a stream. */
  streamed: Response | undefined;
}

export class BufferedResponse implements Response {
  // One private field for all of it: each private field is one more definition per response.
  readonly #s: State;

  /**
   * `from`'s status, headers and URL with `bytes` as the body; the headers describe the bytes as
   * held. Only for a response with a body (not 204, 205, 304 or an answer to HEAD).
   */
  constructor(from: Response, bytes: ArrayBuffer) {
    // Headers are worked out when first read (see `headers`), not copied here.
    this.#s = { bytes, size: bytes.byteLength, from, headers: undefined, streamed: undefined };
  }

  /**
   * `from`'s headers when they describe the bytes as held (the usual case: a Content-Length and no
   * encoding), else a copy without Content-Encoding and Transfer-Encoding and with the length of
   * the bytes: fetch decoded them already, and the wire's values would mislead readers.
   */
  get headers(): Headers {
    const s = this.#s;
    if (s.headers) return s.headers;
    const wire = s.from.headers;
    const length = String(s.size);
    if (wire.get("content-length") === length && !wire.has("content-encoding") && !wire.has("transfer-encoding")) {
      s.headers = wire;
    } else {
      s.headers = new Headers(wire);
      s.headers.delete("content-encoding");
      s.headers.delete("transfer-encoding");
      s.headers.set("content-length", length);
    }
    return s.headers;
  }

  get status(): number {
    return this.#s.from.status;
  }

  get statusText(): string {
    return this.#s.from.statusText;
  }

  get ok(): boolean {
    return this.#s.from.ok;
  }

  get url(): string {
    return this.#s.from.url;
  }

  get redirected(): boolean {
    return this.#s.from.redirected;
  }

  get type(): ResponseType {
    return this.#s.from.type;
  }

  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.#stream().body;
  }

  get bodyUsed(): boolean {
    const s = this.#s;
    return s.streamed ? s.streamed.bodyUsed : s.bytes === null;
  }

  text(): Promise<string> {
    const s = this.#s;
    if (s.streamed) return s.streamed.text();
    try {
      return Promise.resolve(decoder.decode(take(s)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  json(): Promise<unknown> {
    const s = this.#s;
    if (s.streamed) return s.streamed.json();
    try {
      return Promise.resolve(JSON.parse(decoder.decode(take(s))));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    const s = this.#s;
    if (s.streamed) return s.streamed.arrayBuffer();
    try {
      return Promise.resolve(take(s));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.arrayBuffer().then((buffer) => new Uint8Array(buffer));
  }

  blob(): Promise<Blob> {
    return this.#stream().blob();
  }

  formData(): Promise<FormData> {
    return this.#stream().formData();
  }

  clone(): Response {
    const s = this.#s;
    if (s.streamed) return s.streamed.clone();
    if (s.bytes === null) throw new TypeError("Response.clone: Body has already been consumed.");
    return new BufferedResponse(this, s.bytes.slice(0));
  }

  #stream(): Response {
    const s = this.#s;
    if (!s.streamed) {
      const init = { status: this.status, statusText: this.statusText, headers: this.headers };
      s.streamed = new Response(s.bytes ?? new Uint8Array(0), init);
      // Already read through this object: the stream must say so too.
      if (s.bytes === null) void s.streamed.body?.cancel();
      s.bytes = null;
    }
    return s.streamed;
  }
}

function take(s: State): ArrayBuffer {
  const bytes = s.bytes;
  if (bytes === null) throw new TypeError("Body is unusable: Body has already been read");
  s.bytes = null;
  return bytes;
}

// instanceof Response holds, and a member a later platform adds is at least found (it may refuse
// an object its constructor did not make).
Object.setPrototypeOf(BufferedResponse.prototype, Response.prototype);
