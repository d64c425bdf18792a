// A small Identity look-alike for the client tests: a token endpoint that counts its requests
// and API routes under /hogwarts/identity_ that demand a bearer token it issued.
import type { ServerResponse } from "node:http";
import { afterEach, expect } from "@jest/globals";
import { createIdentityClient, IdentityApiError, type IdentityClientOptions } from "../../../src/client/index.js";
import { send, serverPool, startServer, type Recorded, type TestServer } from "../../helpers/http-server.js";

export const PREFIX = "/hogwarts/identity_";

import { GRYFFINDORS, ORG, ROBY } from "../../fixtures/walkthrough.js";

export { ADMINISTRATORS, ALUMNI, EVERYONE, GRYFFINDORS, HARRY, HERMIONE, ORG, RON, ROBY } from "../../fixtures/walkthrough.js";

export const CLIENT_ID = "hogwarts-sync";
export const CLIENT_SECRET = "s3cr3t-Expecto-Patronum-4f9a";

export interface ApiRequest extends Recorded {
  /** Path below the API base, e.g. /api/Group/… */
  apiPath: string;
  token: string | undefined;
}

export type ApiHandler = (req: ApiRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeIdentity extends TestServer {
  baseUrl: string;
  tokenRequests: Recorded[];
  apiRequests: ApiRequest[];
  /** Tokens issued so far, oldest first. */
  issued: string[];
  /** Makes the server answer 401 to these tokens from now on. */
  revoke(token: string): void;
}

export interface FakeIdentityOptions {
  /** expires_in for each issued token, by issue number (1-based); default 3600. */
  tokenLifetime?: (n: number) => number;
  /** Answers the token request instead of the default (return true when handled). */
  tokenHandler?: (req: Recorded, res: ServerResponse, n: number) => boolean;
}

export async function startIdentity(api: ApiHandler, options: FakeIdentityOptions = {}): Promise<FakeIdentity> {
  const tokenRequests: Recorded[] = [];
  const apiRequests: ApiRequest[] = [];
  const issued: string[] = [];
  const revoked = new Set<string>();
  const server = await startServer(async (req, res) => {
    if (req.path === `${PREFIX}/connect/token`) {
      tokenRequests.push(req);
      const n = tokenRequests.length;
      if (options.tokenHandler?.(req, res, n)) return;
      const token = `tok-${n}-${"x".repeat(12)}`;
      issued.push(token);
      send(res, 200, { access_token: token, token_type: "Bearer", expires_in: options.tokenLifetime?.(n) ?? 3600 });
      return;
    }
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
    const apiReq: ApiRequest = { ...req, apiPath: req.path.slice(PREFIX.length), token };
    apiRequests.push(apiReq);
    if (!req.path.startsWith(PREFIX) || token === undefined || !issued.includes(token) || revoked.has(token)) {
      send(res, 401, undefined, { "www-authenticate": 'Bearer error="invalid_token"' });
      return;
    }
    await api(apiReq, res);
  });
  return {
    ...server,
    baseUrl: `${server.origin}${PREFIX}`,
    tokenRequests,
    apiRequests,
    issued,
    revoke: (t) => revoked.add(t),
  };
}

/** A client for the fake server with fast, deterministic-enough test settings. */
export function clientFor(server: { baseUrl: string }, overrides: Partial<IdentityClientOptions> = {}) {
  return createIdentityClient({
    baseUrl: server.baseUrl,
    partitionGlobalId: ORG,
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    retry: { baseDelayMs: 1, maxDelayMs: 4 },
    rateLimit: false,
    ...overrides,
  });
}

export const gryffindors = {
  id: GRYFFINDORS,
  name: "Gryffindors",
  displayName: "Gryffindors",
  type: 1,
  creationTime: "2021-10-19T15:37:49.1853184Z",
  lastModificationTime: null,
  members: [],
} as const;

export const roby = {
  id: ROBY,
  name: "Roby",
  displayName: "Roby",
  creationTime: "2021-10-20T15:20:29.1302044Z",
  lastLoginTime: null,
  groupIds: [GRYFFINDORS],
} as const;

/** Awaits a call that must fail with an IdentityApiError, and returns the error to assert on. */
export function failure(promise: Promise<unknown>): Promise<IdentityApiError> {
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

/**
 * For a test file whose tests start their own look-alikes: returns `withApi(handler)`, which starts
 * one and a client for it; every server a test started closes after it.
 */
export function apiPerTest(): (handler: ApiHandler) => Promise<{ server: FakeIdentity; pm: ReturnType<typeof clientFor> }> {
  const servers = serverPool();
  afterEach(() => servers.closeAll());
  return async (handler) => {
    const server = servers.add(await startIdentity(handler));
    return { server, pm: clientFor(server) };
  };
}
