// Which organization (partitionGlobalId) a call acts on: the one the caller named, or the one the
// access token was issued for. UiPath's tokens are JWTs whose `prt_id` claim is the organization's
// id, so most callers never need to look the GUID up. The claim is only read, not verified: the
// service verifies the token, and a wrong id here could only make the service refuse the call.
import type { TokenSource } from "./auth.js";
import { IdentityApiError, IdentityInputError } from "./errors.js";
import { readClaims } from "./jwt-claims.js";
import type { ScopeNeed } from "./scopes.js";
import { NEVER_ABORTS } from "./signals.js";
import { assertGuid, isGuid } from "./validate.js";

export interface OrganizationSource {
  /**
   * The organization of a call: `explicit` (the call's own, else the client's) when given, else
   * the token's `prt_id`. Throws IdentityInputError when neither is known, or when an explicit id
   * names another organization than the token was issued for (the service would refuse it).
   * `need` is what the call about to be made accepts, so a token fetched here is the one it sends.
   */
  resolve(explicit: string | undefined, signal?: AbortSignal, need?: ScopeNeed): Promise<string>;
}

export function createOrganizationSource(clientDefault: string | undefined, tokens: () => TokenSource): OrganizationSource {
  // Decoding is cheap, but a call should not pay it again while the token is unchanged.
  let lastToken: string | undefined;
  let lastClaim: string | undefined;
  const claimOf = (token: string): string | undefined => {
    if (token !== lastToken) {
      lastToken = token;
      lastClaim = readPartitionClaim(token);
    }
    return lastClaim;
  };

  return {
    async resolve(explicit, signal, need) {
      const given = explicit === undefined ? clientDefault : assertGuid(explicit, "partitionGlobalId");
      const source = tokens();
      const known = source.current();
      if (given !== undefined) {
        // Checked against the token in hand only: fetching one just for this check would cost a
        // request (or a provider call) that a correct configuration never needs.
        const claimed = known === undefined ? undefined : claimOf(known);
        if (claimed !== undefined && claimed !== given.toLowerCase()) {
          throw new IdentityInputError(
            "partitionGlobalId",
            `partitionGlobalId ${given} is not the token's organization (prt_id ${claimed}): ` +
              "leave it out, or use that organization's credentials",
          );
        }
        return given;
      }
      // The token the send will use anyway: a cached one costs nothing, a first call fetches it once.
      const claimed = claimOf(known ?? (await tokenFor(source, signal, need)));
      if (claimed === undefined) {
        throw new IdentityInputError(
          "partitionGlobalId",
          "partitionGlobalId is missing and the access token does not name an organization (no prt_id claim, as with " +
            "some personal or non-UiPath tokens): set partitionGlobalId on createIdentityClient or pass it with the call",
        );
      }
      return claimed;
    },
  };
}

async function tokenFor(source: TokenSource, signal: AbortSignal | undefined, need: ScopeNeed | undefined): Promise<string> {
  try {
    return await source.getToken(signal ?? NEVER_ABORTS, undefined, need);
  } catch (cause) {
    if (!signal?.aborted) throw cause;
    // The same error a send aborted while waiting for its token gives.
    throw new IdentityApiError({
      kind: "aborted",
      message: "The call was aborted while the access token that names its organization was fetched",
      method: "",
      path: "",
      attempts: 0,
      cause,
    });
  }
}

/** The organization id a UiPath access token names, lower-cased; undefined when it is not a JWT or has none. */
export function readPartitionClaim(token: string): string | undefined {
  // Not a JWT (an opaque token, say): it simply names no organization.
  const claim = readClaims(token)?.prt_id;
  return isGuid(claim) ? claim.toLowerCase() : undefined;
}
