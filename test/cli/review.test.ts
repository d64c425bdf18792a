// What identity as code offers review: `validate` with no organization at all, and the plan as a
// review comment (markdown) that never passes GitHub's limit.
import { afterAll, describe, expect, it } from "@jest/globals";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Group, RobotAccount } from "../../src/client/index.js";
import { computePlan } from "../../src/cli/iac/differ.js";
import { noPrune, type IdentityFile } from "../../src/cli/iac/identity-file.js";
import { emptyLiveState, type LiveState } from "../../src/cli/iac/live.js";
import { minimumDuration, PLAN_FORMAT_VERSION, summarize, type PlanDocument } from "../../src/cli/iac/model.js";
import { MARKDOWN_LIMIT, renderPlanMarkdown } from "../../src/cli/iac/render-markdown.js";
import { requestsByMethod } from "../../src/cli/iac/steps.js";
import { cli, runCli, sandbox } from "./helpers.js";

const box = sandbox();
afterAll(() => box.cleanup());

let files = 0;
function write(text: string, ext = "yaml"): string {
  const path = join(box.home, `review-${++files}.${ext}`);
  writeFileSync(path, text);
  return path;
}

describe("uipath-identity validate", () => {
  // Only PATH and a home: no UIPATH_* setting at all, so any attempt to connect would fail.
  const env = { ...box.env };

  it("passes good files with no organization, no credentials and no network", async () => {
    const yaml = write("groups:\n  - name: Administrators\n    members: [albus@hogwarts.example, { group: UiPath-Admins }]\n");
    const csv = write("name,displayName,groups\nRoby,Roby the robot,Administrators\n", "csv");
    const out = await cli(["validate", "-f", yaml, csv], { env });
    expect(out.stderr).toBe(
      `Valid: ${yaml}, ${csv} (1 group(s), 1 robot account(s), 0 user(s)). What needs the organization is checked by plan.\n`,
    );
    expect(out.code).toBe(0);
  });

  it("fails bad files with every problem as FILE:LINE:COLUMN: schema, duplicates, CSV headers and the rules that need no live data", async () => {
    const yaml = write(`groups:
  - name: Everyone
    members: [ron@hogwarts.example]
  - name: Administrators
    exclusive: true
    members: []
  - name: Prefects
    members: [hermione@hogwarts.example, HERMIONE@hogwarts.example]
robotAccounts:
  - name: Roby
    groups: [Everyone]
`);
    const out = await runCli(["validate", "-f", yaml], { env });
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      "Error: The files have 4 problems; nothing was sent:\n" +
        `  ${yaml}:2:5: "Everyone" cannot list members: every user of the organization is in it (leave members out)\n` +
        `  ${yaml}:4:5: "Administrators" is exclusive with no members: it would be left with no member, and nobody could administer the organization\n` +
        `  ${yaml}:8:42: "HERMIONE@hogwarts.example" is already a member of "Prefects" at ${yaml}:8:15\n` +
        `  ${yaml}:11:14: "Everyone" cannot be joined: every user of the organization is in it already\n`,
    );
    const schema = write("groups:\n  - name: Prefects\n    members: [{ grup: Staff }]\n");
    const csv = write("email,nickname\nluna@hogwarts.example,Luna\n", "csv");
    const twice = write("groups:\n  - name: Prefects\n  - name: prefects\n");
    const many = await runCli(["validate", "-f", schema, csv, twice], { env });
    expect(many.code).toBe(1);
    expect(many.stderr).toContain(`${schema}:3:15: groups.0.members.0 needs "group"\n`);
    expect(many.stderr).toContain(`${schema}:3:17: unknown key "grup" in groups.0.members.0 (allowed: group)`);
    expect(many.stderr).toContain(`${csv}:1:2: unknown column "nickname" (allowed for users: email, name, surname, groups, active)`);
    expect(many.stderr).toContain(`${twice}:3:5: group "prefects" is already listed at ${twice}:2:5`);
  });
});

