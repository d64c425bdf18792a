// Names for the wire types, all taken from the generated contract types (never restated).
import type { components, operations, paths } from "../../generated/schema.js";

export type { components, operations, paths };

type Schemas = components["schemas"];

export type Uuid = Schemas["Uuid"];
export type Group = Schemas["Group"];
export type GroupType = Schemas["GroupType"];
export type DirectoryEntity = Schemas["DirectoryEntity"];
export type GroupMember = Schemas["GroupMember"];
export type GroupMemberPage = Schemas["GroupMemberPage"];
export type CreateGroup = Schemas["CreateGroup"];
export type UpdateGroup = Schemas["UpdateGroup"];
export type RobotAccount = Schemas["RobotAccount"];
export type RobotAccountPage = Schemas["RobotAccountPage"];
export type CreateRobotAccount = Schemas["CreateRobotAccount"];
export type UpdateRobotAccount = Schemas["UpdateRobotAccount"];
export type SortOrder = Schemas["SortOrder"];
export type ProblemDetails = Schemas["ProblemDetails"];
export type ValidationProblem = Schemas["ValidationProblem"];
export type IdentityResult = Schemas["IdentityResult"];
export type ScopeError = Schemas["ScopeError"];
export type User = Schemas["User"];
export type UserPage = Schemas["UserPage"];
export type UserType = Schemas["UserType"];
export type NewUser = Schemas["NewUser"];
export type CreateUser = Schemas["CreateUser"];
export type CreateUsers = Schemas["CreateUsers"];
export type CreatedUsers = Schemas["CreatedUsers"];
export type UpdateUser = Schemas["UpdateUser"];
export type BulkDeleteUsers = Schemas["BulkDeleteUsers"];
export type UserInvitation = Schemas["UserInvitation"];
export type InvitedUsers = Schemas["InvitedUsers"];
/** One entry of an invitation's answer: `success`, and `errorMsg` when it failed. */
export type InvitedUser = NonNullable<InvitedUsers["users"]>[number];
export type DirectorySearchResult = Schemas["DirectorySearchResult"];
export type ResolveDirectoryNames = Schemas["ResolveDirectoryNames"];
export type ResolvedDirectoryNames = Schemas["ResolvedDirectoryNames"];

/** The list endpoint's query, as the contract defines it. */
export type RobotAccountQuery = NonNullable<operations["listRobotAccounts"]["parameters"]["query"]>;
/** The user list's query, as the contract defines it. */
export type UserQuery = NonNullable<operations["listUsers"]["parameters"]["query"]>;
/** The directory search's query, as the contract defines it. */
export type DirectorySearchQuery = operations["searchDirectory"]["parameters"]["query"];
export type AuditEvent = Schemas["AuditEvent"];
export type AuditEventPage = Schemas["AuditEventPage"];
export type AuditEventSource = Schemas["AuditEventSource"];
export type AuditQueryRecord = Schemas["AuditQueryRecord"];
export type AuditQueryRecordPage = Schemas["AuditQueryRecordPage"];
/** The unified audit service's event query, as the contract defines it. */
export type AuditEventsQuery = NonNullable<operations["listAuditEvents"]["parameters"]["query"]>;
/** Identity's own audit query, as the contract defines it. */
export type AuditRecordsQuery = NonNullable<operations["queryAuditRecords"]["parameters"]["query"]>;
