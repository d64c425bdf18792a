// pm.audit against small real servers where the emulator cannot misbehave on purpose: the cursor
// forms a service may send (and the ones that would take the token elsewhere), a cursor that comes
// round again, details that are not JSON, a 429 with Retry-After, a download that really streams,
// and where the audit service's base comes from.
import { afterEach, describe, expect, it } from "@jest/globals";
import { createIdentityClient, IdentityApiError, IdentityInputError, type IdentityClientOptions } from "../../src/client/index.js";
import { send, serverPool, startServer, type Recorded } from "../helpers/http-server.js";
import { ORG } from "../fixtures/walkthrough.js";

const servers = serverPool();
afterEach(() => servers.closeAll());

const AUDIT = "/hogwarts/orgaudit_";
const TOKEN = "tok-audit-1234567890";

function event(id: string, details: string | null = `{"id":"${id}"}`) {
  return {
    id,
    createdOn: "2026-12-01T10:00:00Z",
    eventType: "Group Updated",
    eventSource: "Identity",
    eventTarget: "Group",
    eventDetails: details,
    status: 0,
  };
}

/** A client of a server whose API base is `${origin}/hogwarts/identity_`. */
function clientOf(origin: string, options: Partial<IdentityClientOptions> = {}) {
  return createIdentityClient({
    baseUrl: `${origin}/hogwarts/identity_`,
    partitionGlobalId: ORG,
    credentials: { accessToken: TOKEN },
    retry: { baseDelayMs: 1, maxDelayMs: 4 },
    rateLimit: false,
    ...options,
  });
}

