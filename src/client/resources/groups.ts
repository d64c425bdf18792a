// Group operations: typed inputs in, typed groups out, with the conveniences users would
// otherwise write themselves (a generated id on create, the current name on a members-only update).
import { IdentityApiError, IdentityInputError } from "../errors.js";
import type { PagedIterable } from "../paging.js";
import { attemptsFor } from "../response-meta.js";
import type { Group, GroupMember, GroupMemberPage, Uuid } from "../types.js";
import { assertGuid, assertGuidList, assertName } from "../validate.js";
import { callInit, deletes, errorOf, operation, pagedList, partitionOf, type CallOptions, type ResourceContext } from "./shared.js";

export interface CreateGroupInput {
  name: string;
  /** Users (and robot accounts) to add as the first members. */
  memberIds?: Uuid[];
  /** The new group's id; a random GUID when omitted (the service requires the caller to pick one). */
  id?: Uuid;
}

export interface UpdateGroupInput {
  /** The new name; when omitted the current name is fetched and sent (the service requires one). */
  name?: string;
  addMemberIds?: Uuid[];
  removeMemberIds?: Uuid[];
}

export interface MembersPageQuery {
  /** Items per page, 0 to 1000 (the service's default is 10). */
  top?: number;
  skip?: number;
}

export interface ListMembersOptions extends CallOptions {
  /** Page size used under the hood; default 1000, the most the service allows. */
  pageSize?: number;
}

export interface GroupsResource {
  /** Every group of the organization (the service has no paging here). Scopes: PM.Group or PM.Group.Read. */
  list(options?: CallOptions): Promise<Group[]>;
  /** One group. Scopes: PM.Group or PM.Group.Read. */
  get(groupId: Uuid, options?: CallOptions): Promise<Group>;
  /** Creates a local group; safe to retry because the id is chosen here. Scopes: PM.Group or PM.Group.Write. */
  create(input: CreateGroupInput, options?: CallOptions): Promise<Group>;
  /** Renames a local group and/or changes its members. Scopes: PM.Group or PM.Group.Write (+ Read when name is omitted). */
  update(groupId: Uuid, changes: UpdateGroupInput, options?: CallOptions): Promise<Group>;
  /**
   * Adds users to a local group, keeping its name. Robot-account ids are accepted too: the service
   * takes them in the same list (UiPath documents user ids only; live clients rely on robot ids).
   */
  addMembers(groupId: Uuid, userIds: Uuid[], options?: CallOptions): Promise<Group>;
  /** Removes users (or robot accounts) from a local group, keeping its name. */
  removeMembers(groupId: Uuid, userIds: Uuid[], options?: CallOptions): Promise<Group>;
  /** Deletes one local group. Scopes: PM.Group or PM.Group.Write. */
  delete(groupId: Uuid, options?: CallOptions): Promise<void>;
  /** Deletes several local groups in one request (no request for an empty list). */
  deleteMany(groupIds: Uuid[], options?: CallOptions): Promise<void>;
  /** All members, fetched lazily a page at a time. Scopes: PM.Group or PM.Group.Read. */
  listMembers(groupId: Uuid, options?: ListMembersOptions): PagedIterable<GroupMember>;
  /** One page of members with the total count. */
  listMembersPage(groupId: Uuid, query?: MembersPageQuery, options?: CallOptions): Promise<GroupMemberPage>;
}

const LIST = operation("GET /api/Group/{id}");
const GET = operation("GET /api/Group/{partitionGlobalId}/{groupId}"); // get; update without a name
// The id is ours, so repeating the create cannot make a second group: retry it like a PUT.
const CREATE = operation("POST /api/Group", "idempotent");
const UPDATE = operation("PUT /api/Group/{id}"); // update, addMembers, removeMembers
const DELETE = operation("DELETE /api/Group/{partitionGlobalId}/{groupId}");
const DELETE_MANY = operation("DELETE /api/Group/{id}");
const MEMBERS = operation("GET /api/Group/{partitionGlobalId}/{groupId}/Members"); // listMembers, listMembersPage

