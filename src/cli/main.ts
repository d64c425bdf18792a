// The `uipath-identity` executable: runs the program on the process's own streams. `--version`
// alone is answered before anything else loads, since scripts call it in loops (benchmark 8).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { PACKAGE_VERSION } = await import("../client/version.js");
  process.stdout.write(`${PACKAGE_VERSION}\n`);
} else {
  const [{ processIo }, { run }] = await Promise.all([import("./io.js"), import("./program.js")]);
  process.exitCode = await run(args, processIo());
}
