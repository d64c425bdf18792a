// docs/emulator.md's examples of the emulator command from other languages, run as printed: the shell
// one with curl and the Python one, against `uipath-identity-emulator` (this repository's bin, on
// PATH as an installed package puts it). The shell example's fixed port becomes a free one.
import { afterAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { promisify } from "node:util";
import { BUILT_IN_GROUPS } from "../fixtures/walkthrough.js";
import { closedPort } from "../helpers/http-server.js";

const root = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const readme = readFileSync(join(root, "docs/emulator.md"), "utf8");
const section = readme.slice(readme.indexOf("### From any language: `uipath-identity-emulator`"));
const block = (language: string) => new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "m").exec(section)?.[1] ?? "";

const work = mkdtempSync(join(tmpdir(), "emulator-readme-"));
// The command as npm installs it: an executable of that name on PATH. It notes its process ids, so
// an emulator an example failed to stop is stopped here.
writeFileSync(
  join(work, "uipath-identity-emulator"),
  `#!/bin/sh\necho $$ >> "${work}/pids"\nexec "${process.execPath}" "${root}/bin/uipath-identity-emulator.js" "$@"\n`,
);
chmodSync(join(work, "uipath-identity-emulator"), 0o755);
afterAll(() => {
  const pids = existsSync(join(work, "pids")) ? readFileSync(join(work, "pids"), "utf8").split("\n").filter(Boolean) : [];
  for (const pid of pids) {
    // Only if that process is still this emulator (a process id can be reused once it ended).
    if (commandLineOf(pid).includes(`${root}/bin/uipath-identity-emulator.js`)) process.kill(Number(pid), "SIGKILL");
  }
  rmSync(work, { recursive: true, force: true });
});

function commandLineOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return ""; // it has ended
    throw e;
  }
}

const env = { ...process.env, PATH: `${work}${delimiter}${process.env.PATH ?? ""}` };

const GROUPS = [...BUILT_IN_GROUPS, "Gryffindors", "alumni", "Prefects"];

describe("docs/emulator.md: the emulator command from other languages", () => {
  it("the shell example: curl gets a token and lists the groups, and SIGINT stops the emulator", async () => {
    const port = String(await closedPort());
    const script = block("sh").replaceAll("8080", port);
    expect(script).toContain("uipath-identity-emulator --port");
    const { stdout } = await run("bash", ["-c", script], { cwd: work, env });
    expect((JSON.parse(stdout) as Array<{ name: string }>).map((g) => g.name)).toEqual(GROUPS);
    // The emulator got the signal and stopped cleanly (the script does not wait for it).
    const log = join(work, "emulator.log");
    while (!readFileSync(log, "utf8").includes("Stopping (SIGINT).")) await new Promise((r) => setTimeout(r, 100));
  });

  it("the Python example: lists the groups, then stops the emulator with SIGINT", async () => {
    const code = block("python");
    expect(code).toContain('subprocess.Popen(["uipath-identity-emulator"');
    const { stdout } = await run("python3", ["-c", code], { cwd: work, env });
    expect(stdout).toBe(`${JSON.stringify(GROUPS).replaceAll('"', "'").replaceAll(",", ", ")}\n`);
  });
});
