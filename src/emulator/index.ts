// A stateful local emulator of UiPath's Identity API for groups, robot accounts, users and the
// directory lookups, driven by the bundled OpenAPI document. `startEmulator()` is the whole public surface.
export { startEmulator } from "./server.js";
export { DEFAULT_ORGANIZATION, DEFAULT_RATE_LIMIT, DEMO_CLIENT, PM_SCOPES } from "./options.js";
export type {
  EmulatorClient,
  EmulatorHandle,
  EmulatorOptions,
  EmulatorOrganization,
  FaultKind,
  FaultOptions,
  IssueTokenOptions,
  MethodClass,
  OrganizationState,
  RateLimitOptions,
  ResponseViolation,
} from "./options.js";
export type { SeedData, SeedDirectoryGroup, SeedGroup, SeedOption, SeedRobotAccount, SeedUser } from "./seed.js";