describe("pm.audit cursors", () => {
  it.each([
    ["rooted at the service's base", (q: string) => `/api/query/events?${q}`],
    ["relative to the service's base", (q: string) => `api/query/events?${q}`],
    ["relative to the events path", (q: string) => `?${q}`],
    ["rooted at the host", (q: string) => `${AUDIT}/api/query/events?${q}`],
  ])("follows a cursor %s, sending its query as it is", async (_form, cursorFor) => {
    const server = servers.add(
      await startServer((req, res) => {
        const page = req.query.get("page") ?? "1";
        const previous = page === "1" ? cursorFor("page=2&qw=a%2Bb%3D%3D") : null;
        send(res, 200, { auditEvents: [event(`e${page}`)], next: null, previous });
      }),
    );
    const events = await clientOf(server.origin).audit.events().toArray();
    expect(events.map((e) => e.id)).toEqual(["e1", "e2"]);
    const second = server.requests[1]!;
    expect(second.path).toBe(`${AUDIT}/api/query/events`);
    // The opaque part arrives exactly as the service wrote it.
    expect(second.query.get("qw")).toBe("a+b==");
    expect(second.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("refuses a cursor that leads to another host or another path, and sends the token nowhere else", async () => {
    const elsewhere = servers.add(await startServer((_req, res) => send(res, 200, { auditEvents: [], next: null, previous: null })));
    for (const cursor of [`${elsewhere.origin}${AUDIT}/api/query/events?page=2`, "/api/Group/whatever?page=2", "//evil.example/x"]) {
      const server = servers.add(
        await startServer((_req, res) => send(res, 200, { auditEvents: [event("e1")], next: null, previous: cursor })),
      );
      const pm = clientOf(server.origin);
      const seen: string[] = [];
      const err = await (async () => {
        for await (const e of pm.audit.events()) seen.push(e.id);
      })().catch((x: unknown) => x);
      expect(seen).toEqual(["e1"]);
      expect(err).toBeInstanceOf(IdentityApiError);
      expect((err as IdentityApiError).kind).toBe("server");
      expect((err as IdentityApiError).message).toMatch(/leads away from the events/);
      expect(server.requests).toHaveLength(1);
    }
    expect(elsewhere.requests).toEqual([]);
  });

  it("stops when the service hands back a cursor it already gave, and yields no event twice", async () => {
    const server = servers.add(
      await startServer((req, res) => {
        const page = Number(req.query.get("page") ?? "1");
        // Pages overlap by one event, and page 3 points back at page 2.
        const ids = [`e${page}`, `e${page + 1}`];
        send(res, 200, {
          auditEvents: ids.map((id) => event(id)),
          next: null,
          previous: `/api/query/events?page=${Math.min(page + 1, 2)}`,
        });
      }),
    );
    const ids = (await clientOf(server.origin).audit.events().toArray()).map((e) => e.id);
    expect(ids).toEqual(["e1", "e2", "e3"]);
    expect(server.requests.map((r) => r.query.get("page") ?? "1")).toEqual(["1", "2"]);
  });

  it("walks the same iterable again from the start, each walk yielding every event once", async () => {
    const server = servers.add(
      await startServer((req, res) => {
        const page = req.query.get("page") ?? "1";
        send(res, 200, { auditEvents: [event(`e${page}`)], previous: page === "1" ? "/api/query/events?page=2" : null });
      }),
    );
    const events = clientOf(server.origin).audit.events();
    expect((await events.toArray()).map((e) => e.id)).toEqual(["e1", "e2"]);
    expect((await events.toArray()).map((e) => e.id)).toEqual(["e1", "e2"]);
  });

  it("copes with a service whose first page is the oldest: follows `next`, and still yields newest first (or oldest first)", async () => {
    // Three pages of two, oldest page first; each page newest first, as pages are.
    const pages: Record<string, { ids: string[]; next: string | null }> = {
      "1": { ids: ["e2", "e1"], next: "/api/query/events?page=2" },
      "2": { ids: ["e4", "e3"], next: "/api/query/events?page=3" },
      "3": { ids: ["e6", "e5"], next: null },
    };
    const server = servers.add(
      await startServer((req, res) => {
        const page = pages[req.query.get("page") ?? "1"]!;
        send(res, 200, { auditEvents: page.ids.map((id) => event(id)), next: page.next, previous: null });
      }),
    );
    const pm = clientOf(server.origin);
    expect((await pm.audit.events().toArray()).map((e) => e.id)).toEqual(["e6", "e5", "e4", "e3", "e2", "e1"]);
    expect((await pm.audit.events({ order: "oldest" }).toArray()).map((e) => e.id)).toEqual(["e1", "e2", "e3", "e4", "e5", "e6"]);
  });

  it("parses eventDetails where it is JSON and keeps it raw where it is not", async () => {
    const server = servers.add(
      await startServer((_req, res) =>
        send(res, 200, { auditEvents: [event("a", '{"name":"Alumni"}'), event("b", "renamed by hand"), event("c", null)], previous: null }),
      ),
    );
    const [a, b, c] = await clientOf(server.origin).audit.events().toArray();
    expect(a).toMatchObject({ eventDetails: '{"name":"Alumni"}', details: { name: "Alumni" } });
    expect(b).toMatchObject({ eventDetails: "renamed by hand", details: undefined });
    expect(c).toMatchObject({ eventDetails: null, details: undefined });
  });

  it("an answer without an auditEvents list is a server error, not an empty log", async () => {
    const server = servers.add(await startServer((_req, res) => send(res, 200, { events: [] })));
    const err = await clientOf(server.origin)
      .audit.eventsPage()
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(IdentityApiError);
    expect((err as IdentityApiError).message).toBe("GET /api/query/events: the answer has no auditEvents list");
  });
});

describe("pm.audit rate limits and downloads", () => {
  it("waits out a 429's Retry-After from the audit service and repeats the call", async () => {
    let calls = 0;
    const server = servers.add(
      await startServer((_req, res) => {
        calls++;
        if (calls === 1) send(res, 429, { title: "Too Many Requests" }, { "retry-after": "0" });
        else send(res, 200, [{ id: "s1", name: "Identity", eventTargets: [] }]);
      }),
    );
    const retries: number[] = [];
    const pm = clientOf(server.origin, { onRetry: (e) => retries.push(Number(e.reason)) });
    await expect(pm.audit.sources()).resolves.toEqual([{ id: "s1", name: "Identity", eventTargets: [] }]);
    expect(retries).toEqual([429]);
  });

  it("streams a download: the first bytes arrive before the service has finished sending", async () => {
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const server = servers.add(
      await startServer(async (_req, res) => {
        res.writeHead(200, { "content-type": "text/csv" });
        res.write("id,createdOn\r\n");
        await finished;
        res.end("e1,2026-12-01T10:00:00Z\r\n");
      }),
    );
    const stream = await clientOf(server.origin).audit.downloadEvents({ status: "failure" });
    const reader = stream.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("id,createdOn\r\n");
    finish();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe("e1,2026-12-01T10:00:00Z\r\n");
    expect((server.requests[0] as Recorded).query.get("status")).toBe("1");
    expect(server.requests[0]!.path).toBe(`${AUDIT}/api/query/downloadevents`);
  });
});

describe("the audit service's base", () => {
  it("is the organization-level sibling of the API base, or the auditBaseUrl option", () => {
    expect(createIdentityClient({ organization: "acme", credentials: { accessToken: TOKEN } }).auditBaseUrl).toBe(
      "https://cloud.uipath.com/acme/orgaudit_",
    );
    expect(
      createIdentityClient({ baseUrl: "https://suite.example.com/acme/identity_/", credentials: { accessToken: TOKEN } }).auditBaseUrl,
    ).toBe("https://suite.example.com/acme/orgaudit_");
    const explicit = createIdentityClient({
      baseUrl: "https://cloud.uipath.com/identity_",
      auditBaseUrl: "https://cloud.uipath.com/acme/orgaudit_",
      credentials: { accessToken: TOKEN },
    });
    expect(explicit.auditBaseUrl).toBe("https://cloud.uipath.com/acme/orgaudit_");
  });

  it("is unknown for a base that names no organization: the audit calls say what to pass, before any request", async () => {
    for (const baseUrl of ["https://cloud.uipath.com/identity_", "https://orchestrator.example.com/identity"]) {
      const pm = createIdentityClient({ baseUrl, credentials: { accessToken: TOKEN } });
      expect(pm.auditBaseUrl).toBeUndefined();
      expect(() => pm.audit.events()).toThrow(IdentityInputError);
      expect(() => pm.audit.events()).toThrow(/pass auditBaseUrl, such as https:\/\/cloud.uipath.com\/\{organization\}\/orgaudit_/);
      await expect(pm.audit.sources()).rejects.toMatchObject({ field: "auditBaseUrl" });
    }
  });

  it("refuses an auditBaseUrl in clear text to another machine, as it refuses such a baseUrl", () => {
    expect(() =>
      createIdentityClient({
        baseUrl: "https://cloud.uipath.com/acme/identity_",
        auditBaseUrl: "http://audit.example.com/acme/orgaudit_",
        credentials: { accessToken: TOKEN },
      }),
    ).toThrow(/^auditBaseUrl uses plain http to a non-loopback host/);
  });
});
