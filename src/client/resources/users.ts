// User operations. The service answers creates and updates with an identity result instead of the
// user, so creates choose the id here and read the user back; refusals (`succeeded: false`) throw
// whatever the status. `findByEmail` turns an address into exactly one user, or says why it cannot.
import { IdentityApiError, IdentityInputError, IdentityLookupError, type LookupCandidate } from "../errors.js";
import type { PagedIterable } from "../paging.js";
import { scrub } from "../redact.js";
import { attemptsFor } from "../response-meta.js";
import type { InvitedUser, NewUser, SortOrder, UpdateUser, User, UserPage, UserType, Uuid } from "../types.js";
import { assertGuid, assertGuidList, assertName } from "../validate.js";
import {
  callInit,
  deleted,
  deleteMany,
  identityOutcome,
  operation,
  pagedList,
  partitionOf,
  searchQuery,
  type CallOptions,
  type ResourceContext,
} from "./shared.js";

export interface UserSearch {
  /** Only users whose user name, e-mail address, first or last name or display name contains this text. */
  search?: string;
  /**
   * A field name in PascalCase: `UserName`, `Email`, `Name`, `Surname`, `DisplayName`,
   * `CreationTime`, `LastLoginTime`, ... `list` sorts by `Id` unless told otherwise, so that pages do
   * not shift while it runs.
   */
  sortBy?: string;
  sortOrder?: SortOrder;
}

export interface UserPageQuery extends UserSearch {
  /** Items per page, 0 to 1000 (the service's default is 10). */
  top?: number;
  skip?: number;
}

export interface ListUsersOptions extends CallOptions {
  /** Page size used under the hood; default 1000, the most the service allows. */
  pageSize?: number;
}

/** A page of users; `results` is never null here (the service may send null for none). */
export type UserResults = Omit<UserPage, "results"> & { results: User[] };

export interface NewUserInput {
  /** The e-mail address, also the user name unless `userName` is given. `""` for a user without one. */
  email?: string;
  /** The sign-in name; default: `email`. */
  userName?: string;
  /** First name. */
  name?: string;
  /** Last name. */
  surname?: string;
  displayName?: string;
  /** The new user's id; a random GUID when omitted (the client reads the user back by it). */
  id?: Uuid;
  /** Default 0 (a user). */
  type?: UserType;
  bypassBasicAuthRestriction?: boolean;
}

export interface CreateUserInput extends NewUserInput {
  /** An initial password, for local users who sign in with one. Never repeated in errors. */
  password?: string;
  /** Whether the organization's password rules apply to `password`; default true when one is given. */
  validatePassword?: boolean;
  /** Groups the new user joins. */
  groupIds?: Uuid[];
}

export interface CreateUsersInput {
  users: NewUserInput[];
  /** Groups every new user joins. */
  groupIds?: Uuid[];
}

export interface UpdateUserInput {
  name?: string;
  surname?: string;
  displayName?: string;
  email?: string;
  /** False stops the user from signing in. */
  isActive?: boolean;
  /** A new password, set by an administrator. Never repeated in errors. */
  password?: string;
  addToGroupIds?: Uuid[];
  removeFromGroupIds?: Uuid[];
  bypassBasicAuthRestriction?: boolean;
  invitationAccepted?: boolean;
  /** Custom attributes to set, by name. */
  setAttributes?: Record<string, string>;
  /** Names of custom attributes to remove. */
  removeAttributes?: string[];
}

export interface InviteInput {
  email: string;
  name?: string;
  surname?: string;
  /** The language of the invitation e-mail; default "en". */
  language?: string;
  /** Groups the invited user joins. */
  groupIds?: Uuid[];
  /**
   * The accept-invitation link the e-mail carries. Default: the organization's page on the portal
   * of the base URL's host (`/portal_/acceptInvite?...`), which is what the service accepts; a
   * base URL without an organization segment has no default.
   */
  redirectUrl?: string;
}

