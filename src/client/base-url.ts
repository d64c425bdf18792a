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

export function tokenUrlFor(baseUrl: string): string {
  return `${baseUrl}/connect/token`;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
