// What each operation of the document does, on top of an organization's store. Requests reach
// these already authorized and validated against the document.
import type { components } from "../../generated/schema.js";
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

export const HANDLERS: Record<string, Handler> = {
  listGroups(ctx) {
    requirePartition(ctx, ctx.params.id, "partitionGlobalId");
    return { status: 200, body: ctx.store.listGroups() };
  },
  getGroup(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    return { status: 200, body: ctx.store.getGroup(str(ctx.params.groupId)) };
  },
  createGroup(ctx) {
    const body = ctx.body as Schemas["CreateGroup"];
    requirePartition(ctx, body.partitionGlobalId, "partitionGlobalId");
    return { status: 201, body: ctx.store.createGroup(body) };
  },
  updateGroup(ctx) {
    const body = ctx.body as Schemas["UpdateGroup"];
    requirePartition(ctx, body.partitionGlobalId, "partitionGlobalId");
    return { status: 200, body: ctx.store.updateGroup(str(ctx.params.id), body) };
  },
  deleteGroup(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    ctx.store.deleteGroup(str(ctx.params.groupId));
    return { status: 204 };
  },
  deleteGroups(ctx) {
    requirePartition(ctx, ctx.params.id, "partitionGlobalId");
    ctx.store.deleteGroups((ctx.body as Schemas["BulkDeleteGroups"]).groupIDs ?? []);
    return { status: 204 };
  },
  listGroupMembers(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    return { status: 200, body: ctx.store.listMembers(str(ctx.params.groupId), Number(ctx.query.top), Number(ctx.query.skip)) };
  },
  listRobotAccounts(ctx) {
    requirePartition(ctx, ctx.params.id, "partitionGlobalId");
    const q = ctx.query;
    const page = ctx.store.listRobotAccounts({
      top: Number(q.top),
      skip: Number(q.skip),
      ...(q.searchTerm !== undefined ? { searchTerm: str(q.searchTerm) } : {}),
      ...(q.sortBy !== undefined ? { sortBy: str(q.sortBy) } : {}),
      ...(q.sortOrder !== undefined ? { sortOrder: q.sortOrder as Schemas["SortOrder"] } : {}),
    });
    return { status: 200, body: page };
  },
  getRobotAccount(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    return { status: 200, body: ctx.store.getRobotAccount(str(ctx.params.robotAccountId)) };
  },
  createRobotAccount(ctx) {
    const body = ctx.body as Schemas["CreateRobotAccount"];
    requirePartition(ctx, body.partitionGlobalId, "partitionGlobalId");
    return { status: 201, body: ctx.store.createRobotAccount(body) };
  },
  updateRobotAccount(ctx) {
    const body = ctx.body as Schemas["UpdateRobotAccount"];
    requirePartition(ctx, body.partitionGlobalId, "partitionGlobalId");
    return { status: 200, body: ctx.store.updateRobotAccount(str(ctx.params.id), body) };
  },
  deleteRobotAccount(ctx) {
    requirePartition(ctx, ctx.params.partitionGlobalId, "partitionGlobalId");
    ctx.store.deleteRobotAccount(str(ctx.params.robotAccountId));
    return { status: 204 };
  },
  deleteRobotAccounts(ctx) {
    requirePartition(ctx, ctx.params.id, "partitionGlobalId");
    ctx.store.deleteRobotAccounts((ctx.body as Schemas["BulkDeleteRobotAccounts"]).robotAccountIDs ?? []);
    return { status: 204 };
  },
};
