// The emulator's signing key and its access tokens: RS256 JWTs shaped like IdentityServer's.
// Signing uses node:crypto, not jose, because the handle's `issueToken` is synchronous (users'
// tests call it that way) and jose only signs asynchronously; the compact form is short enough
// to build by hand. Verifying uses jose, so a standard library vouches for every accepted token.
import { generateKeyPair, sign, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { calculateJwkThumbprint, errors, exportJWK, jwtVerify, type JWK } from "jose";

/**
 * The `aud` of every token. The emulator's choice: UiPath does not document its tokens' audience,
 * and this names the service the tokens are for.
 */
export const AUDIENCE = "UiPath.Identity";

/** The claims the emulator writes; `scope` is a JSON array, as IdentityServer writes it. */
export interface AccessClaims {
  iss: string;
  aud: string;
  client_id: string;
  /** A user token's user (the user's id); absent on an application's token. */
  sub?: string;
  /** The organization's partitionGlobalId. */
  prt_id: string;
  scope: string[];
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
}

const generate = promisify(generateKeyPair);

export class SigningKey {
  private constructor(
    /** The key id: the public key's RFC 7638 thumbprint. */
    readonly kid: string,
    private readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
    private readonly publicJwk: JWK,
  ) {}

  /** A fresh RSA key pair; each emulator has its own, so tokens never cross emulators. */
  static async generate(): Promise<SigningKey> {
    const { privateKey, publicKey } = await generate("rsa", { modulusLength: 2048 });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return new SigningKey(kid, privateKey, publicKey, { ...jwk, kid, alg: "RS256", use: "sig" });
  }

  /** A compact JWS (RS256) of the claims. */
  sign(claims: AccessClaims): string {
    const input = `${base64url({ alg: "RS256", typ: "at+jwt", kid: this.kid })}.${base64url(claims)}`;
    return `${input}.${sign("sha256", Buffer.from(input), this.privateKey).toString("base64url")}`;
  }

  /** The JSON Web Key Set published at `.well-known/openid-configuration/jwks`. */
  jwks(): { keys: JWK[] } {
    return { keys: [{ ...this.publicJwk }] };
  }
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export type Verification = { ok: true; claims: AccessClaims } | { ok: false; expired: boolean };

/** Verified tokens kept so repeat calls skip the RSA check; the oldest go first. */
const CACHE_LIMIT = 10_000;

export class TokenVerifier {
  private readonly verified = new Map<string, AccessClaims>();

  constructor(
    private readonly key: SigningKey,
    /** Every API base of the emulator: a token from any of them is the emulator's own. */
    private readonly issuers: () => string[],
    private readonly now: () => number,
  ) {}

  async verify(token: string): Promise<Verification> {
    const known = this.verified.get(token);
    // Expiry is checked on every use, also for a token verified before.
    if (known) return known.exp <= this.nowSeconds() ? { ok: false, expired: true } : { ok: true, claims: known };
    let claims: AccessClaims;
    try {
      const { payload } = await jwtVerify(token, this.key.publicKey, {
        algorithms: ["RS256"],
        issuer: this.issuers(),
        audience: AUDIENCE,
        currentDate: new Date(this.now()),
      });
      if (!isAccessClaims(payload)) return { ok: false, expired: false };
      claims = payload;
    } catch (e) {
      return { ok: false, expired: e instanceof errors.JWTExpired };
    }
    if (this.verified.size >= CACHE_LIMIT) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, claims);
    return { ok: true, claims };
  }

  /** jose's reading of the clock: whole seconds, rounded down. */
  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

function isAccessClaims(p: Record<string, unknown>): p is Record<string, unknown> & AccessClaims {
  return (
    typeof p.prt_id === "string" &&
    typeof p.client_id === "string" &&
    (p.sub === undefined || typeof p.sub === "string") &&
    typeof p.exp === "number" &&
    Array.isArray(p.scope) &&
    p.scope.every((s) => typeof s === "string")
  );
}