export function createGroupsResource(ctx: ResourceContext): GroupsResource {
  const get = async (groupId: Uuid, options?: CallOptions): Promise<Group> => {
    const id = assertGuid(groupId, "groupId");
    const path = { partitionGlobalId: await partitionOf(ctx, options, GET), groupId: id };
    return ctx.done(await ctx.raw.GET(GET.path, { params: { path }, ...callInit(ctx, options, GET) }));
  };

  const update = async (groupId: Uuid, changes: UpdateGroupInput, options?: CallOptions): Promise<Group> => {
    const id = assertGuid(groupId, "groupId");
    if (changes.name === undefined && changes.addMemberIds === undefined && changes.removeMemberIds === undefined) {
      throw new IdentityInputError("changes", "update needs at least one of name, addMemberIds or removeMemberIds");
    }
    const toAdd = changes.addMemberIds === undefined ? undefined : assertGuidList(changes.addMemberIds, "addMemberIds");
    const toRemove = changes.removeMemberIds === undefined ? undefined : assertGuidList(changes.removeMemberIds, "removeMemberIds");
    let name = changes.name === undefined ? undefined : assertName(changes.name, "name");
    const partitionGlobalId = await partitionOf(ctx, options, UPDATE);
    if (name === undefined) {
      // The service wants the name on every update; fetch it so a members-only change keeps it.
      const current = await get(id, { ...options, partitionGlobalId });
      name = current.name ?? current.displayName ?? undefined;
      if (!name) throw new IdentityInputError("name", `group ${id} has no name to keep; pass name explicitly`);
    }
    const body = {
      partitionGlobalId,
      name,
      ...(toAdd && { directoryUserIDsToAdd: toAdd }),
      ...(toRemove && { directoryUserIDsToRemove: toRemove }),
    };
    return ctx.done(await ctx.raw.PUT(UPDATE.path, { params: { path: { id } }, body, ...callInit(ctx, options, UPDATE) }));
  };

  const members = pagedList(ctx, MEMBERS, (query: MembersPageQuery & { groupId: Uuid }, partitionGlobalId, init) =>
    ctx.raw.GET(MEMBERS.path, {
      params: { path: { partitionGlobalId, groupId: query.groupId }, query: { top: query.top, skip: query.skip } },
      ...init,
    }),
  );

  return {
    async list(options) {
      const id = await partitionOf(ctx, options, LIST);
      return ctx.done(await ctx.raw.GET(LIST.path, { params: { path: { id } }, ...callInit(ctx, options, LIST) }));
    },

    get,

    async create(input, options) {
      const name = assertName(input.name, "name");
      const id = input.id === undefined ? crypto.randomUUID() : assertGuid(input.id, "id");
      const members = input.memberIds === undefined ? undefined : assertGuidList(input.memberIds, "memberIds");
      const partitionGlobalId = await partitionOf(ctx, options, CREATE);
      const body = { partitionGlobalId, id, name, ...(members && { directoryUserMemberIDs: members }) };
      const result = await ctx.raw.POST(CREATE.path, { body, ...callInit(ctx, options, CREATE) });
      if (result.response.status === 409 && attemptsFor(result.response) > 1) {
        // An earlier attempt may have created the group before its answer was lost. If the group
        // with our id exists under our name, that was us: return it instead of the conflict.
        const conflict = errorOf(result, ctx.redact);
        try {
          const existing = await get(id, { ...options, partitionGlobalId });
          if (existing.name === name) return existing;
        } catch (error) {
          if (!(error instanceof IdentityApiError && error.kind === "not_found")) throw error;
        }
        throw conflict;
      }
      return ctx.done(result);
    },

    update,
    addMembers: (groupId, userIds, options) => update(groupId, { addMemberIds: userIds }, options),
    removeMembers: (groupId, userIds, options) => update(groupId, { removeMemberIds: userIds }, options),

    ...deletes(ctx, "groupId", "groupIds", {
      one: [DELETE, (path, init) => ctx.raw.DELETE(DELETE.path, { params: { path }, ...init })],
      many: [
        DELETE_MANY,
        (groupIDs, id, init) => ctx.raw.DELETE(DELETE_MANY.path, { params: { path: { id } }, body: { groupIDs }, ...init }),
      ],
    }),

    listMembers: (groupId, options) => members.list({ groupId: assertGuid(groupId, "groupId") }, options),
    listMembersPage: (groupId, query = {}, options) => members.page({ ...query, groupId: assertGuid(groupId, "groupId") }, options),
  };
}
