// Fixed ids for the reliability suite.

export const ORG_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

/** A GUID whose last group is the counter; `prefix` (0..0xffff) keeps families of ids apart. */
export function guid(prefix: number, n: number): string {
  return `00000000-${prefix.toString(16).padStart(4, "0")}-4000-8000-${n.toString(16).padStart(12, "0")}`;
}
