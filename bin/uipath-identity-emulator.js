#!/usr/bin/env node
// The package's second executable: the emulator as a command (`npm start` in this repository runs
// the same program from src/). `npm run build` makes dist/. Compiled code is kept between runs
// where Node can (22.1 and later), as for uipath-identity.
import module from "node:module";

module.enableCompileCache?.();
await import("../dist/emulator/start.js");
