// The GitHub Action's three modes, end to end: the real binary's `github` command (what action.yml
// runs) against the emulator and a stand-in for GitHub's REST API on loopback, with the files and
// variables a GitHub Actions runner provides.
import { afterAll, afterEach, describe, expect, it } from "@jest/globals";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { DEMO_CLIENT, startEmulator, type EmulatorHandle } from "../../src/emulator/index.js";
import { EMAILS } from "../fixtures/walkthrough.js";
import { startGitHubStandIn, type GitHubStandIn } from "../helpers/github-standin.js";
import { emulatorEnv, ROOT, runCli, sandbox } from "./helpers.js";

const REPOSITORY = "hogwarts/identity";
const TOKEN = "ghs_stand-in-token";
const box = sandbox();
let emulator: EmulatorHandle | undefined;
let github: GitHubStandIn | undefined;
afterAll(() => box.cleanup());
afterEach(async () => {
  await emulator?.close();
  await github?.close();
  expect(emulator?.violations ?? []).toEqual([]);
  emulator = undefined;
  github = undefined;
});

let files = 0;
function write(name: string, text: string): string {
  const path = join(box.home, `${++files}-${name}`);
  writeFileSync(path, text);
  return path;
}

/** An emulator, the GitHub stand-in, and a runner's environment for one job. */
async function runner(event: Record<string, unknown> = {}) {
  emulator = await startEmulator({ seed: "demo", rateLimit: false, validateResponses: true });
  github = await startGitHubStandIn({ repository: REPOSITORY, token: TOKEN });
  const summary = write("summary.md", "");
  const output = write("output.txt", "");
  const env: Record<string, string | undefined> = {
    ...box.env,
    ...emulatorEnv(emulator),
    GITHUB_ACTIONS: "true",
    CI: "true",
    GITHUB_API_URL: github.apiUrl,
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_RUN_ID: "4242",
    GITHUB_TOKEN: TOKEN,
    GITHUB_EVENT_PATH: write("event.json", JSON.stringify(event)),
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
  };
  return { e: emulator, gh: github, env, summary: () => readFileSync(summary, "utf8"), output: () => readFileSync(output, "utf8") };
}

const pullRequest = (number: number, fromFork = false) => ({
  pull_request: {
    number,
    head: { repo: { full_name: fromFork ? "someone/identity" : REPOSITORY } },
    base: { repo: { full_name: REPOSITORY } },
  },
});

const ravenclaws = `groups:\n  - name: Ravenclaws\n    members: [${EMAILS.luna}]\n`;