export interface UsersResource {
  /** Every matching user, fetched lazily 1000 at a time. Scopes: PM.User or PM.User.Read. */
  list(search?: UserSearch, options?: ListUsersOptions): PagedIterable<User>;
  /** One page with the total count. */
  listPage(query?: UserPageQuery, options?: CallOptions): Promise<UserResults>;
  /** One user by id. Scopes: PM.User or PM.User.Read. */
  get(userId: Uuid, options?: CallOptions): Promise<User>;
  /**
   * The one user whose e-mail address (or, failing that, user name) is `email`, ignoring case.
   * Throws IdentityLookupError when no user or several users match. Scopes: PM.User or PM.User.Read.
   */
  findByEmail(email: string, options?: CallOptions): Promise<User>;
  /**
   * Creates a user and returns it as stored. The id is chosen here, so a retried create is
   * recognised instead of failing on its own user name; the user is then read back by id (one GET).
   * A refusal throws IdentityApiError with `errorCodes` such as `DuplicateUserName` or
   * `DuplicateEmail`. Scopes: PM.User or PM.User.Write (+ Read for the read-back).
   */
  create(input: CreateUserInput, options?: CallOptions): Promise<User>;
  /**
   * Creates several users, all or none, and returns them as created (from the answer, or read back
   * when the service leaves them out). Scopes: PM.User or PM.User.Write.
   */
  createMany(input: CreateUsersInput, options?: CallOptions): Promise<User[]>;
  /**
   * Invites people by e-mail; each entry of the answer says whether its invitation worked
   * (`success`, `errorMsg`): one can fail while the others succeed. Scopes: PM.User or PM.User.Write.
   */
  invite(invitations: InviteInput[], options?: CallOptions): Promise<InvitedUser[]>;
  /** Changes the given fields and group memberships; others keep their values. Scopes: PM.User or PM.User.Write. */
  update(userId: Uuid, changes: UpdateUserInput, options?: CallOptions): Promise<void>;
  /** Deletes one user. Scopes: PM.User or PM.User.Write. */
  delete(userId: Uuid, options?: CallOptions): Promise<void>;
  /** Deletes several users in one request (no request for an empty list). */
  deleteMany(userIds: Uuid[], options?: CallOptions): Promise<void>;
}

const LIST = operation("GET /api/User/users/{partitionGlobalId}"); // list, listPage, findByEmail
const GET = operation("GET /api/User/{userId}"); // get; creates read the new users back
// The ids are ours, so repeating a create cannot make a second user: retry it like a PUT.
const CREATE = operation("POST /api/User", "idempotent");
const CREATE_MANY = operation("POST /api/User/BulkCreate", "idempotent");
// The service picks the new users' ids, so a repeat after it may have acted could invite twice.
const INVITE = operation("POST /api/User/InviteUsers", "unsafe");
const UPDATE = operation("PUT /api/User/{userId}");
const DELETE = operation("DELETE /api/User/{userId}");
const DELETE_MANY = operation("DELETE /api/User");

const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** The service's code for a taken user name: what a repeated create meets. */
const DUPLICATE_USER_NAME = "DuplicateUserName";

