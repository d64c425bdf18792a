// What each operation of the document does, on top of an organization's store. Requests reach
// these already authorized and validated against the document.
import type { components } from "../../generated/schema.js";
import type { SearchQuery } from "./directory.js";
import { invalid } from "./errors.js";
import type { OrganizationStore } from "./store.js";

type Schemas = components["schemas"];

export interface HandlerContext {
  store: OrganizationStore;
  partitionGlobalId: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
}

type Handler = (ctx: HandlerContext) => HandlerResult;

/** The organization id a request names, in its path or body, with the field it came from. */
function requirePartition(ctx: HandlerContext, value: unknown, field: string): void {
  if (String(value).toLowerCase() !== ctx.partitionGlobalId.toLowerCase()) {
    // Inferred: the service refuses another organization's id as a bad request (InvalidPartition).
    throw invalid(field, `InvalidPartition: '${String(value)}' is not the id of this organization.`);
  }
}

const str = (v: unknown) => String(v);

/** Optional query values, left out when absent. */
function optional<K extends string>(query: Record<string, unknown>, ...names: K[]): Partial<Record<K, string>> {
  return Object.fromEntries(names.filter((n) => query[n] !== undefined).map((n) => [n, str(query[n])])) as Partial<Record<K, string>>;
}

const paging = (q: Record<string, unknown>) => ({ top: Number(q.top), skip: Number(q.skip) });

export const HANDLERS: Record<string, Handler> = {
  listGroups(ctx) {
    requirePartition(ctx, ctx.params.id, "partitionGlobalId");
    return { status: 200, body: ctx.store.groups.list() };
  },
  getGroup(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    return { status: 200, body: ctx.store.groups.get(str(ctx.params.groupId)) };
  },
  createGroup(ctx) {
    const body = ctx.body as Schemas["CreateGroup"];
    requirePartition(ctx, body.partitionGlobalId, "partitionGlobalId");
    return { status: 201, body: ctx.store.groups.create(body) };
  },
  updateGroup(ctx) {
    const body = ctx.body as Schemas["UpdateGroup"];
    requirePartition(ctx, body.partitionGlobalId, "partitionGlobalId");
    return { status: 200, body: ctx.store.groups.update(str(ctx.params.id), body) };
  },
  deleteGroup(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    ctx.store.groups.delete(str(ctx.params.groupId));
    return { status: 204 };
  },
  deleteGroups(ctx) {
    requirePartition(ctx, ctx.params.id, "partitionGlobalId");
    ctx.store.groups.deleteMany((ctx.body as Schemas["BulkDeleteGroups"]).groupIDs ?? []);
    return { status: 204 };
  },
  listGroupMembers(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    const { top, skip } = paging(ctx.query);
    return { status: 200, body: ctx.store.groups.listMembers(str(ctx.params.groupId), top, skip) };
  },
  listRobotAccounts(ctx) {
    requirePartition(ctx, ctx.params.id, "partitionGlobalId");
    const q = optional(ctx.query, "searchTerm", "sortBy", "sortOrder");
    return {
      status: 200,
      body: ctx.store.robotAccounts.list({ ...paging(ctx.query), ...q, sortOrder: q.sortOrder as Schemas["SortOrder"] | undefined }),
    };
  },
  getRobotAccount(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    return { status: 200, body: ctx.store.robotAccounts.get(str(ctx.params.robotAccountId)) };
  },
  createRobotAccount(ctx) {
    const body = ctx.body as Schemas["CreateRobotAccount"];
    requirePartition(ctx, body.partitionGlobalId, "partitionGlobalId");
    return { status: 201, body: ctx.store.robotAccounts.create(body) };
  },
  updateRobotAccount(ctx) {
    const body = ctx.body as Schemas["UpdateRobotAccount"];
    requirePartition(ctx, body.partitionGlobalId, "partitionGlobalId");
    return { status: 200, body: ctx.store.robotAccounts.update(str(ctx.params.id), body) };
  },
  deleteRobotAccount(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    ctx.store.robotAccounts.delete(str(ctx.params.robotAccountId));
    return { status: 204 };
  },
  deleteRobotAccounts(ctx) {
    requirePartition(ctx, ctx.params.id, "partitionGlobalId");
    ctx.store.robotAccounts.deleteMany((ctx.body as Schemas["BulkDeleteRobotAccounts"]).robotAccountIDs ?? []);
    return { status: 204 };
  },
  listUsers(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    const q = optional(ctx.query, "searchTerm", "sortBy", "sortOrder");
    return {
      status: 200,
      body: ctx.store.users.list({ ...paging(ctx.query), ...q, sortOrder: q.sortOrder as Schemas["SortOrder"] | undefined }),
    };
  },
  // The user id alone names the user; the organization is the one the URL and token address.
  getUser(ctx) {
    return { status: 200, body: ctx.store.users.get(str(ctx.params.userId)) };
  },
  createUser(ctx) {
    const body = ctx.body as Schemas["CreateUser"];
    requirePartition(ctx, body.partitionGlobalId, "partitionGlobalId");
    return { status: 200, body: ctx.store.users.create(body) };
  },
  createUsers(ctx) {
    const body = ctx.body as Schemas["CreateUsers"];
    requirePartition(ctx, body.partitionGlobalId, "partitionGlobalId");
    return { status: 200, body: ctx.store.users.createMany(body) };
  },
  // The body names no organization: the invitation links must name this one.
  inviteUsers(ctx) {
    return { status: 200, body: ctx.store.users.invite(ctx.body as Schemas["UserInvitation"][], ctx.partitionGlobalId) };
  },
  updateUser(ctx) {
    return { status: 200, body: ctx.store.users.update(str(ctx.params.userId), ctx.body as Schemas["UpdateUser"]) };
  },
  deleteUser(ctx) {
    ctx.store.users.delete(str(ctx.params.userId));
    return { status: 204 };
  },
  deleteUsers(ctx) {
    const body = ctx.body as Schemas["BulkDeleteUsers"];
    requirePartition(ctx, body.partitionGlobalId, "partitionGlobalId");
    ctx.store.users.deleteMany(body.userIds ?? []);
    return { status: 204 };
  },
  searchDirectory(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    const q = ctx.query;
    return {
      status: 200,
      body: ctx.store.directory.search({
        startsWith: str(q.startsWith),
        ...(q.entityType !== undefined ? { entityType: q.entityType as SearchQuery["entityType"] } : {}),
        ...(q.sourceFilter !== undefined ? { sourceFilter: q.sourceFilter as SearchQuery["sourceFilter"] } : {}),
      }),
    };
  },
  resolveDirectoryNames(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    return { status: 200, body: ctx.store.directory.resolve(ctx.body as Schemas["ResolveDirectoryNames"]) };
  },
};
