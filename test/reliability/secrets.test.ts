// Secret scan: the client's scenarios, good and bad, run with a distinctive client secret and
// access token, against a server that even echoes them back in the error texts it sends (titles,
// details, messages, descriptions, plain-text and HTML bodies). Every error (message, toString,
// stack, JSON, util.inspect with hidden fields and causes), every log hook event and all console
// output are captured; neither string may appear in any of it. That includes a validation
// body's per-field messages and field names, and response headers that echo the token.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { inspect } from "node:util";
import { createIdentityClient, type IdentityClient, type IdentityClientOptions } from "../../src/client/index.js";
import { drop, reply, startScripted, type Arrival, type ScriptedServer } from "./support/http.js";
import { guid, ORG_ID } from "./support/ids.js";
import type { ServerResponse } from "node:http";

const SECRET = "zq-SECRET-7f3e9c1d-canary";
const TOKEN = "zq-TOKEN-4b8a2e6f-canary";
const ROBOT_ID = guid(0xfeed, 1);
const robot = { id: ROBOT_ID, name: "r", displayName: "r", creationTime: "2024-01-01T00:00:00Z", lastLoginTime: null, groupIds: [] };

type Api = (a: Arrival, res: ServerResponse, n: number) => void;
type TokenEndpoint = (a: Arrival, res: ServerResponse) => void;

const goodToken: TokenEndpoint = (_, res) => reply(res, 200, { access_token: TOKEN, token_type: "Bearer", expires_in: 3600 });

let server: ScriptedServer;
const captured: string[] = [];
const capture = (label: string, value: unknown): void => {
  captured.push(`${label}: ${typeof value === "string" ? value : inspect(value, { depth: Infinity, showHidden: true })}`);
};

/** Everything a caller could print about an error. */
function captureError(error: unknown): void {
  const e = error as Error;
  capture("message", e.message);
  capture("toString", String(e));
  capture("stack", e.stack ?? "");
  capture("json", JSON.stringify(e));
  capture("inspect", error);
  for (let c = (e as { cause?: unknown }).cause, i = 0; c !== undefined && i < 5; c = (c as { cause?: unknown }).cause, i++)
    capture("cause", c);
}

function use(token: TokenEndpoint, api: Api): void {
  let n = 0;
  server.script((a, res) => {
    if (a.path.endsWith("/connect/token")) return token(a, res);
    api(a, res, ++n);
  });
}

function client(extra: Partial<IdentityClientOptions> = {}): IdentityClient {
  return createIdentityClient({
    baseUrl: `${server.origin}/hogwarts/identity_`,
    partitionGlobalId: ORG_ID,
    credentials: { clientId: "secret-scan-client", clientSecret: SECRET },
    rateLimit: false,
    retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
    onRequest: (e) => capture("onRequest", JSON.stringify(e)),
    onResponse: (e) => capture("onResponse", JSON.stringify(e)),
    onRetry: (e) => capture("onRetry", JSON.stringify(e)),
    ...extra,
  });
}

/** Runs a call; an error is captured (and counted), a result is captured too. */
async function run(call: () => Promise<unknown>): Promise<"ok" | "error"> {
  try {
    capture("result", await call());
    return "ok";
  } catch (error) {
    captureError(error);
    return "error";
  }
}

const consoleSpies: Array<ReturnType<typeof jest.spyOn>> = [];
beforeAll(async () => {
  server = await startScripted(() => undefined);
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    consoleSpies.push(
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        capture(`console.${method}`, args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: Infinity }))).join(" "));
      }),
    );
  }
});
afterAll(async () => {
  for (const spy of consoleSpies) spy.mockRestore();
  await server.close();
});
afterEach(() => {
  // The server did receive them, so the scan is not vacuous...
  expect(server.arrivals.some((a) => a.body.includes(SECRET))).toBe(true);
  expect(server.arrivals.some((a) => a.headers.authorization?.startsWith(`Bearer ${TOKEN}`))).toBe(true);
  server.arrivals.length = 0;
  // ...and nothing the caller could see contains either of them, or a telling part of one (a
  // message shortened in the middle of a secret must not keep its first half).
  const leaks = captured.filter((text) => [SECRET, TOKEN].some((s) => text.includes(s) || text.includes(s.slice(0, 10))));
  captured.length = 0;
  expect(leaks).toEqual([]);
});

