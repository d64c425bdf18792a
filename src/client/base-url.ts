// Turns the deployment options into the API base URL, and refuses plain HTTP to anything but
// this machine: the bearer token and the client secret would otherwise cross the network in clear.
import { IdentityInputError } from "./errors.js";

export const DEFAULT_CLOUD_HOST = "cloud.uipath.com";

export interface DeploymentOptions {
  /** Automation Cloud organization name (the URL segment after the host). */
  organization?: string | undefined;
  /** Automation Cloud host of the organization's region; default cloud.uipath.com. */
  region?: string | undefined;
  /** The API base for Automation Suite (`https://host/{org}/identity_`), standalone (`https://host/identity`) or an emulator. */
  baseUrl?: string | undefined;
  /** Allow `http://` to a host that is not loopback (only for trusted test networks). */
  allowInsecureHttp?: boolean | undefined;
  /**
   * The organization-level unified audit service's base, `https://host/{org}/orgaudit_`. Default:
   * derived from the API base (`…/{org}/identity_` becomes `…/{org}/orgaudit_`); needed only for
   * a base that names no organization (host-level `/identity_`, standalone `/identity`).
   */
  auditBaseUrl?: string | undefined;
}

export function resolveBaseUrl(options: DeploymentOptions): string {
  const { organization, region, baseUrl } = options;
  if ((organization === undefined) === (baseUrl === undefined)) {
    throw new IdentityInputError("baseUrl", "set exactly one of organization (Automation Cloud) or baseUrl");
  }
  if (organization !== undefined) {
    if (typeof organization !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(organization)) {
      throw new IdentityInputError("organization", 'organization must be the organization\'s URL name, such as "acme"');
    }
    const host = region ?? DEFAULT_CLOUD_HOST;
    if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(host)) {
      throw new IdentityInputError("region", "region must be a host name, such as cloud.uipath.com");
    }
    return `https://${host}/${organization}/identity_`;
  }

  let url: URL;
  try {
    url = new URL(baseUrl as string);
  } catch (cause) {
    throw Object.assign(new IdentityInputError("baseUrl", "baseUrl is not a valid absolute URL"), { cause });
  }
  if (url.username || url.password) {
    throw new IdentityInputError("baseUrl", "baseUrl must not carry credentials; use the credentials option");
  }
  if (url.search || url.hash) throw new IdentityInputError("baseUrl", "baseUrl must not have a query or fragment");
  if (url.protocol === "http:" && !isLoopback(url.hostname) && options.allowInsecureHttp !== true) {
    throw new IdentityInputError(
      "baseUrl",
      "baseUrl uses plain http to a non-loopback host; use https, or set allowInsecureHttp: true for a trusted network",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new IdentityInputError("baseUrl", "baseUrl must be an http(s) URL");
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * The audit service's base for these options: the `auditBaseUrl` option (checked as `baseUrl`
 * is), else the API base's organization-level sibling, else undefined (the base names no
 * organization, and the audit calls say so when used).
 */
export function resolveAuditBaseUrl(options: DeploymentOptions, baseUrl: string): string | undefined {
  if (options.auditBaseUrl !== undefined) {
    try {
      return resolveBaseUrl({ baseUrl: options.auditBaseUrl, allowInsecureHttp: options.allowInsecureHttp });
    } catch (error) {
      if (!(error instanceof IdentityInputError)) throw error;
      throw Object.assign(new IdentityInputError("auditBaseUrl", error.message.replace(/^baseUrl/, "auditBaseUrl")), { cause: error });
    }
  }
  const url = new URL(baseUrl);
  const parts = url.pathname.split("/");
  // ["", org, "identity_"]: the organization-level form, the only one with an audit sibling.
  if (parts.length < 3 || parts.at(-1)?.toLowerCase() !== "identity_" || !parts.at(-2)) return undefined;
  parts[parts.length - 1] = "orgaudit_";
  url.pathname = parts.join("/");
  return url.href;
}

export function tokenUrlFor(baseUrl: string): string {
  return `${baseUrl}/connect/token`;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
