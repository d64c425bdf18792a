import { afterEach, describe, expect, it } from "@jest/globals";
import { inspect } from "node:util";
import { createIdentityClient, IdentityApiError, type RequestLogEvent, type ResponseLogEvent } from "../../src/client/index.js";
import { CLIENT_ID, CLIENT_SECRET, ORG, clientFor, gryffindors, startIdentity } from "./helpers/identity.js";
import { reset, send, startServer, serverPool } from "../helpers/http-server.js";

const servers = serverPool();
afterEach(() => servers.closeAll());

/** Everything a user could print or log about an error. */
function renderings(error: unknown): string[] {
  return [String(error), (error as Error).message, JSON.stringify(error), (error as Error).stack ?? ""];
}

function expectClean(error: unknown, secrets: string[]): void {
  expect(error).toBeInstanceOf(IdentityApiError);
  for (const text of renderings(error)) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

describe("secrets never leak", () => {
  it("a token endpoint that echoes the secret back: the error text is scrubbed", async () => {
    const server = await startIdentity((req, res) => send(res, 200, gryffindors), {
      tokenHandler: (req, res) => {
        const secret = new URLSearchParams(req.body).get("client_secret");
        send(res, 401, { error: "invalid_client", error_description: `client secret '${secret}' is wrong` });
        return true;
      },
    });
    servers.add(server);
    const error = await clientFor(server)
      .groups.list()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "unauthorized" });
    expect((error as IdentityApiError).message).toContain("client secret '[REDACTED]' is wrong");
    expectClean(error, [CLIENT_SECRET]);
  });

  it("an API error that echoes the Authorization header: the token is scrubbed", async () => {
    const server = await startIdentity((req, res) => send(res, 400, { title: "Bad", detail: `you sent ${req.headers.authorization}` }));
    servers.add(server);
    const error = await clientFor(server)
      .groups.list()
      .catch((e: unknown) => e);
    const token = server.issued[0] as string;
    expect((error as IdentityApiError).serverMessage).toBe("Bad; you sent Bearer [REDACTED]");
    expectClean(error, [token, CLIENT_SECRET]);
  });

  it("network, timeout and HTTP errors carry neither the secret nor the token, in any rendering", async () => {
    let mode = "reset";
    const server = await startIdentity((req, res) => {
      if (mode === "reset") reset(res);
      else if (mode === "hang") return;
      else send(res, 500, { title: "boom" });
    });
    servers.add(server);
    const pm = clientFor(server, { retry: false });
    const errors: unknown[] = [];
    mode = "reset";
    errors.push(await pm.groups.list().catch((e: unknown) => e));
    const token = server.issued[0] as string;
    // Only the hanging answer meets the short timeout: this client has it, and the token above, so
    // nothing else (a token request, a slow machine's answer) can run into it.
    const impatient = clientFor(server, { retry: false, timeoutMs: 80, credentials: { accessToken: token } });
    mode = "hang";
    errors.push(await impatient.groups.list().catch((e: unknown) => e));
    mode = "500";
    errors.push(await pm.groups.list().catch((e: unknown) => e));
    expect(errors.map((e) => (e as IdentityApiError).kind)).toEqual(["network", "timeout", "server"]);
    for (const error of errors) {
      expectClean(error, [token, CLIENT_SECRET]);
      // Even the full inspection (causes included) holds no secret.
      expect(inspect(error, { depth: 10 })).not.toContain(token);
      expect(inspect(error, { depth: 10 })).not.toContain(CLIENT_SECRET);
    }
  });

  it("a static token never appears in a 401 error", async () => {
    const server = await startServer((req, res) => send(res, 401, `denied: ${req.headers.authorization}`));
    servers.add(server);
    const token = "static-token-very-secret-value";
    const pm = createIdentityClient({ baseUrl: server.origin, partitionGlobalId: ORG, credentials: { accessToken: token } });
    const error = await pm.groups.list().catch((e: unknown) => e);
    expectClean(error, [token]);
  });

  it("the hooks see method, URL, status, duration and headers with Authorization redacted", async () => {
    const server = await startIdentity((req, res) => send(res, 200, [gryffindors], { "set-cookie": "session=abc" }));
    servers.add(server);
    const requests: RequestLogEvent[] = [];
    const responses: ResponseLogEvent[] = [];
    const pm = clientFor(server, { onRequest: (e) => requests.push(e), onResponse: (e) => responses.push(e) });
    await pm.groups.list();
    // The token request is logged too (its secret travels in the body, which hooks never see).
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      "POST /hogwarts/identity_/connect/token",
      `GET /hogwarts/identity_/api/Group/${ORG}`,
    ]);
    expect(requests[1]?.headers["authorization"]).toBe("[REDACTED]");
    expect(responses[1]).toMatchObject({ method: "GET", status: 200, attempt: 1 });
    expect(responses[1]?.headers["set-cookie"]).toBe("[REDACTED]");
    expect(typeof responses[1]?.durationMs).toBe("number");
    const logged = JSON.stringify([requests, responses]);
    expect(logged).not.toContain(server.issued[0]);
    expect(logged).not.toContain(CLIENT_SECRET);
  });

  it("the client object itself holds the secret nowhere it prints", async () => {
    const pm = createIdentityClient({
      organization: "hogwarts",
      partitionGlobalId: ORG,
      credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    });
    expect(JSON.stringify(pm)).not.toContain(CLIENT_SECRET);
    expect(inspect(pm, { depth: 5 })).not.toContain(CLIENT_SECRET);
    expect(pm.baseUrl).toBe("https://cloud.uipath.com/hogwarts/identity_");
  });
});
