import { afterEach, describe, expect, it } from "@jest/globals";
import type { ServerResponse } from "node:http";
import { IdentityApiError } from "../../src/client/index.js";
import { parseErrorBody, parseScopeMessage } from "../../src/client/error-parsing.js";
import { parseRetryAfter } from "../../src/client/retry.js";
import { GRYFFINDORS, ORG, ROBY, clientFor, startIdentity, type FakeIdentity } from "./helpers/identity.js";
import { send } from "../helpers/http-server.js";

let server: FakeIdentity | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Answers every API call with `answer` and returns what the client throws. */
async function failWith(answer: (res: ServerResponse) => void, call = "getGroup"): Promise<IdentityApiError> {
  server = await startIdentity((req, res) => answer(res));
  const pm = clientFor(server, { retry: false });
  const promise = call === "getGroup" ? pm.groups.get(GRYFFINDORS) : pm.robotAccounts.get(ROBY);
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdentityApiError);
  return error as IdentityApiError;
}

const groupPath = `/hogwarts/identity_/api/Group/${ORG}/${GRYFFINDORS}`;

describe("every error shape from the reference becomes an IdentityApiError", () => {
  it("ProblemDetails with field errors (400)", async () => {
    const error = await failWith((res) =>
      send(
        res,
        400,
        {
          type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
          title: "One or more validation errors occurred.",
          status: 400,
          errors: { partitionGlobalId: ["The value 'magic-7' is not valid."] },
          traceId: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
        },
        { "content-type": "application/problem+json" },
      ),
    );
    expect(error).toMatchObject({
      kind: "validation",
      status: 400,
      method: "GET",
      path: groupPath,
      fieldErrors: { partitionGlobalId: ["The value 'magic-7' is not valid."] },
      traceId: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
      attempts: 1,
    });
    expect(error.serverMessage).toBe("One or more validation errors occurred.; partitionGlobalId: The value 'magic-7' is not valid.");
    expect(error.message).toBe(`GET ${groupPath} failed with 400 Bad Request: ${error.serverMessage}`);
  });

  it("the short validation form {errors}", async () => {
    const error = await failWith((res) => send(res, 400, { errors: { partitionGlobalId: ["The value 'DatacomGroup' is not valid."] } }));
    expect(error.kind).toBe("validation");
    expect(error.fieldErrors).toEqual({ partitionGlobalId: ["The value 'DatacomGroup' is not valid."] });
    expect(error.serverMessage).toBe("partitionGlobalId: The value 'DatacomGroup' is not valid.");
  });

  it("a missing scope {errorMessage} (403) names the scopes to grant", async () => {
    const error = await failWith(
      (res) =>
        send(res, 403, {
          errorMessage: "Scope(s) 'PM.Group' is(are) invalid. Expect to have 'PM.RobotAccount' or 'PM.RobotAccount.Read'. ",
        }),
      "getRobot",
    );
    expect(error).toMatchObject({
      kind: "forbidden",
      status: 403,
      acceptedScopes: ["PM.RobotAccount", "PM.RobotAccount.Read"],
      missingScopes: ["PM.RobotAccount", "PM.RobotAccount.Read"],
      tokenScopes: ["PM.Group"],
    });
    expect(error.message).toContain("grant one of: PM.RobotAccount, PM.RobotAccount.Read");
  });

  it("an IdentityResult with errors[]", async () => {
    const error = await failWith((res) =>
      send(res, 400, { succeeded: false, errors: [{ code: "DuplicateUserName", description: "User name 'Roby' is already taken." }] }),
    );
    expect(error).toMatchObject({
      kind: "validation",
      errorCodes: ["DuplicateUserName"],
      serverMessage: "User name 'Roby' is already taken.",
    });
  });

  it("an empty body (401 after the refresh) still gives status, method and path", async () => {
    const error = await failWith((res) => send(res, 401, undefined, { "www-authenticate": 'Bearer error="invalid_token"' }));
    expect(error).toMatchObject({ kind: "unauthorized", status: 401, serverMessage: undefined });
    expect(error.message).toBe(`GET ${groupPath} failed with 401 Unauthorized`);
  });

  it("a plain-text body", async () => {
    const error = await failWith((res) => send(res, 502, "upstream connect error or disconnect/reset before headers"));
    expect(error).toMatchObject({
      kind: "server",
      status: 502,
      serverMessage: "upstream connect error or disconnect/reset before headers",
    });
  });

  it("an HTML error page is summarised, not dumped", async () => {
    const html = `<!DOCTYPE html><html><body>${"<p>Bad gateway</p>".repeat(200)}</body></html>`;
    const error = await failWith((res) => res.writeHead(500, { "content-type": "text/html" }).end(html));
    expect(error.serverMessage).toBe("(an HTML page)");
  });

  it("a long text body is cut short", async () => {
    const error = await failWith((res) => send(res, 500, "x".repeat(5000)));
    expect(error.serverMessage?.length).toBeLessThanOrEqual(301);
  });

  it("404 ProblemDetails, with the request id from x-request-id", async () => {
    const error = await failWith((res) => send(res, 404, { title: "Not Found", status: 404 }, { "x-request-id": "req-7f3a" }));
    expect(error).toMatchObject({ kind: "not_found", status: 404, serverMessage: "Not Found", requestId: "req-7f3a" });
  });

  it("409 with detail", async () => {
    const error = await failWith((res) =>
      send(res, 409, { title: "Conflict", status: 409, detail: "A group named 'Gryffindors' already exists." }),
    );
    expect(error).toMatchObject({ kind: "conflict", serverMessage: "Conflict; A group named 'Gryffindors' already exists." });
  });

  it("429 carries retryAfterMs", async () => {
    const error = await failWith((res) => send(res, 429, { title: "Too Many Requests", status: 429 }, { "retry-after": "42" }));
    expect(error).toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 42_000 });
  });

  it("500 with the trace id from a traceparent header when the body has none", async () => {
    const error = await failWith((res) => send(res, 500, "", { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }));
    expect(error).toMatchObject({ kind: "server", traceId: "0af7651916cd43dd8448eb211c80319c" });
  });

  it("another 4xx is kind http", async () => {
    const error = await failWith((res) => send(res, 405, { title: "Method Not Allowed" }));
    expect(error).toMatchObject({ kind: "http", status: 405 });
  });

  it("JSON.stringify shows the summary fields only", async () => {
    const error = await failWith((res) => send(res, 404, { title: "Not Found" }, { "x-request-id": "r-1" }));
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "IdentityApiError",
      kind: "not_found",
      message: `GET ${groupPath} failed with 404 Not Found: Not Found`,
      status: 404,
      method: "GET",
      path: groupPath,
      serverMessage: "Not Found",
      requestId: "r-1",
      attempts: 1,
    });
  });
});

