// The emulator's public option and handle types, and their defaults.
import type { components } from "../../generated/schema.js";
import { SCOPES } from "../../generated/scopes.js";
import type { SeedOption } from "./seed.js";

type Group = components["schemas"]["Group"];
type RobotAccount = components["schemas"]["RobotAccount"];
type DirectoryEntity = components["schemas"]["DirectoryEntity"];
type User = components["schemas"]["User"];
type AuditEvent = components["schemas"]["AuditEvent"];

export interface EmulatorOrganization {
  /** The URL name, as in `/{name}/identity_`. */
  name: string;
  /** The organization's GUID, which requests carry as `partitionGlobalId`. */
  partitionGlobalId: string;
  /** Data for this organization only; otherwise the emulator-wide `seed` is used. */
  seed?: SeedOption;
}

export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
  /** The scopes this client may request. */
  scopes: string[];
  /** Restricts the client to one organization (by name); by default it is registered in every one. */
  organization?: string;
}

export type MethodClass = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RateLimitOptions {
  /** Length of the fixed counting window, in milliseconds. */
  windowMs: number;
  /** Requests allowed per organization per window, by method. */
  budgets: Record<MethodClass, number>;
}

/**
 * `drop` closes the connection before the request is handled; `lose` handles it (a write takes
 * effect) and then closes the connection without an answer, the case a client cannot tell from a
 * request never made; `delay` answers normally after `delayMs`.
 */
export type FaultKind = "429" | "500" | "503" | "drop" | "lose" | "delay";

export interface FaultOptions {
  /** Seed of the pseudo-random sequence, so a run can be repeated exactly. */
  seed: number;
  /** Share of API requests that get a fault, from 0 to 1. */
  rate: number;
  /** The faults to pick from (evenly); all of them by default. */
  kinds?: FaultKind[];
  /** How long a `delay` fault holds the request before answering it normally. Default 200 ms. */
  delayMs?: number;
}

export interface EmulatorOptions {
  host?: string;
  /** 0 (the default) lets the OS pick a free port. */
  port?: number;
  organizations?: EmulatorOrganization[];
  clients?: EmulatorClient[];
  seed?: SeedOption;
  tokenLifetimeSeconds?: number;
  /** false turns rate limiting off. */
  rateLimit?: RateLimitOptions | false;
  faults?: FaultOptions;
  /** Validate every API response against the document and record violations. */
  validateResponses?: boolean;
  /** An HTML file to serve at /docs (for example Redoc's rendered page). */
  docsHtmlPath?: string;
  /** Replaces the bundled OpenAPI document (for tests of the emulator itself). */
  document?: Record<string, unknown>;
  /** The emulator's clock in epoch milliseconds; tests can pass a fake one. */
  now?: () => number;
}

export interface ResponseViolation {
  method: string;
  path: string;
  operationId: string;
  status: number;
  problems: string[];
}

export interface OrganizationState {
  organization: { name: string; partitionGlobalId: string };
  /** Each user as a directory entity (as groups list it) and as a User (as the users endpoints show it). */
  users: Array<DirectoryEntity & User>;
  groups: Group[];
  robotAccounts: RobotAccount[];
}

export interface IssueTokenOptions {
  scopes: string[];
  /** Organization name; the first organization by default. */
  organization?: string;
  /** Lifetime; 0 or less gives a token that is already expired. */
  expiresInSeconds?: number;
  /**
   * A user token instead: the user (by id, user name or e-mail address) the token acts for, named
   * in its `sub` claim. The writes it makes are audited as that user's.
   */
  user?: string;
}

export interface EmulatorHandle {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  /** The organization-level API base, `${url}/${org}/identity_` (first organization by default). */
  baseUrl(organization?: string): string;
  /** The organization's unified audit service base, `${url}/${org}/orgaudit_` (first organization by default). */
  auditBaseUrl(organization?: string): string;
  /**
   * The audit events an organization's writes recorded, oldest first, as the audit service returns
   * them (copies): one per object a write accepted changed, and a failed one (status 1) for a write
   * refused with 400, 403, 404, 409 or 415.
   */
  auditEvents(organization?: string): AuditEvent[];
  /** The organizations the emulator serves. */
  readonly organizations: ReadonlyArray<{ name: string; partitionGlobalId: string }>;
  /** Responses that broke the document (only recorded with `validateResponses`). */
  readonly violations: ResponseViolation[];
  /** A copy of an organization's data. */
  state(organization?: string): OrganizationState;
  /**
   * Issues an access token without the token endpoint: a JWT signed by the emulator, as the token
   * endpoint's are, for the organization-level base. Synchronous.
   */
  issueToken(options: IssueTokenOptions): string;
  close(): Promise<void>;
}

// Every scope the contract declares (its OAuth 2.0 security scheme), from the generated table.
export const PM_SCOPES = SCOPES;

export const DEFAULT_ORGANIZATION: EmulatorOrganization = {
  name: "hogwarts",
  partitionGlobalId: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
};

// Not a real secret: it only opens the local emulator, and `npm start` prints it on purpose.
export const DEMO_CLIENT: EmulatorClient = {
  clientId: "emulator-demo-client",
  clientSecret: "emulator-demo-secret",
  scopes: [...PM_SCOPES],
};

/** Automation Cloud's documented budgets: per organization, per five minutes. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  windowMs: 5 * 60 * 1000,
  budgets: { GET: 300, POST: 24000, PUT: 160, PATCH: 160, DELETE: 160 },
};
