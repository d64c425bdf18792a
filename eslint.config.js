// ESLint with typescript-eslint's type-aware rules (promises nobody awaits above all); Prettier owns
// the layout (.prettierrc.json), so no stylistic rule is on here.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // test/toolchain/fixtures/ holds code that is wrong on purpose, linted by a test that expects the findings.
  { ignores: ["dist/", "build/", "generated/", "node_modules/", "bench/results/", "test/package/consumer/", "test/toolchain/fixtures/"] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Abort reasons and caught errors are passed on unchanged, as fetch itself does.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingAny: true, allowThrowingUnknown: true }],
      // `async` states the contract (a promise; a throw becomes a rejection) even with no await inside.
      "@typescript-eslint/require-await": "off",
      // ANSI escape sequences are matched on purpose (terminal output is measured and stripped).
      "no-control-regex": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  // Plain JavaScript (configs, scripts, bin, Spectral functions) is outside the TypeScript project.
  { files: ["**/*.js", "**/*.mjs"], extends: [tseslint.configs.disableTypeChecked] },
  {
    files: ["test/**", "bench/**", "scripts/**"],
    rules: {
      // Tests and tools read JSON bodies untyped on purpose: checking their shape is the assertion's job.
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
);