export function createUsersResource(ctx: ResourceContext): UsersResource {
  /** Server text is scrubbed of the call's own secrets (a password) as well as the client's. */
  const redactWith = (secrets: Array<string | undefined>) => {
    const extra = secrets.filter((s): s is string => typeof s === "string" && s !== "");
    return extra.length === 0 ? ctx.redact : (text: string) => scrub(ctx.redact(text), extra);
  };

  const get = async (userId: Uuid, options?: CallOptions): Promise<User> => {
    const path = { userId: assertGuid(userId, "userId") };
    return ctx.done(await ctx.raw.GET(GET.path, { params: { path }, ...callInit(ctx, options, GET) }));
  };

  const users = pagedList(ctx, LIST, (query: UserPageQuery, partitionGlobalId, init) =>
    ctx.raw.GET(LIST.path, { params: { path: { partitionGlobalId }, query: searchQuery(query) }, ...init }),
  );
  const listPage = (query: UserPageQuery = {}, options?: CallOptions): Promise<UserResults> => users.page(query, options);
  const list = (search: UserSearch = {}, options?: ListUsersOptions): PagedIterable<User> =>
    users.list({ ...search, sortBy: search.sortBy ?? "Id" }, options);

  /** A user just created with `id`: read back by id, or by user name if the service chose its own id. */
  const readCreated = async (id: string, userName: string, options?: CallOptions): Promise<User | undefined> => {
    try {
      return await get(id, options);
    } catch (error) {
      if (!(error instanceof IdentityApiError && error.kind === "not_found")) throw error;
    }
    for await (const user of list({ search: userName }, options)) {
      if (same(user.userName, userName)) return user;
    }
    return undefined;
  };

  return {
    list,
    listPage,
    get,

    async findByEmail(email, options) {
      const wanted = assertName(email, "email").trim();
      const matches: User[] = [];
      const nearest: User[] = [];
      for await (const user of list({ search: wanted }, options)) {
        if (same(user.email, wanted) || same(user.userName, wanted)) matches.push(user);
        else if (nearest.length < 5) nearest.push(user);
      }
      if (matches.length === 1) return matches[0] as User;
      const local = wanted.split("@")[0] ?? "";
      if (matches.length === 0 && nearest.length === 0 && local !== "" && local !== wanted) {
        // Nothing contains the whole address: the part before the @ finds who was probably meant.
        nearest.push(...(await listPage({ search: local, top: 5 }, options)).results);
      }
      const kind = matches.length === 0 ? "not_found" : "ambiguous";
      throw new IdentityLookupError(kind, "user", wanted, (kind === "ambiguous" ? matches : nearest).map(candidate), "e-mail address");
    },

    async create(input, options) {
      const user = newUserBody(input, "");
      if (input.password !== undefined && typeof input.password !== "string") {
        throw new IdentityInputError("password", "password must be a string");
      }
      const groupIDs = input.groupIds === undefined ? undefined : assertGuidList(input.groupIds, "groupIds");
      const partitionGlobalId = await partitionOf(ctx, options, CREATE);
      const body = {
        ...user,
        partitionGlobalId,
        ...(input.password !== undefined && {
          password: input.password,
          validatePassword: input.validatePassword ?? true,
        }),
        ...(groupIDs && { groupIDs }),
      };
      const redact = redactWith([input.password]);
      const result = await ctx.raw.POST(CREATE.path, { body, ...callInit(ctx, options, CREATE) });
      try {
        identityOutcome(result, redact);
      } catch (error) {
        // An earlier attempt may have created the user before its answer was lost: the repeat then
        // meets its own user name. If the user with our id has that name, that was us.
        if (attemptsFor(result.response) > 1 && error instanceof IdentityApiError && error.errorCodes?.includes(DUPLICATE_USER_NAME)) {
          const existing = await readCreated(user.id, user.userName, options);
          if (existing && existing.id.toLowerCase() === user.id && same(existing.userName, user.userName)) return existing;
        }
        throw error;
      }
      const created = await readCreated(user.id, user.userName, options);
      if (!created) throw unreadable("POST", "/api/User", [user.userName]);
      return created;
    },

    async createMany(input, options) {
      if (!input || !Array.isArray(input.users)) {
        throw new IdentityInputError("users", "createMany needs { users: [...] }, an array of new users");
      }
      const users = input.users.map((u, i) => newUserBody(u, `users[${i}].`));
      if (users.length === 0) return [];
      const groupIDs = input.groupIds === undefined ? undefined : assertGuidList(input.groupIds, "groupIds");
      const partitionGlobalId = await partitionOf(ctx, options, CREATE_MANY);
      const body = { partitionGlobalId, users, ...(groupIDs && { groupIDs }) };
      const result = await ctx.raw.POST(CREATE_MANY.path, { body, ...callInit(ctx, options, CREATE_MANY) });
      const readAll = async (): Promise<User[] | undefined> => {
        const found: User[] = [];
        for (const u of users) {
          const user = await readCreated(u.id, u.userName, options);
          if (!user) return undefined;
          found.push(user);
        }
        return found;
      };
      let data;
      try {
        data = identityOutcome(result, ctx.redact, (d) => ("result" in d ? d.result : d));
      } catch (error) {
        // All or none: if a repeated request meets its own user names, the first attempt made them all.
        if (attemptsFor(result.response) > 1 && error instanceof IdentityApiError && error.errorCodes?.includes(DUPLICATE_USER_NAME)) {
          const existing = await readAll();
          if (existing && existing.every((u, i) => u.id.toLowerCase() === users[i]?.id)) return existing;
        }
        throw error;
      }
      if ("users" in data && Array.isArray(data.users)) return data.users;
      // An answer with only the identity result (as UiPath's document declares it): read them back.
      const created = await readAll();
      if (!created)
        throw unreadable(
          "POST",
          "/api/User/BulkCreate",
          users.map((u) => u.userName),
        );
      return created;
    },

    async invite(invitations, options) {
      if (!Array.isArray(invitations)) throw new IdentityInputError("invitations", "invite needs an array of invitations");
      if (invitations.length === 0) return [];
      const entries = invitations.map((inv, i) => {
        const email = assertName(inv?.email, `invitations[${i}].email`);
        if (!EMAIL.test(email))
          throw new IdentityInputError(
            `invitations[${i}].email`,
            `invitations[${i}].email is not an e-mail address: ${JSON.stringify(email)}`,
          );
        const groupIDs = inv.groupIds === undefined ? undefined : assertGuidList(inv.groupIds, `invitations[${i}].groupIds`);
        if (inv.redirectUrl !== undefined) assertName(inv.redirectUrl, `invitations[${i}].redirectUrl`);
        return { inv, email, groupIDs };
      });
      const needsLink = entries.some((e) => e.inv.redirectUrl === undefined);
      const organization = needsLink ? organizationName(ctx.baseUrl) : undefined;
      const partitionGlobalId = needsLink ? await partitionOf(ctx, options, INVITE) : undefined;
      const body = entries.map(({ inv, email, groupIDs }) => {
        const language = inv.language ?? "en";
        return {
          email,
          redirectUrl:
            inv.redirectUrl ?? acceptInviteUrl(ctx.baseUrl, partitionGlobalId as string, organization as string, email, language),
          language,
          ...(inv.name !== undefined && { name: inv.name }),
          ...(inv.surname !== undefined && { surname: inv.surname }),
          ...(groupIDs && { groupIDs }),
        };
      });
      const result = await ctx.raw.POST(INVITE.path, { body, ...callInit(ctx, options, INVITE) });
      // The identity result is `result`; an answer that is a bare identity result is read as one.
      return identityOutcome(result, ctx.redact, (d) => ("result" in d ? d.result : d)).users ?? [];
    },

    async update(userId, changes, options) {
      const userPath = { userId: assertGuid(userId, "userId") };
      const body = updateBody(changes);
      const redact = redactWith([changes.password]);
      identityOutcome(await ctx.raw.PUT(UPDATE.path, { params: { path: userPath }, body, ...callInit(ctx, options, UPDATE) }), redact);
    },

    async delete(userId, options) {
      const path = { userId: assertGuid(userId, "userId") };
      deleted(await ctx.raw.DELETE(DELETE.path, { params: { path }, ...callInit(ctx, options, DELETE) }), ctx.redact);
    },

    deleteMany: (userIds, options) =>
      deleteMany(ctx, DELETE_MANY, "userIds", userIds, options, (ids, partitionGlobalId, init) =>
        ctx.raw.DELETE(DELETE_MANY.path, { body: { partitionGlobalId, userIds: ids }, ...init }),
      ),
  };
}

