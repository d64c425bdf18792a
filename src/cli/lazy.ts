// Libraries that only some commands or some output formats use, loaded on first use so that
// starting the CLI does not pay for them (see BENCHMARKS.md, benchmark 8). CommonJS, so a
// synchronous require keeps the callers synchronous.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The yaml package (YAML output, profiles). */
export const yaml = (): typeof import("yaml") => require("yaml") as typeof import("yaml");
