// A user's `type` arrives as the integer the live service sends (0–5) or, from older documents and
// other tools, as its name. This gives the name either way, so callers compare one form.
import type { UserType } from "./types.js";

/** UserType's names, in the order of the integers the live service sends (0 `user` … 5 `application`). */
export const USER_TYPE_NAMES = [
  "user",
  "robot",
  "directoryUser",
  "directoryGroup",
  "robotAccount",
  "application",
] as const satisfies readonly Extract<UserType, string>[];

/** One of UserType's names: `user`, `robot`, `directoryUser`, `directoryGroup`, `robotAccount`, `application`. */
export type UserTypeName = (typeof USER_TYPE_NAMES)[number];

/** The name of a user type, whichever form it came in; undefined for an integer this version does not know. */
// UserType lists the known integers; number admits later ones.
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
export function userTypeName(type: UserType | number): UserTypeName | undefined {
  return typeof type === "number" ? USER_TYPE_NAMES[type] : type;
}