/** The wire form of one new user, checked; the id chosen here when not given. */
function newUserBody(input: NewUserInput, at: string): NewUser & { id: string; userName: string } {
  if (!input || typeof input !== "object") throw new IdentityInputError(at || "input", `${at || "input"} must be an object`);
  if (input.email !== undefined) {
    if (typeof input.email !== "string" || (input.email !== "" && !EMAIL.test(input.email))) {
      throw new IdentityInputError(`${at}email`, `${at}email must be an e-mail address or "", got ${JSON.stringify(input.email)}`);
    }
  }
  const userName = input.userName ?? (input.email ? input.email : undefined);
  if (userName === undefined) {
    throw new IdentityInputError(
      `${at}userName`,
      `${at}userName is needed when there is no email (the user name defaults to the e-mail address)`,
    );
  }
  assertName(userName, `${at}userName`);
  const id = input.id === undefined ? crypto.randomUUID() : assertGuid(input.id, `${at}id`).toLowerCase();
  return {
    id,
    userName,
    type: input.type ?? 0,
    ...(input.email !== undefined && { email: input.email }),
    ...(input.name !== undefined && { name: input.name }),
    ...(input.surname !== undefined && { surname: input.surname }),
    ...(input.displayName !== undefined && { displayName: input.displayName }),
    ...(input.bypassBasicAuthRestriction !== undefined && { bypassBasicAuthRestriction: input.bypassBasicAuthRestriction }),
  };
}

