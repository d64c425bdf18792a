// What is known about a response once the transport is done with it: the method and path it
// answered, and how many attempts it took. The transport writes it; the error builder and the
// resources read it (a retried create that meets "already exists" may have met its own first try).
// Kept on the response under a symbol only this module knows: a WeakMap entry per response costs
// more than the rest of this bookkeeping.

export interface ResponseMeta {
  method: string;
  path: string;
  attempts: number;
}

const META = Symbol("uipath-identity-toolkit.response");
type WithMeta = Response & { [META]?: { method: string; request: { readonly url: string }; attempts: number } };

/** Records what answered; the request is kept as it is, and its path worked out only when asked. */
export function markResponse(response: Response, method: string, request: { readonly url: string }, attempts: number): Response {
  (response as WithMeta)[META] = { method, request, attempts };
  return response;
}

export function attemptsFor(response: Response): number {
  return (response as WithMeta)[META]?.attempts ?? 1;
}

export function responseMeta(response: Response): ResponseMeta | undefined {
  const meta = (response as WithMeta)[META];
  // The path is worked out only here, for errors: most responses never need it.
  return meta && { method: meta.method, path: pathOf(meta.request.url), attempts: meta.attempts };
}

export function pathOf(url: string): string {
  return new URL(url).pathname;
}