describe("the plan as a review comment", () => {
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  const group = (n: number, name: string): Group => ({ id: id(n), name, type: 1, creationTime: "2021-01-01T00:00:00Z" });
  const live = (groups: Group[], robotAccounts: RobotAccount[] = []): LiveState => {
    const state = emptyLiveState({
      partitionGlobalId: id(1),
      baseUrl: "https://cloud.uipath.com/hogwarts/identity_",
      groups,
      robotAccounts,
    });
    for (const g of groups) state.members.set(g.id, new Map());
    return state;
  };
  const at = { file: "identity.yaml", line: 1, column: 1 };
  function planOf(file: Partial<IdentityFile>, state: LiveState): PlanDocument {
    const { changes, steps } = computePlan({ groups: [], robotAccounts: [], users: [], prune: noPrune(), sources: [], ...file }, state);
    const requests = requestsByMethod(steps);
    const rateLimits = { windowMs: 300_000, budgets: { GET: 300, POST: 24_000, PUT: 160, DELETE: 160 } };
    return {
      formatVersion: PLAN_FORMAT_VERSION,
      organization: { baseUrl: state.baseUrl, partitionGlobalId: state.partitionGlobalId },
      summary: summarize(changes),
      requests,
      rateLimits,
      minimumDurationMs: minimumDuration(requests, rateLimits),
      changes,
      notes: [],
    };
  }

  it("renders a 3-change plan whole: summary and requests first, then each change in a diff block", () => {
    const plan = planOf(
      {
        groups: [{ name: "Ravenclaws", exclusive: false, builtIn: false, at }],
        robotAccounts: [{ name: "Errol", displayName: "Errol the owl", groups: [{ value: "Ravenclaws", at }], at }],
        prune: { ...noPrune(), groups: true },
      },
      live([group(2, "alumni")]),
    );
    expect(renderPlanMarkdown(plan)).toBe(
      [
        "### uipath-identity plan",
        "",
        "**Plan: 2 to add, 0 to change, 1 to remove.**",
        "**Requests:** 2 POST, 1 DELETE; at the budgets (POST 24000, DELETE 160 per 5 min) they need no waiting.",
        "Organization: `https://cloud.uipath.com/hogwarts/identity_` (`00000000-0000-4000-8000-000000000001`)",
        "",
        "#### Groups (2 changes)",
        "",
        "```diff",
        '+ group "Ravenclaws"',
        "+     Errol (new robot account)",
        '- group "alumni"',
        "```",
        "",
        "#### Robot accounts (1 change)",
        "",
        "```diff",
        '+ robot account "Errol"',
        '+     display name "Errol the owl"',
        "+     in Ravenclaws (new group)",
        "```",
        "",
      ].join("\n"),
    );
  });

  it("keeps a 5,000-change plan under 65,000 characters, with the summary intact and the number left out", () => {
    const teams = Array.from({ length: 20 }, (_, i) => group(100 + i, `Team-${i}`));
    const robots = Array.from({ length: 5000 }, (_, i) => ({
      name: `Robot-${String(i).padStart(4, "0")}`,
      displayName: `Robot number ${i}, a long display name to fill the comment`,
      groups: [{ value: `Team-${i % 20}`, at }],
      at,
    }));
    const plan = planOf({ robotAccounts: robots }, live(teams));
    expect(plan.changes.length).toBeGreaterThanOrEqual(5000);
    const markdown = renderPlanMarkdown(plan, { fullPlanAt: "https://github.com/hogwarts/identity/actions/runs/42" });
    expect(markdown.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(markdown).toContain(`**Plan: 5000 to add, 20 to change, 0 to remove.**`);
    expect(markdown).toContain("**Requests:** 5000 POST; at the budgets (POST 24000 per 5 min) they need no waiting.");
    const shown = (markdown.match(/^\+ robot account "/gm) ?? []).length + (markdown.match(/^! group "/gm) ?? []).length;
    const left = Number(/_(\d+) more changes left out/.exec(markdown)?.[1]);
    expect(shown + left).toBe(plan.changes.length);
    expect(markdown).toContain("The full plan: https://github.com/hogwarts/identity/actions/runs/42_");
    // Every code fence and collapsed section that opened is closed.
    expect((markdown.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect((markdown.match(/<details>/g) ?? []).length).toBe((markdown.match(/<\/details>/g) ?? []).length);
  });
});
