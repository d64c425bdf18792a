// Keeps the CLI's generated documentation true: in the README the example identity file and the
// plan and apply output it produces against the emulator's demo organization, in docs/cli.md the
// --help of every command, all taken from the program itself, run in this process with its own
// streams (as the binary runs it, minus Node's start-up). `npm run readme:cli` rewrites them;
// `--check` fails when they are stale (the tests run it).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { run } from "../src/cli/program.js";
import { DEMO_CLIENT, startEmulator } from "../src/emulator/index.js";

const ROOT = new URL("..", import.meta.url).pathname;
const EXAMPLE = "examples/identity.yaml";
// The example's path is relative, as a reader types it.
process.chdir(ROOT);

/** Runs the CLI; stdout and stderr together, as a terminal shows them (stdout is written first). */
async function cli(args: string[], env: Record<string, string>): Promise<string> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    stdin: Readable.from([]),
    env,
  });
  if (code !== 0 && code !== 2) throw new Error(`${args.join(" ")}: ${stderr}`);
  return `${stdout}${stderr}`;
}

/** Every command's path, from the root's help down. */
async function commandPaths(env: Record<string, string>, prefix: string[] = []): Promise<string[][]> {
  const help = await cli([...prefix, "--help"], env);
  const section = help.split("\nCommands:\n")[1] ?? "";
  const names = [...section.matchAll(/^ {2}([a-z-]+)\b/gm)].map((m) => m[1] as string).filter((n) => n !== "help");
  const out: string[][] = [prefix];
  for (const name of names) out.push(...(await commandPaths(env, [...prefix, name])));
  return out;
}

async function generate(): Promise<Record<string, string>> {
  const home = mkdtempSync(join(tmpdir(), "readme-cli-"));
  // Port 8080's URL, as `npm start` prints it, whatever port this run got.
  const emulator = await startEmulator({ seed: "demo", rateLimit: false });
  const port = new URL(emulator.url).port;
  const normalize = (text: string) => text.replaceAll(`127.0.0.1:${port}`, "127.0.0.1:8080");
  try {
    const env = {
      HOME: home,
      XDG_STATE_HOME: join(home, "state"),
      XDG_CONFIG_HOME: join(home, "config"),
      UIPATH_BASE_URL: emulator.baseUrl(),
      UIPATH_CLIENT_ID: DEMO_CLIENT.clientId,
      UIPATH_CLIENT_SECRET: DEMO_CLIENT.clientSecret,
    };
    const plan = await cli(["plan", "-f", EXAMPLE], env);
    const apply = await cli(["apply", "-f", EXAMPLE, "--yes"], env);
    const again = await cli(["plan", "-f", EXAMPLE, "--detailed-exitcode"], env);
    const helps: string[] = [];
    for (const path of await commandPaths(env)) {
      helps.push(
        `### \`uipath-identity${path.map((p) => ` ${p}`).join("")}\`\n\n\`\`\`text\n${(await cli([...path, "--help"], env)).trimEnd()}\n\`\`\``,
      );
    }
    return {
      "cli-example-file": `\`\`\`yaml\n${readFileSync(join(ROOT, EXAMPLE), "utf8").trimEnd()}\n\`\`\``,
      "cli-plan": `\`\`\`console\n$ uipath-identity plan -f ${EXAMPLE}\n${normalize(plan).trimEnd()}\n\`\`\``,
      "cli-apply": `\`\`\`console\n$ uipath-identity apply -f ${EXAMPLE} --yes\n${normalize(apply).trimEnd()}\n$ uipath-identity plan -f ${EXAMPLE} --detailed-exitcode\n${normalize(again).trimEnd()}\n\`\`\``,
      "cli-help": helps.join("\n\n"),
    };
  } finally {
    await emulator.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** Where each generated section lives: the example in the README, every --help in docs/cli.md. */
const FILES: Record<string, string> = {
  "cli-example-file": "README.md",
  "cli-plan": "README.md",
  "cli-apply": "README.md",
  "cli-help": "docs/cli.md",
};

const sections = await generate();
const stale: string[] = [];
for (const file of [...new Set(Object.values(FILES))]) {
  const path = join(ROOT, file);
  const text = readFileSync(path, "utf8");
  let next = text;
  for (const [name, body] of Object.entries(sections).filter(([name]) => FILES[name] === file)) {
    const pattern = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!pattern.test(next)) throw new Error(`${file} has no <!-- ${name}:start --> ... <!-- ${name}:end --> section`);
    next = next.replace(pattern, (_m, start: string, end: string) => `${start}${body}\n${end}`);
  }
  if (next === text) continue;
  stale.push(file);
  if (!process.argv.includes("--check")) writeFileSync(path, next);
}
if (process.argv.includes("--check")) {
  if (stale.length > 0) {
    console.error(`${stale.join(" and ")}: the CLI sections are stale: run \`npm run readme:cli\` and commit the result.`);
    process.exit(1);
  }
  console.log("README.md's and docs/cli.md's CLI sections are up to date.");
}
