// What a person reads for an API failure about scopes: the advice depends on whether the token
// lacked the scope or the service refused one it had, and on where the scopes came from.
import { describe, expect, it } from "@jest/globals";
import { IdentityApiError } from "../../src/client/index.js";
import { describeFailure } from "../../src/cli/failures.js";

const forbidden = (extra: Partial<ConstructorParameters<typeof IdentityApiError>[0]> = {}) =>
  new IdentityApiError({
    kind: "forbidden",
    message: "GET /hogwarts/identity_/api/User/users/x failed with 403 Forbidden",
    method: "GET",
    path: "/hogwarts/identity_/api/User/users/x",
    status: 403,
    attempts: 1,
    acceptedScopes: ["PM.User", "PM.User.Read"],
    ...extra,
  });

describe("403 messages", () => {
  it("the token lacked the scope and the settings named the scopes: grant it, and add it to UIPATH_SCOPES", () => {
    const error = forbidden({ tokenScopes: ["PM.Group"], tokenHadScope: false });
    expect(describeFailure(error, { scopesGiven: true })).toEqual({
      message:
        "Permission denied for GET /hogwarts/identity_/api/User/users/x (403): grant the External Application one of PM.User, PM.User.Read and add it to UIPATH_SCOPES.",
      exitCode: 1,
    });
  });

  it("the token lacked the scope although it came from the contract: grant it (nothing to add to UIPATH_SCOPES)", () => {
    const error = forbidden({ tokenScopes: ["PM.Group"], tokenHadScope: false });
    expect(describeFailure(error, { scopesGiven: false }).message).toBe(
      "Permission denied for GET /hogwarts/identity_/api/User/users/x (403): grant the External Application one of PM.User, PM.User.Read.",
    );
  });

  it("the service refused a scope the token had: granting will not help", () => {
    const error = forbidden({ tokenScopes: ["PM.User"], tokenHadScope: true, serverMessage: "Not an administrator" });
    expect(describeFailure(error, { scopesGiven: false }).message).toBe(
      "Permission denied for GET /hogwarts/identity_/api/User/users/x (403): the token carries PM.User, which the operation " +
        "accepts, yet the service refused it, so granting scopes will not help. The service said: Not an administrator",
    );
  });
});
