// What is known about a response once the transport is done with it: the method and path it
// answered, and how many attempts it took. The transport writes it; the error builder and the
// resources read it (a retried create that meets "already exists" may have met its own first try;
// a 403 is told apart by what the token carried).
// Kept on the response under a symbol only this module knows: a WeakMap entry per response costs
// more than the rest of this bookkeeping.

export interface ResponseMeta {
  method: string;
  path: string;
  attempts: number;
  /** For a 403: the scopes the token carried and the alternatives the operation accepts, as far as known. */
  scopes?: ScopesOfRefusal | undefined;
}

export interface ScopesOfRefusal {
  sent: string[] | undefined;
  accepted: ReadonlyArray<ReadonlyArray<string>> | undefined;
}

const META = Symbol("uipath-identity-toolkit.response");
type WithMeta = Response & {
  [META]?: { method: string; request: { readonly url: string }; attempts: number; scopes?: ScopesOfRefusal };
};

/** Records what answered; the request is kept as it is, and its path worked out only when asked. */
export function markResponse(response: Response, method: string, request: { readonly url: string }, attempts: number): Response {
  (response as WithMeta)[META] = { method, request, attempts };
  return response;
}

/** Records, for a 403, what the token carried and what the operation accepts (after markResponse). */
export function markScopes(response: Response, scopes: ScopesOfRefusal): void {
  const meta = (response as WithMeta)[META];
  if (meta) meta.scopes = scopes;
}

export function attemptsFor(response: Response): number {
  return (response as WithMeta)[META]?.attempts ?? 1;
}

export function responseMeta(response: Response): ResponseMeta | undefined {
  const meta = (response as WithMeta)[META];
  // The path is worked out only here, for errors: most responses never need it.
  return meta && { method: meta.method, path: pathOf(meta.request.url), attempts: meta.attempts, scopes: meta.scopes };
}

export function pathOf(url: string): string {
  return new URL(url).pathname;
}
