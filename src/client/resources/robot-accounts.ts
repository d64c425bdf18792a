// Robot account operations, with lazy paging over the list and group-membership shortcuts.
import { MAX_PAGE_SIZE, paginate, type PagedIterable } from "../paging.js";
import type { RobotAccount, RobotAccountPage, RobotAccountQuery, Uuid } from "../types.js";
import { assertGuid, assertGuidList, assertName, assertPageSize, assertPageWindow } from "../validate.js";
import { callInit, checkPartitionOption, deleted, partitionOf, unwrap, type CallOptions, type ResourceContext } from "./shared.js";

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
  addToGroups(robotAccountId: Uuid, groupIds: Uuid[], options?: CallOptions): Promise<RobotAccount>;
  removeFromGroups(robotAccountId: Uuid, groupIds: Uuid[], options?: CallOptions): Promise<RobotAccount>;
  delete(robotAccountId: Uuid, options?: CallOptions): Promise<void>;
  /** Deletes several accounts in one request (no request for an empty list). */
  deleteMany(robotAccountIds: Uuid[], options?: CallOptions): Promise<void>;
}

export function createRobotAccountsResource(ctx: ResourceContext): RobotAccountsResource {
  const done = <D>(result: Parameters<typeof unwrap<D>>[0]): D => unwrap(result, ctx.redact);

  const listPage = async (query: RobotAccountPageQuery = {}, options?: CallOptions): Promise<RobotAccountResults> => {
    assertPageWindow(query.top, query.skip, MAX_PAGE_SIZE);
    const id = await partitionOf(ctx, options);
    const page = done(
      await ctx.raw.GET("/api/RobotAccount/{id}", {
        params: {
          path: { id },
          query: {
            searchTerm: query.search,
            top: query.top,
            skip: query.skip,
            sortBy: query.sortBy,
            sortOrder: query.sortOrder,
          },
        },
        ...callInit(ctx, options),
      }),
    );
    return { ...page, results: page.results ?? [] };
  };

  const update = async (robotAccountId: Uuid, changes: UpdateRobotAccountInput, options?: CallOptions) => {
    const id = assertGuid(robotAccountId, "robotAccountId");
    if (changes.displayName !== undefined) assertName(changes.displayName, "displayName");
    const toAdd = changes.addToGroupIds === undefined ? undefined : assertGuidList(changes.addToGroupIds, "addToGroupIds");
    const toRemove =
      changes.removeFromGroupIds === undefined ? undefined : assertGuidList(changes.removeFromGroupIds, "removeFromGroupIds");
    const partitionGlobalId = await partitionOf(ctx, options);
    const body = {
      partitionGlobalId,
      ...(changes.displayName !== undefined && { displayName: changes.displayName }),
      ...(toAdd && { groupIDsToAdd: toAdd }),
      ...(toRemove && { groupIDsToRemove: toRemove }),
    };
    return done(await ctx.raw.PUT("/api/RobotAccount/{id}", { params: { path: { id } }, body, ...callInit(ctx, options) }));
  };

  return {
    list(search = {}, options = {}) {
      // Validate now, not on the first iteration, so bad input fails where the call is written.
      checkPartitionOption(options);
      const pageSize = assertPageSize(options.pageSize ?? MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE, "pageSize");
      return paginate((window) => listPage({ ...search, ...window }, options), pageSize);
    },

    listPage,

    async get(robotAccountId, options) {
      const accountId = assertGuid(robotAccountId, "robotAccountId");
      const path = { partitionGlobalId: await partitionOf(ctx, options), robotAccountId: accountId };
      return done(
        await ctx.raw.GET("/api/RobotAccount/{partitionGlobalId}/{robotAccountId}", { params: { path }, ...callInit(ctx, options) }),
      );
    },

    async create(input, options) {
      const name = assertName(input.name, "name");
      if (input.displayName !== undefined) assertName(input.displayName, "displayName");
      const groups = input.groupIds === undefined ? undefined : assertGuidList(input.groupIds, "groupIds");
      const partitionGlobalId = await partitionOf(ctx, options);
      const body = {
        partitionGlobalId,
        name,
        ...(input.displayName !== undefined && { displayName: input.displayName }),
        ...(groups && { groupIDsToAdd: groups }),
      };
      // Retry mode "unsafe": see the method's documentation.
      return done(await ctx.raw.POST("/api/RobotAccount", { body, ...callInit(ctx, options, "unsafe") }));
    },

    update,
    addToGroups: (id, groupIds, options) => update(id, { addToGroupIds: groupIds }, options),
    removeFromGroups: (id, groupIds, options) => update(id, { removeFromGroupIds: groupIds }, options),

    async delete(robotAccountId, options) {
      const accountId = assertGuid(robotAccountId, "robotAccountId");
      const path = { partitionGlobalId: await partitionOf(ctx, options), robotAccountId: accountId };
      deleted(
        await ctx.raw.DELETE("/api/RobotAccount/{partitionGlobalId}/{robotAccountId}", { params: { path }, ...callInit(ctx, options) }),
        ctx.redact,
      );
    },

    async deleteMany(robotAccountIds, options) {
      const ids = assertGuidList(robotAccountIds, "robotAccountIds");
      if (ids.length === 0) return;
      const id = await partitionOf(ctx, options);
      done(
        await ctx.raw.DELETE("/api/RobotAccount/{id}", {
          params: { path: { id } },
          body: { robotAccountIDs: ids },
          ...callInit(ctx, options),
        }),
      );
    },
  };
}
