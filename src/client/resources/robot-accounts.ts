// Robot account operations, with lazy paging over the list and group-membership shortcuts.
import type { PagedIterable } from "../paging.js";
import type { RobotAccount, RobotAccountPage, RobotAccountQuery, Uuid } from "../types.js";
import { assertGuid, assertGuidList, assertName } from "../validate.js";
import { callInit, deletes, operation, pagedList, partitionOf, searchQuery, type CallOptions, type ResourceContext } from "./shared.js";

export interface RobotAccountSearch {
  /** Only accounts whose name or display name contains this text (the service's `searchTerm`). */
  search?: string;
  sortBy?: RobotAccountQuery["sortBy"];
  sortOrder?: RobotAccountQuery["sortOrder"];
}

export interface RobotAccountPageQuery extends RobotAccountSearch {
  /** Items per page, 0 to 1000 (the service's default is 10). */
  top?: number;
  skip?: number;
}

export interface ListRobotAccountsOptions extends CallOptions {
  /** Page size used under the hood; default 1000, the most the service allows. */
  pageSize?: number;
}

/** A page of robot accounts; `results` is never null here (the service may send null for none). */
export type RobotAccountResults = Omit<RobotAccountPage, "results"> & { results: RobotAccount[] };

export interface CreateRobotAccountInput {
  /** Unique in the organization; cannot change later. */
  name: string;
  displayName?: string;
  /** Groups the new account joins. */
  groupIds?: Uuid[];
}

export interface UpdateRobotAccountInput {
  /** The new display name; omitted keeps the current one. */
  displayName?: string;
  addToGroupIds?: Uuid[];
  removeFromGroupIds?: Uuid[];
}

export interface RobotAccountsResource {
  /** Every matching account, fetched lazily 1000 at a time. Scopes: PM.RobotAccount or PM.RobotAccount.Read. */
  list(search?: RobotAccountSearch, options?: ListRobotAccountsOptions): PagedIterable<RobotAccount>;
  /** One page with the total count. */
  listPage(query?: RobotAccountPageQuery, options?: CallOptions): Promise<RobotAccountResults>;
  get(robotAccountId: Uuid, options?: CallOptions): Promise<RobotAccount>;
  /**
   * Creates a robot account. Not retried once the request may have reached the service (the
   * service picks the id, so a repeat could make a second account); retried only after a 429 or
   * when the connection was never made. Scopes: PM.RobotAccount or PM.RobotAccount.Write.
   */
  create(input: CreateRobotAccountInput, options?: CallOptions): Promise<RobotAccount>;
  update(robotAccountId: Uuid, changes: UpdateRobotAccountInput, options?: CallOptions): Promise<RobotAccount>;
  delete(robotAccountId: Uuid, options?: CallOptions): Promise<void>;
  /** Deletes several accounts in one request (no request for an empty list). */
  deleteMany(robotAccountIds: Uuid[], options?: CallOptions): Promise<void>;
  addToGroups(robotAccountId: Uuid, groupIds: Uuid[], options?: CallOptions): Promise<RobotAccount>;
  removeFromGroups(robotAccountId: Uuid, groupIds: Uuid[], options?: CallOptions): Promise<RobotAccount>;
}

const LIST = operation("GET /api/RobotAccount/{id}"); // list, listPage
const GET = operation("GET /api/RobotAccount/{partitionGlobalId}/{robotAccountId}");
// The service picks the new account's id, so a repeat after it may have acted could make a second one.
const CREATE = operation("POST /api/RobotAccount", "unsafe");
const UPDATE = operation("PUT /api/RobotAccount/{id}"); // update, addToGroups, removeFromGroups
const DELETE = operation("DELETE /api/RobotAccount/{partitionGlobalId}/{robotAccountId}");
const DELETE_MANY = operation("DELETE /api/RobotAccount/{id}");

export function createRobotAccountsResource(ctx: ResourceContext): RobotAccountsResource {
  const accounts = pagedList(ctx, LIST, (query: RobotAccountPageQuery, id, init) =>
    ctx.raw.GET(LIST.path, { params: { path: { id }, query: searchQuery(query) }, ...init }),
  );

  const update = async (robotAccountId: Uuid, changes: UpdateRobotAccountInput, options?: CallOptions) => {
    const id = assertGuid(robotAccountId, "robotAccountId");
    if (changes.displayName !== undefined) assertName(changes.displayName, "displayName");
    const toAdd = changes.addToGroupIds === undefined ? undefined : assertGuidList(changes.addToGroupIds, "addToGroupIds");
    const toRemove =
      changes.removeFromGroupIds === undefined ? undefined : assertGuidList(changes.removeFromGroupIds, "removeFromGroupIds");
    const partitionGlobalId = await partitionOf(ctx, options, UPDATE);
    const body = {
      partitionGlobalId,
      ...(changes.displayName !== undefined && { displayName: changes.displayName }),
      ...(toAdd && { groupIDsToAdd: toAdd }),
      ...(toRemove && { groupIDsToRemove: toRemove }),
    };
    return ctx.done(await ctx.raw.PUT(UPDATE.path, { params: { path: { id } }, body, ...callInit(ctx, options, UPDATE) }));
  };

  return {
    list: (search = {}, options) => accounts.list(search, options),
    listPage: (query = {}, options) => accounts.page(query, options),

    async get(robotAccountId, options) {
      const accountId = assertGuid(robotAccountId, "robotAccountId");
      const path = { partitionGlobalId: await partitionOf(ctx, options, GET), robotAccountId: accountId };
      return ctx.done(await ctx.raw.GET(GET.path, { params: { path }, ...callInit(ctx, options, GET) }));
    },

    async create(input, options) {
      const name = assertName(input.name, "name");
      if (input.displayName !== undefined) assertName(input.displayName, "displayName");
      const groups = input.groupIds === undefined ? undefined : assertGuidList(input.groupIds, "groupIds");
      const partitionGlobalId = await partitionOf(ctx, options, CREATE);
      const body = {
        partitionGlobalId,
        name,
        ...(input.displayName !== undefined && { displayName: input.displayName }),
        ...(groups && { groupIDsToAdd: groups }),
      };
      return ctx.done(await ctx.raw.POST(CREATE.path, { body, ...callInit(ctx, options, CREATE) }));
    },

    ...deletes(ctx, "robotAccountId", "robotAccountIds", {
      one: [DELETE, (path, init) => ctx.raw.DELETE(DELETE.path, { params: { path }, ...init })],
      many: [
        DELETE_MANY,
        (robotAccountIDs, id, init) => ctx.raw.DELETE(DELETE_MANY.path, { params: { path: { id } }, body: { robotAccountIDs }, ...init }),
      ],
    }),

    update,
    addToGroups: (id, groupIds, options) => update(id, { addToGroupIds: groupIds }, options),
    removeFromGroups: (id, groupIds, options) => update(id, { removeFromGroupIds: groupIds }, options),
  };
}
