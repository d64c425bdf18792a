// A small Identity look-alike for the client tests: a token endpoint that counts its requests
// and API routes under /hogwarts/identity_ that demand a bearer token it issued.
import type { ServerResponse } from "node:http";
import { createIdentityClient, type IdentityClientOptions } from "../../../src/index.js";
import { send, startServer, type Recorded, type TestServer } from "./server.js";

export const PREFIX = "/hogwarts/identity_";

export const ORG = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
export const GRYFFINDORS = "9d2f6a41-0c3b-4e57-8a1d-6b7c2e0f1a01";
export const ALUMNI = "4b8e1c27-5d3a-4f69-9c02-8e1f7a3d2b02";
export const ADMINISTRATORS = "0e4b2a6c-7d1f-4a39-8c50-2f6e9b1d0a00";
export const EVERYONE = "2a9c5e1b-6f3d-4b07-9e82-4c1a7f0d5e11";
export const RON = "1c6f0a3e-8b2d-4a17-9e45-0d3c7b1a0103";
export const HARRY = "7a2e9c4b-1f6d-4b38-a0c5-3e8d2f6b3107";
export const HERMIONE = "5e0b8d2c-4a7f-4c19-b6e3-1d9a0c5e1909";
export const ROBY = "c3a7e1f9-2b6d-4e80-9f14-7a5c0d3e8812";

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
