#!/usr/bin/env node
// The package's executable: the compiled CLI (`npm run build` makes dist/; `npm install` in this
// repository runs it through the prepare script). Node 22.1 and later keep the compiled code
// between runs (NODE_DISABLE_COMPILE_CACHE=1 turns that off); older Nodes do without.
import module from "node:module";

module.enableCompileCache?.();
await import("../dist/cli/bundle/main.js");
