// Which scopes a call needs, from the contract: each operation's scope alternatives as the
// generated table lists them (generated/scopes.js, made from the document's `security`), found by
// operation for the resource methods and by method and URL for raw calls. Also what a token
// says it carries, for telling a 403's cause.
import { OPERATION_SCOPES } from "../../generated/scopes.js";
import { readClaims } from "./jwt-claims.js";

/** An operation as the generated table names it: `METHOD /path`, as in `paths`. */
export type OperationKey = keyof typeof OPERATION_SCOPES;

/** Sets of scopes, any one of which allows a call (all of a set's scopes together). */
export type ScopeAlternatives = ReadonlyArray<ReadonlyArray<string>>;

/** What one call needs: its operation (for messages) and the scope alternatives that allow it. */
export interface ScopeNeed {
  readonly operation: string;
  readonly alternatives: ScopeAlternatives;
}

const NEEDS = new Map<string, ScopeNeed>(
  Object.entries(OPERATION_SCOPES).map(([operation, alternatives]) => [operation, { operation, alternatives }]),
);

/** The need of one operation of the contract; the same object every time, so it can key a cache. */
export function scopeNeed(key: OperationKey): ScopeNeed {
  return NEEDS.get(key) as ScopeNeed;
}

/**
 * Any call at all: for a token that only has to name the organization (`partitionGlobalId()`
 * before any call). Every alternative the contract names, each once, in its order.
 */
export const ANY_OPERATION: ScopeNeed = {
  operation: "Reading the organization from an access token",
  alternatives: [...new Map([...NEEDS.values()].flatMap((n) => n.alternatives).map((alt) => [alt.join(" "), alt])).values()],
};

/**
 * Finds the operation a request addresses from its method and URL, below the API base `baseUrl`.
 * Unknown requests get a need without alternatives, which the token source reports.
 */
export function operationFinder(baseUrl: string): (method: string, url: string) => ScopeNeed {
  const base = new URL(baseUrl).pathname.replace(/\/+$/, "");
  const templates = [...NEEDS.values()]
    .map((need) => {
      const [method, path] = need.operation.split(" ") as [string, string];
      const segments = path.split("/").map((s) => (s.startsWith("{") ? undefined : s));
      return { method, segments, literals: segments.filter((s) => s !== undefined).length, need };
    })
    // A literal segment beats a parameter: /api/User/BulkCreate is tried before /api/User/{userId}.
    .sort((a, b) => b.literals - a.literals);
  return (method, url) => {
    const pathname = new URL(url).pathname;
    const path = pathname.startsWith(base) ? pathname.slice(base.length) : pathname;
    const segments = path.split("/");
    const upper = method.toUpperCase();
    const found = templates.find(
      (t) =>
        t.method === upper && t.segments.length === segments.length && t.segments.every((s, i) => s === undefined || s === segments[i]),
    );
    return found?.need ?? { operation: `${upper} ${path}`, alternatives: [] };
  };
}

/** The scopes an access token names (its `scope` claim, an array or a space-separated string); undefined for an opaque token. */
export function readScopeClaim(token: string): string[] | undefined {
  // Not a JWT: it names nothing the client can read.
  const scope = readClaims(token)?.scope;
  if (typeof scope === "string") return scope.split(" ").filter(Boolean);
  return Array.isArray(scope) && scope.every((s) => typeof s === "string") ? scope : undefined;
}

/** Whether `had` holds every scope of one of the alternatives. */
export function covers(had: readonly string[], alternatives: ScopeAlternatives): boolean {
  return alternatives.some((alt) => alt.every((s) => had.includes(s)));
}

/** "A", "A or B", "A, B or C"; a set of several scopes reads "A + B". */
export function describeAlternatives(alternatives: ScopeAlternatives): string {
  const names = alternatives.map((alt) => alt.join(" + "));
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}