describe("github plan, on pull requests", () => {
  it("posts the plan as one comment, updates that same comment on the next push, writes the job summary; the secret is masked", async () => {
    const { gh, env, summary, output } = await runner(pullRequest(7));
    const pr = gh.pullRequest(7);
    pr.comments.push({ id: 1, body: "Looks good to me" });
    const file = write("identity.yaml", ravenclaws);
    const first = await runCli(["github", "plan", "-f", file], { env });
    expect(first.stderr).toBe("Posted the plan on pull request #7.\n");
    expect(first.code).toBe(0);
    // The runner masks what a step announces; nothing else prints the secret.
    expect(first.stdout).toBe(`::add-mask::${DEMO_CLIENT.clientSecret}\n`);
    expect(pr.comments).toHaveLength(2);
    const comment = pr.comments[1]!.body;
    expect(comment).toMatch(
      /^<!-- uipath-identity:plan -->\n### uipath-identity plan\n\n\*\*Plan: 1 to add, 0 to change, 0 to remove\.\*\*/,
    );
    expect(comment).toContain(`\`\`\`diff\n+ group "Ravenclaws"\n+     ${EMAILS.luna}\n\`\`\``);
    expect(summary()).toContain('+ group "Ravenclaws"');
    expect(output()).toBe("changes=true\n");

    // The next push changes the file: the same comment is updated, never a second one.
    writeFileSync(file, `${ravenclaws}  - name: Hufflepuffs\n`);
    const second = await runCli(["github", "plan", "-f", file], { env });
    expect(second.code).toBe(0);
    expect(second.stderr).toBe("Updated the plan on pull request #7.\n");
    expect(pr.comments).toHaveLength(2);
    expect(pr.comments[1]!.body).toContain("**Plan: 2 to add, 0 to change, 0 to remove.**");
    expect(gh.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(gh.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
  });

  it("fails the check on a file error or a guard, saying why in the comment", async () => {
    const { e, gh, env } = await runner(pullRequest(8));
    const pr = gh.pullRequest(8);
    const before = JSON.stringify(e.state());
    const bad = write("bad.yaml", "groups:\n  - name: Gryffindors\n    members: [nobody@hogwarts.example]\n");
    const failed = await runCli(["github", "plan", "-f", bad], { env });
    expect(failed.code).toBe(1);
    expect(pr.comments[0]!.body).toContain('no user or robot account is named "nobody@hogwarts.example"');
    expect(pr.comments[0]!.body).toContain("**Not planned:**");
    const emptyGryffindors = write("guard.yaml", "groups:\n  - name: Gryffindors\n    exclusive: true\n    members: [Roby]\n");
    const refused = await runCli(["github", "plan", "-f", emptyGryffindors], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("The guards refuse this plan");
    expect(pr.comments).toHaveLength(1);
    expect(pr.comments[0]!.body).toContain("**Refused by the guards** (nothing will be applied):");
    expect(pr.comments[0]!.body).toContain('removes 6 of the 7 members of group "Gryffindors"');
    expect(JSON.stringify(e.state())).toBe(before);
  });

  it("on a fork's pull request (no secrets) validates offline, says why it did not plan, and calls nobody", async () => {
    const { gh, env, summary } = await runner(pullRequest(9, true));
    const { UIPATH_CLIENT_SECRET: _secret, ...forkEnv } = env;
    const good = write("identity.yaml", ravenclaws);
    const ok = await runCli(["github", "plan", "-f", good], { env: forkEnv });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain("Not planned: this pull request comes from a fork, and GitHub gives a fork's workflow no secrets.");
    expect(summary()).toContain("The files were validated offline: no problems.");
    const bad = write("bad.yaml", "groups:\n  - name: Everyone\n    members: [ron@hogwarts.example]\n");
    const failed = await runCli(["github", "plan", "-f", bad], { env: forkEnv });
    expect(failed.code).toBe(1);
    expect(summary()).toContain(`${bad}:2:5: "Everyone" cannot list members`);
    expect(gh.requests).toEqual([]);
  });
});

describe("github apply, on pushes to the default branch", () => {
  it("applies with the guards on and reports the outcome in the job summary", async () => {
    const { e, env, summary } = await runner({ ref: "refs/heads/main" });
    const file = write("identity.yaml", ravenclaws);
    const out = await runCli(["github", "apply", "-f", file], { env });
    expect(out.code).toBe(0);
    expect(out.stderr).toContain("Apply complete: 1 added, 0 changed, 0 removed");
    expect(summary()).toMatch(/### uipath-identity apply\n\n\*\*Plan: 1 to add[\s\S]*\*\*Applied\.\*\* Requests: /);
    expect(e.state().groups.map((g) => g.name)).toContain("Ravenclaws");

    const guarded = write("guard.yaml", "groups:\n  - name: Gryffindors\n    exclusive: true\n    members: [Roby]\n");
    const refused = await runCli(["github", "apply", "-f", guarded], { env });
    expect(refused.code).toBe(1);
    expect(summary()).toContain("**Refused by the guards**");
    expect(e.state().groups.find((g) => g.name === "Gryffindors")).toBeDefined();
  });
});

describe("github drift, on a schedule", () => {
  it("opens one issue while the organization differs, updates it, and closes it when they match again", async () => {
    const { gh, env, output } = await runner({ schedule: "0 6 * * *" });
    const file = write(
      "identity.yaml",
      `groups:\n  - name: Prefects\n    exclusive: true\n    members: [${EMAILS.hermione}, ${EMAILS.ron}]\n`,
    );
    const clean = await runCli(["github", "drift", "-f", file], { env });
    expect(clean.code).toBe(0);
    expect(clean.stderr).toBe("No drift: the organization matches the files.\n");
    expect(gh.issues).toEqual([]);

    // Someone adds Luna to Prefects by hand.
    const pm = (await import("../../src/client/index.js")).createIdentityClient({
      baseUrl: emulator!.baseUrl(),
      credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret, scopes: ["PM.Group", "PM.User"] },
      rateLimit: false,
    });
    const prefects = (await pm.groups.list()).find((g) => g.name === "Prefects")!;
    await pm.groups.addMembers(prefects.id, [(await pm.users.findByEmail(EMAILS.luna)).id]);
    const found = await runCli(["github", "drift", "-f", file], { env });
    expect(found.code).toBe(0);
    expect(found.stderr).toBe("Drift found: opened issue #1.\n");
    expect(output()).toContain("changes=true");
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]).toMatchObject({ state: "open", labels: ["identity-drift"] });
    expect(gh.issues[0]!.body).toContain('! group "Prefects" (exclusive)');
    expect(gh.issues[0]!.body).toContain(`-     ${EMAILS.luna}`);
    // Who caused it, from the audit log (the workflow's application may read it: no scopes configured).
    expect(gh.issues[0]!.body).toMatch(/# {5}last changed \S+ by emulator-demo-client: /);

    // More drift: the same issue is updated.
    await pm.groups.addMembers(prefects.id, [(await pm.users.findByEmail(EMAILS.ginny)).id]);
    const more = await runCli(["github", "drift", "-f", file], { env });
    expect(more.stderr).toBe("Drift found: updated issue #1.\n");
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]!.body).toContain(`-     ${EMAILS.ginny}`);

    // Applying the file undoes the drift: the issue is closed, with a comment.
    expect((await runCli(["apply", "-f", file, "--yes"], { env })).code).toBe(0);
    const closed = await runCli(["github", "drift", "-f", file], { env });
    expect(closed.stderr).toBe("No drift: closed issue #1.\n");
    expect(gh.issues[0]).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(gh.issues[0]!.comments.at(-1)!.body).toContain("The organization matches the files again");
  });
});

describe("action.yml", () => {
  it("runs the package's github command in the mode asked for, with the secret from the workflow's secrets", () => {
    const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
      inputs: Record<string, { required?: boolean; default?: string }>;
      runs: { using: string; steps: Array<{ run?: string; env?: Record<string, string> }> };
    };
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(["mode", "files", "client-id", "client-secret", "github-token"]));
    const run = action.runs.steps.find((s) => s.run?.includes("github"))!;
    expect(run.run).toMatch(/\/uipath-identity" github "\$INPUT_MODE" -f "\$\{files\[@\]\}"/);
    // Inputs reach the script as environment variables, never pasted into it (no script injection).
    expect(run.run).not.toMatch(/\$\{\{\s*inputs\./);
    expect(run.env).toMatchObject({ UIPATH_CLIENT_SECRET: "${{ inputs.client-secret }}", GITHUB_TOKEN: "${{ inputs.github-token }}" });
  });
});
