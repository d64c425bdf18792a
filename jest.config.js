// Jest runs the TypeScript sources as ESM through ts-jest (type errors are caught by `npm run typecheck`).
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true }] },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  // A watchdog for a test that hangs, not a speed limit: no test relies on finishing within it, and
  // none sets a shorter one, so a slow or busy machine takes longer but does not fail.
  testTimeout: 600_000,
  globalSetup: "<rootDir>/test/global-setup.js",
  reporters: ["default", "<rootDir>/test/summary-reporter.js"],
};
