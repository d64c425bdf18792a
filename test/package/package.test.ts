import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const work = mkdtempSync(join(tmpdir(), "identity-package-"));
const consumer = join(work, "consumer");
let tarball = "";
let packedFiles: string[] = [];
let packedSize = 0;

beforeAll(async () => {
  // `npm pack` runs the prepare build, exactly as `npm publish` would.
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: root, maxBuffer: 10 << 20 });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; size: number; files: Array<{ path: string }> }>;
  tarball = join(work, packed!.filename);
  packedSize = packed!.size;
  packedFiles = packed!.files.map((f) => f.path).sort();

  cpSync(join(import.meta.dirname, "consumer"), consumer, { recursive: true });
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  // @types/node: the emulator's declarations mention node:http. The cache is warm from our own install.
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball, "@types/node@^20"], {
    cwd: consumer,
    maxBuffer: 10 << 20,
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const tsconfig = (resolution: "node16" | "bundler") => ({
  compilerOptions: {
    strict: true,
    noUncheckedIndexedAccess: true,
    target: "ES2022",
    module: resolution === "node16" ? "node16" : "esnext",
    moduleResolution: resolution,
    outDir: `out-${resolution}`,
    types: ["node"],
    skipLibCheck: false,
  },
  files: ["consumer.ts"],
});

describe("the packed npm package", () => {
  it("passes publint (strict)", async () => {
    const { stdout } = await run(bin("publint"), ["--strict", tarball], { cwd: root });
    expect(stdout).toContain("All good!");
  });

  it("passes Are the Types Wrong (ESM-only profile)", async () => {
    const { stdout } = await run(bin("attw"), [tarball, "--profile", "esm-only", "--format", "json"], { cwd: root, maxBuffer: 10 << 20 });
    const report = JSON.parse(stdout) as { analysis: { problems: Array<{ kind: string; resolutionKind?: string }> } };
    const relevant = report.analysis.problems.filter((p) => !["node10", "node16-cjs"].includes(p.resolutionKind ?? ""));
    expect(relevant).toEqual([]);
  });

  it.each(["node16", "bundler"] as const)("compiles a strict consumer under moduleResolution %s", async (resolution) => {
    writeFileSync(join(consumer, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig(resolution)));
    const result = await run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", `tsconfig.${resolution}.json`], {
      cwd: consumer,
    }).catch((err: { stdout: string }) => ({ stdout: err.stdout, failed: true }));
    expect(result.stdout).toBe("");
  });

  it("runs against the emulator started from the installed package; scopes come from the contract", async () => {
    writeFileSync(join(consumer, "tsconfig.node16.json"), JSON.stringify(tsconfig("node16")));
    await run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.node16.json"], { cwd: consumer });
    const { stdout } = await run(process.execPath, ["out-node16/consumer.js"], { cwd: consumer });
    expect(JSON.parse(stdout.trim())).toEqual({
      found: ["Luna-bot"],
      memberCount: 1,
      gone: true,
      violations: 0,
      redisAdvice: expect.stringMatching(/^rateLimit\.redis: .*npm install redis$/),
      // Users and directory calls work with no scopes configured.
      ron: true,
      groupCount: expect.any(Number),
      // An application without PM.User: the named error, before any API request.
      lacking: {
        kind: "forbidden",
        message: expect.stringMatching(
          /^GET \/api\/User\/users\/\{partitionGlobalId\} needs the scope PM\.User or PM\.User\.Read, and the External Application groups-only was not granted any of them .*Admin → External Applications/,
        ),
        missingScopes: ["PM.User", "PM.User.Read"],
        apiRequests: 0,
      },
    });
  });

  it("installs the uipath-identity command: npx uipath-identity --help works, and so does a call", async () => {
    const help = await run("npx", ["--no-install", "uipath-identity", "--help"], { cwd: consumer });
    expect(help.stdout).toMatch(/^Usage: uipath-identity \[options\] \[command\]/);
    expect(help.stdout).toContain("Commands:");
    const version = await run("npx", ["--no-install", "uipath-identity", "--version"], { cwd: consumer });
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version);
    // A file with an unknown key is refused before any connection setting is even looked at.
    writeFileSync(join(consumer, "bad.yaml"), "groups:\n  - name: Gryffindors\n    colour: red\n");
    const bad = await run("npx", ["--no-install", "uipath-identity", "plan", "-f", "bad.yaml"], { cwd: consumer }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr).toContain('bad.yaml:3:5: unknown key "colour"');
  });

  it("installs the uipath-identity-emulator command: it starts, answers curl, serves the docs and stops on Ctrl-C", async () => {
    // As a shell runs it: the installed bin's shebang, no npx in between, so SIGINT reaches it as Ctrl-C does.
    const child = spawn(join(consumer, "node_modules/.bin/uipath-identity-emulator"), ["--port", "0"], {
      cwd: consumer,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    try {
      await new Promise<void>((ready, failed) => {
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes("Press Ctrl-C to stop.")) ready();
        });
        void exited.then(() => failed(new Error(`the emulator exited early: ${stderr}`)));
      });
      const lines = stdout.split("\n").map((l) => l.trim());
      const tokenLine = lines.find((l) => l.startsWith("TOKEN=$(curl"))!;
      const listGroups = lines.find((l) => l.startsWith("curl ") && l.includes("/api/Group/"))!;
      const groups = JSON.parse((await run("bash", ["-c", `${tokenLine}\n${listGroups}`])).stdout) as Array<{ name: string }>;
      expect(groups.map((g) => g.name)).toContain("Gryffindors");
      // The installed CLI against it, with the connection the banner prints (and no scopes to configure).
      const setting = (name: string) => new RegExp(`${name}\\s+(\\S+)`).exec(stdout)![1]!;
      const env = {
        ...process.env,
        UIPATH_BASE_URL: setting("Base URL"),
        UIPATH_CLIENT_ID: setting("Client id"),
        UIPATH_CLIENT_SECRET: setting("Client secret"),
        XDG_CONFIG_HOME: join(consumer, "config"),
      };
      const listed = await run(join(consumer, "node_modules/.bin/uipath-identity"), ["groups", "list", "-o", "plain"], {
        cwd: consumer,
        env,
      });
      expect(listed.stdout).toMatch(/^Gryffindors\t/m);
      // The rendered reference ships in the package, so /docs is the real page, not the pointer to /openapi.json.
      const docsUrl = /API docs\s+(\S+)/.exec(stdout)![1]!;
      const docs = await (await fetch(docsUrl)).text();
      expect(docs).toContain("<title>UiPath Identity API");
      expect(docs).not.toContain("not built yet");
      // And the CLI reference beside it, which the banner names.
      const cliUrl = /CLI reference\s+(\S+)/.exec(stdout)![1]!;
      expect(cliUrl).toBe(`${docsUrl}/cli.html`);
      expect(await (await fetch(cliUrl)).text()).toContain("uipath-identity groups members add");
      // Its link back to the API reference (index.html beside it) leads to the reference.
      expect(await (await fetch(new URL("index.html", cliUrl))).text()).toContain("<title>UiPath Identity API");
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(stdout).toContain("Stopping (SIGINT).");
      expect(stderr).toBe("");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("stays small (the rendered docs are most of it) and ships no compiled module whose source is gone", () => {
    expect(packedSize).toBeLessThan(1.5 * 1024 * 1024);
    const bundle = "dist/cli/bundle/";
    const orphans = packedFiles.filter(
      (f) => /^dist\/.*\.js$/.test(f) && !f.startsWith(bundle) && !existsSync(join(root, "src", f.slice(5).replace(/\.js$/, ".ts"))),
    );
    expect(orphans).toEqual([]);
    // The CLI's bundle: its entry, and no chunk of an older build (each chunk is imported by another file of it).
    const chunks = packedFiles.filter((f) => f.startsWith(bundle));
    expect(chunks).toContain(`${bundle}main.js`);
    const texts = chunks.map((f) => readFileSync(join(root, f), "utf8"));
    const unused = chunks.filter(
      (f, i) => !f.endsWith("/main.js") && !texts.some((t, j) => j !== i && t.includes(`./${f.slice(bundle.length)}`)),
    );
    expect(unused).toEqual([]);
  });

  it("ships the JSON Schemas of the identity file (for editors) and of the plan (for policy checks), by their export names", async () => {
    for (const [name, title] of [
      ["identity-file.schema.json", "uipath-identity file"],
      ["plan.schema.json", "uipath-identity plan"],
    ]) {
      const { stdout } = await run("node", ["-e", `console.log(require.resolve("uipath-identity-toolkit/${name}"))`], { cwd: consumer });
      expect((JSON.parse(readFileSync(stdout.trim(), "utf8")) as { title: string }).title).toBe(title);
    }
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        "bin/uipath-identity.js",
        "bin/uipath-identity-emulator.js",
        "dist/cli/main.js",
        "dist/docs/index.html",
        "schema/identity-file.schema.json",
        "schema/plan.schema.json",
      ]),
    );
  });

  describe("npm publish --dry-run", () => {
    // A stand-in registry on loopback, so the check runs offline: npm asks it for the package's
    // published versions (to refuse re-publishing one) and, being a dry run, uploads nothing.
    async function publishDryRun(published: string[]) {
      const requests: string[] = [];
      const registry = createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        if (published.length === 0) {
          res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
          return;
        }
        const versions = Object.fromEntries(published.map((v) => [v, { name: pkg.name, version: v }]));
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ name: pkg.name, versions, "dist-tags": { latest: published.at(-1) } }));
      });
      await new Promise<void>((done) => registry.listen(0, "127.0.0.1", done));
      const url = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
      // --ignore-scripts: dist/ was built by the pack above (prepare), exactly as publish would build it.
      const args = ["publish", "--dry-run", "--json", "--provenance", "--ignore-scripts", "--fetch-retries=0", "--registry", url];
      try {
        const { stdout } = await run("npm", args, { cwd: root, maxBuffer: 10 << 20 });
        return { code: 0, json: JSON.parse(stdout) as Record<string, any>, requests };
      } catch (err) {
        const e = err as { code: number; stdout: string };
        return { code: e.code, json: JSON.parse(e.stdout) as Record<string, any>, requests };
      } finally {
        registry.close();
      }
    }
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; version: string; publishConfig?: object };

    it("would publish the packed files, with provenance, and only reads from the registry", async () => {
      const result = await publishDryRun(["0.0.1-alpha"]);
      expect(result.code).toBe(0);
      const published = result.json[pkg.name] as { id: string; files: Array<{ path: string }> };
      expect(published.id).toBe(`${pkg.name}@${pkg.version}`);
      expect(published.files.map((f) => f.path).sort()).toEqual(packedFiles);
      expect(packedFiles).toEqual(
        expect.arrayContaining([
          "dist/client/index.js",
          "dist/client/index.d.ts",
          "dist/emulator/index.js",
          "generated/openapi.json",
          "generated/schema.d.ts",
          "generated/scopes.js",
          "generated/scopes.d.ts",
          "CHANGELOG.md",
          "README.md",
          "LICENSE",
          "package.json",
        ]),
      );
      expect(packedFiles.filter((f) => /^(src|test|scripts|api|openapi)\//.test(f) || f.endsWith(".map"))).toEqual([]);
      expect(result.requests).toEqual([`GET /${pkg.name}`]);
      // Releases come from CI with a provenance attestation; a publish from anywhere else fails.
      expect(pkg.publishConfig).toEqual({ provenance: true });
    });

    it("would refuse a version that is already published", async () => {
      const result = await publishDryRun([pkg.version]);
      expect(result.code).toBe(1);
      expect(result.json.error.summary).toContain(`You cannot publish over the previously published versions: ${pkg.version}`);
    });
  });
});
