// Directory lookups: what a person types (a name prefix, an e-mail address, a group name) turned
// into the GUIDs the other endpoints take. Not in UiPath's published document (see the contract).
import { IdentityInputError } from "../errors.js";
import type { DirectoryEntity, DirectorySearchQuery, DirectorySearchResult, ResolveDirectoryNames } from "../types.js";
import { assertName } from "../validate.js";
import { callInit, operation, partitionOf, type CallOptions, type ResourceContext } from "./shared.js";

/** Where a search looks: `localUsers`, `directoryUsers`, `localGroups`, `directoryGroups`, `robotAccounts`, `applications`. */
export type DirectorySource = NonNullable<DirectorySearchQuery["sourceFilter"]>[number];
/** What `resolve` looks names up as. */
export type DirectoryEntityKind = ResolveDirectoryNames["entityType"];

export interface DirectorySearchOptions {
  /** Only these sources; all of them when omitted. */
  types?: DirectorySource[];
  /** Only this kind of entity. */
  entityType?: DirectoryEntityKind;
}

export interface DirectoryResource {
  /**
   * Users, groups, robot accounts and applications whose name starts with `prefix` (one request,
   * no paging). Scopes: PM.Directory or PM.Directory.Read. Rate-limit class: GET.
   */
  search(prefix: string, query?: DirectorySearchOptions, options?: CallOptions): Promise<DirectorySearchResult[]>;
  /**
   * Looks many names up in one request: users by user name or e-mail address, groups by name,
   * ignoring case. Every given name is a key of the result, mapped to what it names or to
   * `undefined`. Scopes: PM.Directory or PM.Directory.Read. Rate-limit class: POST (the largest budget).
   */
  resolve(names: string[], type: DirectoryEntityKind, options?: CallOptions): Promise<Map<string, DirectoryEntity | undefined>>;
}

const KINDS: ReadonlySet<string> = new Set(["user", "group", "application"]);
const SEARCH = operation("GET /api/Directory/Search/{partitionGlobalId}");
// A lookup changes nothing, so repeating it is always safe.
const RESOLVE = operation("POST /api/Directory/BulkResolveByName/{partitionGlobalId}", "idempotent");

export function createDirectoryResource(ctx: ResourceContext): DirectoryResource {
  return {
    async search(prefix, query = {}, options) {
      const startsWith = assertName(prefix, "prefix");
      if (query.entityType !== undefined && !KINDS.has(query.entityType)) {
        throw new IdentityInputError(
          "entityType",
          `entityType must be user, group or application, got ${JSON.stringify(query.entityType)}`,
        );
      }
      const partitionGlobalId = await partitionOf(ctx, options, SEARCH);
      return ctx.done(
        await ctx.raw.GET(SEARCH.path, {
          params: { path: { partitionGlobalId }, query: { startsWith, entityType: query.entityType, sourceFilter: query.types } },
          ...callInit(ctx, options, SEARCH),
        }),
      );
    },

    async resolve(names, type, options) {
      if (!Array.isArray(names)) throw new IdentityInputError("names", "names must be an array of strings");
      if (!KINDS.has(type)) {
        // Robot accounts cannot be resolved by name on the service; say what works instead.
        throw new IdentityInputError(
          "type",
          `type must be user, group or application, got ${JSON.stringify(type)} (find robot accounts with search or robotAccounts.list)`,
        );
      }
      const unique = [...new Set(names.map((n, i) => assertName(n, `names[${i}]`)))];
      const found = new Map<string, DirectoryEntity | undefined>();
      if (unique.length === 0) return found;
      const partitionGlobalId = await partitionOf(ctx, options, RESOLVE);
      const answer = ctx.done(
        await ctx.raw.POST(RESOLVE.path, {
          params: { path: { partitionGlobalId } },
          body: { entityNames: unique, entityType: type },
          ...callInit(ctx, options, RESOLVE),
        }),
      );
      // Keys come back as given; match without case as well, in case a deployment normalises them.
      const byLower = new Map(Object.entries(answer).map(([k, v]) => [k.toLowerCase(), v]));
      for (const name of unique) found.set(name, answer[name] ?? byLower.get(name.toLowerCase()) ?? undefined);
      return found;
    },
  };
}
