// The HTTP server: decides, for each request, which layer answers it (layout, route, faults,
// rate limit, token, scopes, validation, operation) and records responses that break the document.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { AUDIT_READS, csvFieldsOf } from "./audit-handlers.js";
import { AuditLog } from "./audit-log.js";
import { auditNamesFor, auditWrite, type WriteAudit } from "./audit-writes.js";
import { hasScopes, ISSUED_TOKEN_CLIENT_ID, scopeErrorMessage, TokenService } from "./auth.js";
import { DISCOVERY_PATH, JWKS_PATH, openidConfiguration } from "./discovery.js";
import { indexOperations, loadBundledDocument, type JsonObject, type OperationSpec } from "./document.js";
import { ApiError } from "./errors.js";
import { FaultInjector } from "./faults.js";
import { HANDLERS } from "./handlers.js";
import { SigningKey } from "./jwt.js";
import {
  DEFAULT_ORGANIZATION,
  DEFAULT_RATE_LIMIT,
  DEMO_CLIENT,
  type EmulatorHandle,
  type EmulatorOptions,
  type ResponseViolation,
} from "./options.js";
import { RateLimiter } from "./rate-limit.js";
import { empty, json, newTraceId, problem, validationProblem, type Reply } from "./responses.js";
import { matchOperation, parseLayout } from "./router.js";
import { resolveSeed } from "./seed.js";
import { OrganizationStore } from "./store.js";
import { DocumentValidator, type FieldErrors } from "./validator.js";

const MAX_BODY_BYTES = 1024 * 1024;
const JSON_MEDIA = /^(application\/json|text\/json|application\/[\w.+-]+\+json)$/i;