function updateBody(changes: UpdateUserInput): UpdateUser {
  if (!changes || typeof changes !== "object" || Object.values(changes).every((v) => v === undefined)) {
    throw new IdentityInputError("changes", "update needs at least one change (a name, email, group, flag or attribute)");
  }
  if (changes.email !== undefined && changes.email !== "" && !EMAIL.test(changes.email)) {
    throw new IdentityInputError("email", `email must be an e-mail address or "", got ${JSON.stringify(changes.email)}`);
  }
  const { addToGroupIds, removeFromGroupIds, setAttributes, removeAttributes, ...fields } = changes;
  const body: UpdateUser = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  if (addToGroupIds !== undefined) body.groupIDsToAdd = assertGuidList(addToGroupIds, "addToGroupIds");
  if (removeFromGroupIds !== undefined) body.groupIDsToRemove = assertGuidList(removeFromGroupIds, "removeFromGroupIds");
  if (setAttributes !== undefined) body.extensionUserAttributesToAddOrUpdate = setAttributes;
  if (removeAttributes !== undefined) body.extensionUserAttributesToRemove = removeAttributes;
  return body;
}

/** The organization's URL name from an organization-level base (`https://host/{org}/identity_`). */
function organizationName(baseUrl: string): string {
  const segments = new URL(baseUrl).pathname.split("/").filter(Boolean);
  if (segments.length >= 2 && segments.at(-1) === "identity_") return decodeURIComponent(segments.at(-2) as string);
  throw new IdentityInputError(
    "redirectUrl",
    "redirectUrl is needed: the base URL has no organization segment, so the organization's accept-invitation page cannot be derived",
  );
}

/** The portal's accept-invitation page, the only link the service lets an invitation carry. */
function acceptInviteUrl(baseUrl: string, partitionGlobalId: string, organization: string, email: string, language: string): string {
  const query = new URLSearchParams({
    organizationId: partitionGlobalId,
    emailForUserinvite: email,
    organizationName: organization,
    language,
  });
  return `${new URL(baseUrl).origin}/portal_/acceptInvite?${query}`;
}

function same(a: string | null | undefined, b: string): boolean {
  return typeof a === "string" && a.trim().toLowerCase() === b.toLowerCase();
}

function candidate(user: User): LookupCandidate {
  return { id: user.id, name: user.userName ?? user.email ?? user.id, email: user.email, displayName: user.displayName };
}

/** The service said it created users that cannot then be found: report it, do not guess. */
function unreadable(method: string, path: string, names: string[]): IdentityApiError {
  return new IdentityApiError({
    kind: "server",
    message: `${method} ${path} reported success, but the new user(s) ${names.join(", ")} could not be read back`,
    method,
    path,
    attempts: 1,
  });
}
