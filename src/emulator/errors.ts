// The failure an operation reports; the server turns it into the real service's wire shape.
import type { FieldErrors } from "./validator.js";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    /** Model-validation errors (400), keyed by field. */
    readonly errors?: FieldErrors,
  ) {
    super(detail ?? title);
    this.name = "ApiError";
  }
}

export const notFound = (detail: string) => new ApiError(404, "Not Found", detail);
export const conflict = (detail: string) => new ApiError(409, "Conflict", detail);
export const invalid = (field: string, message: string) =>
  new ApiError(400, "One or more validation errors occurred.", undefined, { [field]: [message] });