interface Organization {
  name: string;
  partitionGlobalId: string;
  store: OrganizationStore;
  /** The events the organization's writes recorded. */
  audit: AuditLog;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const now = options.now ?? Date.now;
  const doc = (options.document ?? loadBundledDocument()) as JsonObject;
  const operations = indexOperations(doc);
  const validator = new DocumentValidator(doc);
  const orgOptions = options.organizations && options.organizations.length > 0 ? options.organizations : [DEFAULT_ORGANIZATION];
  const orgs = new Map<string, Organization>();
  for (const o of orgOptions) {
    if (orgs.has(o.name)) throw new Error(`Organization '${o.name}' is configured twice`);
    const seed = resolveSeed(o.seed ?? options.seed ?? "demo", validator);
    const partitionGlobalId = o.partitionGlobalId.toLowerCase();
    const audit = new AuditLog({ name: o.name, partitionGlobalId }, auditNamesFor, now);
    orgs.set(o.name, { name: o.name, partitionGlobalId, store: new OrganizationStore(seed, now), audit });
  }
  const defaultOrg = orgOptions[0]!.name;
  const clients = options.clients ?? [DEMO_CLIENT];
  /** `http://host:port`, set once the server listens (before any request arrives). */
  let url = "";
  const key = await SigningKey.generate();
  // A token is the emulator's own when it names one of its API bases as issuer.
  const issuers = () => [...[...orgs.keys()].map((name) => `${url}/${name}/identity_`), `${url}/identity_`, `${url}/identity`];
  const tokens = new TokenService(key, clients, options.tokenLifetimeSeconds ?? 3600, now, issuers);
  const limiter = options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, now);
  const faults = options.faults ? new FaultInjector(options.faults) : undefined;
  const docsHtml = options.docsHtmlPath ? readDocs(options.docsHtmlPath) : undefined;
  // The CLI reference, where it was rendered beside the API page (scripts/docs.mjs writes both).
  const cliPage = options.docsHtmlPath ? join(dirname(options.docsHtmlPath), "cli.html") : undefined;
  const cliHtml = cliPage && existsSync(cliPage) ? readDocs(cliPage) : undefined;
  const violations: ResponseViolation[] = [];
  const docText = JSON.stringify(doc);
  const csvFields = csvFieldsOf(doc);

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // Last resort: the emulator must answer, never crash, whatever the request.
      if (!res.headersSent)
        send(
          res,
          problem(500, "An error occurred while processing your request.", newTraceId(), { detail: String((e as Error)?.message ?? e) }),
        );
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = pickRequestId(req.headers["x-request-id"]);
    res.setHeader("x-request-id", requestId);
    const traceId = newTraceId();
    const method = (req.method ?? "GET").toUpperCase();
    // Concatenated, not resolved: a path such as "//x" would otherwise be read as a host name.
    const requestUrl = new URL(`http://emulator.local${(req.url ?? "/").startsWith("/") ? "" : "/"}${req.url ?? ""}`);
    const bodyText = await readBody(req);
    if (bodyText === undefined) return send(res, problem(413, "Payload Too Large", traceId));

    if (method === "GET" && requestUrl.pathname === "/") return send(res, json(200, landing()));
    if (method === "GET" && requestUrl.pathname === "/openapi.json")
      return send(res, { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: docText });
    if (
      method === "GET" &&
      (requestUrl.pathname === "/docs" || requestUrl.pathname === "/docs/" || requestUrl.pathname === "/docs/index.html")
    ) {
      return send(res, { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: docsHtml ?? fallbackDocs() });
    }
    if (method === "GET" && requestUrl.pathname === "/docs/cli.html" && cliHtml !== undefined) {
      return send(res, { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: cliHtml });
    }

    const layout = parseLayout(requestUrl.pathname, [...orgs.keys()], defaultOrg);
    if (!layout) return send(res, problem(404, "Not Found", traceId, { detail: `No route for ${requestUrl.pathname}` }));
    const org = orgs.get(layout.organization)!;

    const rest = layout.rest.toLowerCase();
    // The audit service serves no tokens or key sets: those are Identity's.
    if (layout.service === "identity" && (rest === DISCOVERY_PATH || rest === JWKS_PATH)) {
      // Public metadata: no token, no rate limit, as IdentityServer serves it.
      if (method !== "GET") return send(res, problem(405, "Method Not Allowed", traceId, { headers: { allow: "GET" } }));
      return send(res, json(200, rest === JWKS_PATH ? key.jwks() : openidConfiguration(url + layout.basePath)));
    }
    if (layout.service === "identity" && rest === "/connect/token") {
      if (method !== "POST") return send(res, problem(405, "Method Not Allowed", traceId, { headers: { allow: "POST" } }));
      const mediaType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      if (mediaType !== "application/x-www-form-urlencoded") {
        return send(
          res,
          json(400, { error: "invalid_request", error_description: "send the request as application/x-www-form-urlencoded" }, noStore()),
        );
      }
      const to = { organization: org.name, partitionGlobalId: org.partitionGlobalId, issuer: url + layout.basePath };
      const result = tokens.grant(to, new URLSearchParams(bodyText), req.headers.authorization);
      return send(res, "access_token" in result ? json(200, result, noStore()) : json(result.status, result.body, noStore()));
    }

    const match = matchOperation(
      operations.filter((o) => o.service === layout.service),
      method,
      layout.rest,
    );
    if (match.kind === "not-found") return send(res, problem(404, "Not Found", traceId, { detail: `No route for ${requestUrl.pathname}` }));
    if (match.kind === "method-not-allowed") {
      return send(res, problem(405, "Method Not Allowed", traceId, { headers: { allow: match.allow.join(", ") } }));
    }
    const op = match.op;
    // Set once the token names an actor: every answer to an audited write is then recorded.
    const audited: { write?: WriteAudit | undefined } = {};
    // Faults and rate limits sit in front of the service, as a gateway's would; a lost answer
    // comes after it: the request is carried out and the connection dropped before the answer.
    const fault = faults?.next();
    const reply = (r: Reply): void => {
      // A lost answer still happened: the audit trail has it, as the service's would.
      audited.write?.finish(r.status, r.body);
      if (fault === "lose") res.socket?.destroy();
      else send(res, r, op, method, requestUrl.pathname);
    };

    if (fault === "drop") {
      res.socket?.destroy();
      return;
    }
    if (fault === "delay") await new Promise((resolve) => setTimeout(resolve, faults!.delayMs));
    if (fault === "429")
      return reply(problem(429, "Too Many Requests", traceId, { detail: "Injected fault.", headers: { "retry-after": "1" } }));
    if (fault === "500") return reply(problem(500, "An error occurred while processing your request.", traceId));
    if (fault === "503") return reply(problem(503, "Service Unavailable", traceId, { headers: { "retry-after": "1" } }));

    // Identity's budgets are Identity's: the audit service publishes none.
    const rate = layout.service === "identity" ? limiter?.take(org.name, method) : undefined;
    if (rate && !rate.allowed) {
      return reply(
        problem(429, "Too Many Requests", traceId, {
          detail: `Rate limit for ${rate.methodClass} requests exceeded; try again in ${rate.retryAfterSeconds} seconds.`,
          headers: { "retry-after": String(rate.retryAfterSeconds) },
        }),
      );
    }

    const bearer = await tokens.check(org.partitionGlobalId, req.headers.authorization);
    if (!bearer.ok) return reply(empty(401, { "www-authenticate": bearer.challenge }));
    audited.write = auditWrite(op.operationId, org.store, (events) => org.audit.append(events), {
      actor: { clientId: bearer.token.clientId, userId: bearer.token.userId },
      params: match.params,
      bodyText,
      ipAddress: req.socket.remoteAddress,
      now,
    });
    if (!hasScopes(bearer.token.scopes, op.scopeAlternatives)) {
      return reply(json(403, { errorMessage: scopeErrorMessage(bearer.token.scopes, op.scopeAlternatives) }));
    }

    if (op.bodySchemaPointer && bodyText.length > 0) {
      const mediaType = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
      if (!JSON_MEDIA.test(mediaType)) {
        return reply(problem(415, "Unsupported Media Type", traceId, { detail: "Send the body as application/json." }));
      }
    }
    const checked = validator.validateRequest(op, {
      params: match.params,
      query: requestUrl.searchParams,
      bodyText: op.bodySchemaPointer ? bodyText : undefined,
    });
    if (!checked.ok) return reply(validationProblem(renameIdField(op, checked.errors), traceId));

    try {
      const read = AUDIT_READS[op.operationId];
      if (read) {
        const context = { log: org.audit, partitionGlobalId: org.partitionGlobalId, csvFields };
        return reply(read({ ...context, params: checked.params, query: checked.query }));
      }
      const handler = HANDLERS[op.operationId];
      if (!handler)
        return reply(
          problem(500, "An error occurred while processing your request.", traceId, { detail: `No behaviour for ${op.operationId}` }),
        );
      const result = handler({
        store: org.store,
        partitionGlobalId: org.partitionGlobalId,
        params: checked.params,
        query: checked.query,
        body: checked.body,
      });
      return reply(result.body === undefined ? empty(result.status) : json(result.status, result.body));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.errors) return reply(validationProblem(e.errors, traceId));
      if (e.identityErrors) return reply(json(e.status, { succeeded: false, errors: e.identityErrors }));
      return reply(problem(e.status, e.title, traceId, e.detail !== undefined ? { detail: e.detail } : {}));
    }
  }

  function send(res: ServerResponse, r: Reply, op?: OperationSpec, method?: string, path?: string): void {
    if (op && options.validateResponses) {
      const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const problems = validator.validateResponse(op, {
        status: r.status,
        contentType: headers["content-type"],
        headers,
        bodyText: r.body,
      });
      if (problems.length > 0)
        violations.push({ method: method ?? "", path: path ?? "", operationId: op.operationId, status: r.status, problems });
    }
    res.writeHead(r.status, { ...r.headers, "content-length": String(Buffer.byteLength(r.body)) });
    res.end(r.body);
  }

  function landing() {
    return {
      name: "UiPath Identity emulator (Groups, Robot Accounts, Users and Directory)",
      openapi: `${url}/openapi.json`,
      docs: `${url}/docs`,
      organizations: [...orgs.values()].map((o) => ({
        name: o.name,
        partitionGlobalId: o.partitionGlobalId,
        baseUrl: `${url}/${o.name}/identity_`,
        tokenUrl: `${url}/${o.name}/identity_/connect/token`,
        auditBaseUrl: `${url}/${o.name}/orgaudit_`,
      })),
    };
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(
        new Error(
          e.code === "EADDRINUSE"
            ? `Port ${options.port} on ${host} is already in use`
            : `Cannot listen on ${host}:${options.port ?? 0}: ${e.message}`,
        ),
      );
    };
    const host = options.host ?? "127.0.0.1";
    server.once("error", onError);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  url = `http://${hostForUrl}:${address.port}`;

  const orgByName = (name?: string): Organization => {
    const org = orgs.get(name ?? defaultOrg);
    if (!org) throw new Error(`Unknown organization '${name}'`);
    return org;
  };

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    organizations: [...orgs.values()].map((o) => ({ name: o.name, partitionGlobalId: o.partitionGlobalId })),
    violations,
    baseUrl: (organization) => `${url}/${orgByName(organization).name}/identity_`,
    auditBaseUrl: (organization) => `${url}/${orgByName(organization).name}/orgaudit_`,
    auditEvents: (organization) => orgByName(organization).audit.all(),
    state: (organization) => {
      const org = orgByName(organization);
      return { organization: { name: org.name, partitionGlobalId: org.partitionGlobalId }, ...org.store.snapshot() };
    },
    issueToken: ({ scopes, organization, expiresInSeconds, user }) => {
      const org = orgByName(organization);
      const to = { organization: org.name, partitionGlobalId: org.partitionGlobalId, issuer: `${url}/${org.name}/identity_` };
      const subject = user === undefined ? undefined : userIdOf(org, user);
      return tokens.issue(to, ISSUED_TOKEN_CLIENT_ID, scopes, expiresInSeconds, subject).access_token;
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** A user of the organization by id, user name or e-mail address (ignoring case). */
function userIdOf(org: Organization, user: string): string {
  const wanted = user.toLowerCase();
  const found = org.store.snapshot().users.find((u) => [u.id, u.userName, u.email].some((v) => (v ?? "").toLowerCase() === wanted));
  if (!found) throw new Error(`Organization '${org.name}' has no user '${user}'`);
  return found.id;
}

function noStore(): Record<string, string> {
  return { "cache-control": "no-store", pragma: "no-cache" };
}

/** Keeps a caller's request id when it looks harmless, so logs on both sides line up. */
function pickRequestId(given: string | string[] | undefined): string {
  const value = Array.isArray(given) ? given[0] : given;
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : randomUUID();
}

/** Reads the whole body as text; undefined when it is larger than the emulator accepts. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The real service names the shared path's `{id}` after what it means (the document's `x-uipath-name`). */
function renameIdField(op: OperationSpec, errors: FieldErrors): FieldErrors {
  const meaning = op.parameters.find((p) => p.in === "path" && p.name === "id")?.serviceName;
  if (!meaning || !errors.id) return errors;
  const { id, ...rest } = errors;
  return { [meaning]: id.map((m) => m.replace(/^The id field/, `The ${meaning} field`)), ...rest };
}

function readDocs(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`Cannot read the docs page ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      cause: e,
    });
  }
}

function fallbackDocs(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Identity emulator</title></head><body>
<h1>UiPath Identity emulator</h1>
<p>The rendered API reference is not built yet (run <code>npm run docs</code>, then restart).
The OpenAPI document is at <a href="/openapi.json">/openapi.json</a>.</p>
</body></html>`;
}
