// The `uipath-identity` executable: runs the program on the process's own streams.
import { processIo } from "./io.js";
import { run } from "./program.js";

process.exitCode = await run(process.argv.slice(2), processIo());