describe("parsers", () => {
  it("parseErrorBody copes with odd bodies", () => {
    expect(parseErrorBody(undefined)).toEqual({});
    expect(parseErrorBody("")).toEqual({});
    expect(parseErrorBody("   ")).toEqual({});
    expect(parseErrorBody('{"errorMessage":"nope"}')).toEqual({ message: "nope" });
    expect(parseErrorBody("{not json")).toEqual({ message: "{not json" });
    expect(parseErrorBody(42)).toEqual({ message: "42" });
    expect(parseErrorBody(["a"])).toEqual({ message: '["a"]' });
    expect(parseErrorBody({ error: "invalid_client", error_description: "Unknown client" })).toEqual({
      message: "invalid_client: Unknown client",
    });
    expect(parseErrorBody({ succeeded: false, errors: [{ code: "X" }] })).toEqual({ message: "X", errorCodes: ["X"] });
  });

  it("parseScopeMessage reads both scope lists", () => {
    expect(parseScopeMessage("Scope(s) 'PM.User PM.Audit' is(are) invalid. Expect to have 'PM.Group' or 'PM.Group.Write'.")).toEqual({
      tokenScopes: ["PM.User", "PM.Audit"],
      acceptedScopes: ["PM.Group", "PM.Group.Write"],
    });
    expect(parseScopeMessage("Forbidden")).toEqual({});
    expect(parseScopeMessage(undefined)).toEqual({});
  });

  it("parseRetryAfter reads seconds and HTTP dates", () => {
    const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:28:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:27:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
