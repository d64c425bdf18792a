// The failure an operation reports; the server turns it into the real service's wire shape.
import type { FieldErrors } from "./validator.js";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    /** Model-validation errors (400), keyed by field. */
    readonly errors?: FieldErrors,
    /** Identity-operation failures (400), sent as an IdentityResult like ASP.NET Identity's. */
    readonly identityErrors?: Array<{ code: string; description: string }>,
  ) {
    super(detail ?? title);
    this.name = "ApiError";
  }
}

export const notFound = (detail: string) => new ApiError(404, "Not Found", detail);
export const conflict = (detail: string) => new ApiError(409, "Conflict", detail);
/** What ASP.NET Identity answers when a user (robot accounts are users) cannot be created. */
export const identityFailure = (code: string, description: string) => identityFailures([{ code, description }]);
export const identityFailures = (errors: Array<{ code: string; description: string }>) =>
  new ApiError(400, "Bad Request", errors[0]?.description, undefined, errors);
export const invalid = (field: string, message: string) =>
  new ApiError(400, "One or more validation errors occurred.", undefined, { [field]: [message] });
