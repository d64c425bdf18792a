// ASP.NET Identity's user rules as the emulator applies them: which user names are allowed and
// which names and e-mail addresses are taken. Like Identity's UserValidator it reports every
// broken rule at once, user name first, then e-mail.
import type { OrganizationData } from "./data.js";

export interface IdentityError {
  code: string;
  description: string;
}

/**
 * Identity's default allowed user-name characters. UiPath does not publish its rule; its SDK quotes
 * Identity's stock message, and live user names are e-mail addresses, which this set allows.
 */
const ALLOWED_USER_NAME = /^[A-Za-z0-9\-._@+]+$/;

/** Names and addresses claimed earlier in the same request (a bulk create), lower-cased. */
export interface Pending {
  userNames: Set<string>;
  emails: Set<string>;
}

export function userNameErrors(data: OrganizationData, userName: string, pending?: Pending): IdentityError[] {
  if (!ALLOWED_USER_NAME.test(userName)) {
    return [{ code: "InvalidUserName", description: `User name '${userName}' is invalid, can only contain letters or digits.` }];
  }
  if (data.userNameTaken(userName) || pending?.userNames.has(userName.toLowerCase())) {
    return [{ code: "DuplicateUserName", description: `User name '${userName}' is already taken.` }];
  }
  return [];
}

/** E-mail addresses are unique among users, ignoring case; the empty address (no e-mail) may repeat. */
export function emailErrors(data: OrganizationData, email: string, exceptUserId?: string, pending?: Pending): IdentityError[] {
  if (email === "") return [];
  const owner = data.userByEmail(email);
  if ((owner && owner.id !== exceptUserId) || pending?.emails.has(email.toLowerCase())) {
    return [{ code: "DuplicateEmail", description: emailTakenMessage(email) }];
  }
  return [];
}

export function emailTakenMessage(email: string): string {
  return `Email '${email}' is already taken.`;
}

export function newUserErrors(data: OrganizationData, userName: string, email: string, pending?: Pending): IdentityError[] {
  return [...userNameErrors(data, userName, pending), ...emailErrors(data, email, undefined, pending)];
}