const echo = `secret ${SECRET} token ${TOKEN} Authorization: Bearer ${TOKEN}`;

describe("no secret or token reaches errors, logs or the console", () => {
  it("successful calls, and the client object itself", async () => {
    use(goodToken, (_, res) => reply(res, 200, robot));
    const c = client();
    expect(await run(() => c.robotAccounts.get(ROBOT_ID))).toBe("ok");
    capture("client", c);
    capture("client json", JSON.stringify(c));
  });

  it("API errors whose bodies echo the secret and the token", async () => {
    const answers: Array<(res: ServerResponse) => void> = [
      (res) =>
        reply(res, 400, {
          type: "x",
          title: `One or more validation errors occurred: ${echo}`,
          status: 400,
          errors: { name: ["The name field is required."] },
          traceId: "00-1",
        }),
      (res) => reply(res, 400, { title: "Bad Request", detail: echo }),
      (res) => reply(res, 400, { title: "One or more validation errors occurred.", errors: { [SECRET]: [echo], name: [echo] } }),
      (res) =>
        reply(res, 403, { errorMessage: "no" }, { "www-authenticate": `Bearer error="invalid_token", token="${TOKEN}"`, "x-echo": echo }),
      (res) =>
        reply(res, 403, {
          errorMessage: `Scope(s) '${TOKEN}' is(are) invalid. Expect to have 'PM.RobotAccount' or 'PM.RobotAccount.Read'. `,
        }),
      (res) => reply(res, 404, { succeeded: false, errors: [{ code: "NotFound", description: echo }] }),
      (res) => reply(res, 409, { error: "conflict", error_description: echo }),
      (res) => reply(res, 500, echo),
      (res) => reply(res, 418, `<html><body>${echo}</body></html>`),
      (res) => reply(res, 429, { title: echo }, { "retry-after": "0" }),
      (res) => reply(res, 503, { detail: echo }, { "retry-after": "0" }),
    ];
    for (const answer of answers) {
      use(goodToken, (_, res) => answer(res));
      const c = client();
      expect(await run(() => c.robotAccounts.get(ROBOT_ID))).toBe("error");
      expect(await run(() => c.robotAccounts.update(ROBOT_ID, { displayName: "x" }))).toBe("error");
      expect(await run(() => c.robotAccounts.create({ name: "x" }))).toBe("error");
      expect(await run(async () => c.unwrap(await c.raw.GET("/api/RobotAccount/{id}", { params: { path: { id: ORG_ID } } })))).toBe(
        "error",
      );
    }
  });

  it("users and directory calls, including a password the server echoes back", async () => {
    const PASSWORD = "zq-PASSWORD-9d2c5a7e-canary";
    // Each answer echoes what the call sent: the password only to the calls that were given it.
    const answers = (text: string, field: string): Array<(res: ServerResponse) => void> => [
      (res) => reply(res, 400, { succeeded: false, errors: [{ code: "PasswordTooWeak", description: text }] }),
      (res) => reply(res, 200, { succeeded: false, errors: [{ code: text, description: text }] }),
      (res) => reply(res, 400, { title: "One or more validation errors occurred.", errors: { password: [text], [field]: [text] } }),
      (res) => reply(res, 500, text),
      // Long enough to be shortened: a secret cut in half at the end must not slip through.
      (res) => reply(res, 400, { detail: `${"x".repeat(280)} ${text}` }),
    ];
    for (const answer of answers(`${echo} password ${PASSWORD}`, PASSWORD)) {
      use(goodToken, (_, res) => answer(res));
      const c = client();
      expect(await run(() => c.users.create({ userName: "filch", password: PASSWORD }))).toBe("error");
      expect(await run(() => c.users.update(ROBOT_ID, { password: PASSWORD }))).toBe("error");
    }
    for (const answer of answers(echo, "name")) {
      use(goodToken, (_, res) => answer(res));
      const c = client();
      expect(await run(() => c.users.createMany({ users: [{ userName: "filch" }] }))).toBe("error");
      expect(await run(() => c.users.invite([{ email: "dean@hogwarts.example", redirectUrl: "https://x.example/" }]))).toBe("error");
      expect(await run(() => c.users.findByEmail("ron@hogwarts.example"))).toBe("error");
      // A 200 body is a (strange) answer for a lookup, not an error: only what it prints matters here.
      await run(() => c.directory.resolve(["ron"], "user"));
    }
    // The password was sent (so the scan is not vacuous), and appears nowhere a caller can see.
    expect(server.arrivals.some((a) => a.body.includes(PASSWORD))).toBe(true);
    expect(captured.filter((text) => text.includes(PASSWORD))).toEqual([]);
  });

  it("a 401 that makes the client renew its token", async () => {
    // Each token request gets a new token (both start with TOKEN, so the scan covers both).
    let issued = 0;
    const rotating: TokenEndpoint = (_, res) => reply(res, 200, { access_token: `${TOKEN}-${++issued}`, expires_in: 3600 });
    // The 401s echo the exact token they refused (the client has seen it, so it must hide it).
    const refuse = (a: Arrival, res: ServerResponse) =>
      reply(
        res,
        401,
        { error: "invalid_token", error_description: `${a.headers.authorization} from ${SECRET}` },
        { "www-authenticate": 'Bearer error="invalid_token"' },
      );
    use(rotating, (a, res, n) => (n === 1 ? refuse(a, res) : reply(res, 200, robot)));
    expect(await run(() => client().robotAccounts.get(ROBOT_ID))).toBe("ok");
    use(rotating, (a, res) => refuse(a, res));
    expect(await run(() => client().robotAccounts.get(ROBOT_ID))).toBe("error");
    expect(issued).toBe(4);
  });

  it("dropped connections, timeouts and aborts", async () => {
    use(goodToken, (_, res) => drop(res));
    expect(await run(() => client().robotAccounts.get(ROBOT_ID))).toBe("error");
    expect(await run(() => client().robotAccounts.create({ name: "x" }))).toBe("error");
    use(goodToken, (_, res) => setTimeout(() => reply(res, 200, robot), 1500));
    // The call's own timeout (the answer comes 1.5 s later), so the token request meets the default.
    await run(() => client({ retry: false }).robotAccounts.get(ROBOT_ID, { timeoutMs: 300 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error(`caller gave up`)), 50);
    expect(await run(() => client({ timeoutMs: 5000 }).robotAccounts.get(ROBOT_ID, { signal: controller.signal }))).toBe("error");
  });

  it("token endpoint failures that echo the secret", async () => {
    // Only the secret: a client whose first token request fails has never seen TOKEN, so it
    // could not know to hide it.
    const echoSecret = `client_secret=${SECRET}`;
    const tokenAnswers: TokenEndpoint[] = [
      (_, res) => reply(res, 400, { error: "invalid_client", error_description: `client_secret ${SECRET} is wrong` }),
      (_, res) => reply(res, 400, { error: "invalid_scope", error_description: echoSecret }),
      (_, res) => reply(res, 401, echoSecret, { "www-authenticate": "Basic" }),
      (_, res) => reply(res, 500, `<html>${echoSecret}</html>`),
      (_, res) => reply(res, 200, `not json ${echoSecret}`),
      (_, res) => reply(res, 200, { token_type: "Bearer", note: echoSecret }),
      (_, res) => drop(res),
    ];
    for (const token of tokenAnswers) {
      use(token, (_, res) => reply(res, 200, robot));
      expect(await run(() => client().robotAccounts.get(ROBOT_ID))).toBe("error");
    }
    // The last scenario never got as far as the API; one good call keeps afterEach's check honest.
    use(goodToken, (_, res) => reply(res, 200, robot));
    expect(await run(() => client().robotAccounts.get(ROBOT_ID))).toBe("ok");
  });
});
