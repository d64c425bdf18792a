// OpenID Connect discovery at each API base, at IdentityServer's paths, so a third party can find
// the token endpoint and the keys that verify the emulator's tokens.
import { PM_SCOPES } from "./options.js";

export const DISCOVERY_PATH = "/.well-known/openid-configuration";
export const JWKS_PATH = `${DISCOVERY_PATH}/jwks`;

export function openidConfiguration(base: string): Record<string, unknown> {
  return {
    issuer: base,
    jwks_uri: `${base}${JWKS_PATH}`,
    token_endpoint: `${base}/connect/token`,
    scopes_supported: [...PM_SCOPES],
    grant_types_supported: ["client_credentials"],
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
    // The discovery format requires the next three; the emulator has no authorization endpoint
    // and issues no id tokens, so they describe what a token request can get.
    response_types_supported: ["token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
  };
}
