#!/usr/bin/env node
// The package's second executable: the emulator as a command (`npm start` in this repository runs
// the same program from src/). `npm run build` makes dist/.
import "../dist/emulator/start.js";
