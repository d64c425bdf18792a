// Jest runs the TypeScript sources as ESM through ts-jest (type errors are caught by `npm run typecheck`).
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true }] },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 30000,
  globalSetup: "<rootDir>/test/global-setup.js",
  reporters: ["default", "<rootDir>/test/summary-reporter.js"],
};
