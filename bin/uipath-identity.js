#!/usr/bin/env node
// The package's executable: the compiled CLI (`npm run build` makes dist/; `npm install` in this
// repository runs it through the prepare script).
import "../dist/cli/main.js";
