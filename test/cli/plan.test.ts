// The planner's request arithmetic, in-process: from a file and a live organization to the fewest
// requests, with the scarce classes (PUT, DELETE) spent only where nothing cheaper does the job.
import { describe, expect, it } from "@jest/globals";
import type { Group, RobotAccount } from "../../src/client/index.js";
import type { IdentityFile, Position } from "../../src/cli/iac/identity-file.js";
import type { LiveState, UserRef } from "../../src/cli/iac/live.js";
import { computePlan, requestsByMethod, summary } from "../../src/cli/iac/plan.js";

const at = (line: number): Position => ({ file: "identity.yaml", line, column: 5 });
const loc = (value: string, line = 1) => ({ value, at: at(line) });

let counter = 0;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const newId = () => id(900000 + ++counter);

function group(n: number, name: string, type: 0 | 1 = 1): Group {
  return { id: id(n), name, displayName: name, type, creationTime: "2021-01-01T00:00:00Z" };
}
function robot(n: number, name: string, groupIds: string[] = [], displayName = name): RobotAccount {
  return { id: id(n), name, displayName, creationTime: "2021-01-01T00:00:00Z", groupIds };
}
function user(n: number, email: string): UserRef {
  return { id: id(n), email, userName: email };
}

function liveState(parts: { groups?: Group[]; robots?: RobotAccount[]; users?: UserRef[]; members?: Record<string, string[]> }): LiveState {
  const users = parts.users ?? [];
  return {
    partitionGlobalId: id(1),
    baseUrl: "http://127.0.0.1/hogwarts/identity_",
    groups: parts.groups ?? [],
    robots: parts.robots ?? [],
    userMembers: new Map(Object.entries(parts.members ?? {}).map(([g, m]) => [g, new Set(m)])),
    usersById: new Map(users.map((u) => [u.id, u])),
    usersByName: new Map(users.flatMap((u) => [[u.email, u] as const])),
    unknownNames: new Set(),
  };
}

function file(parts: Partial<IdentityFile>): IdentityFile {
  return { groups: [], robotAccounts: [], users: [], prune: { groups: false, robotAccounts: false }, sources: [], ...parts };
}

const ADMINS = group(10, "Administrators", 0);
const GRYFF = group(11, "Gryffindors");
const ALUMNI = group(12, "alumni");
const RON = user(20, "ron.weasley@hogwarts.example");
const HARRY = user(21, "harry.potter@hogwarts.example");
const DRACO = user(22, "draco.malfoy@hogwarts.example");

describe("the planner", () => {
  it("a new group takes its existing members in its own create: one POST", () => {
    const { plan, problems } = computePlan(
      file({ groups: [{ name: "Prefects", members: [loc(RON.email), loc(HARRY.email)], exclusive: false, builtIn: false, at: at(2) }] }),
      liveState({ groups: [GRYFF], users: [RON, HARRY] }),
      newId,
    );
    expect(problems).toEqual([]);
    expect(requestsByMethod(plan.steps)).toEqual({ POST: 1 });
    expect(plan.steps[0]).toMatchObject({ kind: "createGroup", name: "Prefects", memberIds: [RON.id, HARRY.id] });
    expect(summary(plan)).toEqual({ add: 1, change: 0, remove: 0 });
  });

  it("additive membership adds what is missing and leaves others; exclusive also removes, both in one PUT", () => {
    const live = liveState({ groups: [GRYFF], users: [RON, HARRY, DRACO], members: { [GRYFF.id]: [HARRY.id, DRACO.id] } });
    const additive = computePlan(
      file({ groups: [{ name: "Gryffindors", members: [loc(RON.email), loc(HARRY.email)], exclusive: false, builtIn: false, at: at(2) }] }),
      live,
      newId,
    ).plan;
    expect(additive.steps).toEqual([{ kind: "updateGroup", id: GRYFF.id, name: "Gryffindors", add: [RON.id], remove: [] }]);
    const exclusive = computePlan(
      file({ groups: [{ name: "Gryffindors", members: [loc(RON.email), loc(HARRY.email)], exclusive: true, builtIn: false, at: at(2) }] }),
      live,
      newId,
    ).plan;
    expect(exclusive.steps).toEqual([{ kind: "updateGroup", id: GRYFF.id, name: "Gryffindors", add: [RON.id], remove: [DRACO.id] }]);
    expect(exclusive.changes[0]?.details).toEqual([
      { op: "+", text: RON.email },
      { op: "-", text: DRACO.email },
    ]);
  });

  it("no changes when the organization already matches", () => {
    const live = liveState({ groups: [GRYFF], robots: [robot(30, "Roby", [GRYFF.id])], users: [RON], members: { [GRYFF.id]: [RON.id] } });
    const { plan } = computePlan(
      file({
        groups: [{ name: "gryffindors", members: [loc(RON.email)], exclusive: true, builtIn: false, at: at(2) }],
        robotAccounts: [{ name: "Roby", groups: [loc("Gryffindors")], at: at(5) }],
      }),
      live,
      newId,
    );
    expect(plan.steps).toEqual([]);
    expect(plan.changes).toEqual([]);
  });

  it("new robot accounts join their groups, new ones included, inside their creates: no PUT at all", () => {
    const robots = Array.from({ length: 1000 }, (_, i) => ({ name: `Robot-${i}`, groups: [loc(`Team-${i % 20}`)], at: at(i + 30) }));
    const groups = Array.from({ length: 20 }, (_, i) => ({ name: `Team-${i}`, exclusive: false, builtIn: false, at: at(i + 2) }));
    const { plan, problems } = computePlan(file({ groups, robotAccounts: robots }), liveState({}), newId);
    expect(problems).toEqual([]);
    expect(requestsByMethod(plan.steps)).toEqual({ POST: 1020 });
    const team0 = plan.steps.find((s) => s.kind === "createGroup" && s.name === "Team-0") as { id: string };
    expect(plan.steps.find((s) => s.kind === "createRobot" && s.name === "Robot-20")).toMatchObject({ groupIds: [team0.id] });
    // Groups are created before the robot accounts that join them.
    const kinds = plan.steps.map((s) => s.kind);
    expect(kinds.indexOf("createRobot")).toBeGreaterThan(kinds.lastIndexOf("createGroup"));
  });

  it("membership of 200 users across 20 existing groups: one PUT per group, not one per member", () => {
    const teams = Array.from({ length: 20 }, (_, i) => group(100 + i, `Team-${i}`));
    const people = Array.from({ length: 200 }, (_, i) => user(1000 + i, `user${i}@hogwarts.example`));
    const { plan } = computePlan(
      file({
        groups: teams.map((t, i) => ({
          name: t.name as string,
          members: people.filter((_, p) => p % 20 === i).map((p) => loc(p.email)),
          exclusive: false,
          builtIn: false,
          at: at(i),
        })),
      }),
      liveState({ groups: teams, users: people, members: Object.fromEntries(teams.map((t) => [t.id, []])) }),
      newId,
    );
    expect(requestsByMethod(plan.steps)).toEqual({ PUT: 20 });
    expect(plan.steps.every((s) => s.kind === "updateGroup" && s.add.length === 10)).toBe(true);
  });

  it("an existing robot account joins a group through the group's PUT, unless it has a PUT of its own anyway", () => {
    const live = liveState({ groups: [GRYFF, ALUMNI], robots: [robot(30, "Roby"), robot(31, "Dobby")] });
    const { plan } = computePlan(
      file({
        robotAccounts: [
          { name: "Roby", groups: [loc("Gryffindors")], at: at(2) },
          { name: "Dobby", displayName: "Dobby, a free elf", groups: [loc("Gryffindors"), loc("alumni")], at: at(5) },
        ],
      }),
      live,
      newId,
    );
    expect(plan.steps).toEqual([
      { kind: "updateRobot", id: id(31), name: "Dobby", displayName: "Dobby, a free elf", add: [GRYFF.id, ALUMNI.id], remove: [] },
      { kind: "updateGroup", id: GRYFF.id, name: "Gryffindors", add: [id(30)], remove: [] },
    ]);
  });

  it("prunes with one bulk DELETE per kind, never a built-in group, never what the file lists", () => {
    const live = liveState({ groups: [ADMINS, GRYFF, ALUMNI], robots: [robot(30, "Roby"), robot(31, "Dobby"), robot(32, "Hedwig")] });
    const { plan } = computePlan(
      file({
        groups: [{ name: "Gryffindors", exclusive: false, builtIn: false, at: at(2) }],
        robotAccounts: [{ name: "roby", groups: [], at: at(4) }],
        prune: { groups: true, robotAccounts: true },
      }),
      live,
      newId,
    );
    expect(plan.steps).toEqual([
      { kind: "deleteGroups", ids: [ALUMNI.id], names: ["alumni"] },
      { kind: "deleteRobots", ids: [id(31), id(32)], names: ["Dobby", "Hedwig"] },
    ]);
    expect(summary(plan)).toEqual({ add: 0, change: 0, remove: 3 });
  });

  it("new users are created in bulk, one POST per set of groups; existing ones join through the groups' PUT", () => {
    const live = liveState({ groups: [GRYFF, ALUMNI], users: [RON], members: { [GRYFF.id]: [], [ALUMNI.id]: [] } });
    const { plan } = computePlan(
      file({
        users: [
          { email: "neville@hogwarts.example", name: "Neville", groups: [loc("Gryffindors")], at: at(2) },
          { email: "luna@hogwarts.example", groups: [loc("alumni")], at: at(3) },
          { email: "ginny@hogwarts.example", groups: [loc("Gryffindors")], at: at(4) },
          { email: RON.email, groups: [loc("alumni")], at: at(5) },
        ],
      }),
      live,
      newId,
    );
    expect(requestsByMethod(plan.steps)).toEqual({ POST: 2, PUT: 1 });
    expect(plan.steps.filter((s) => s.kind === "createUsers")).toEqual([
      {
        kind: "createUsers",
        groupIds: [GRYFF.id],
        users: [{ email: "neville@hogwarts.example", name: "Neville" }, { email: "ginny@hogwarts.example" }],
      },
      { kind: "createUsers", groupIds: [ALUMNI.id], users: [{ email: "luna@hogwarts.example" }] },
    ]);
    expect(plan.steps.find((s) => s.kind === "updateGroup")).toEqual({
      kind: "updateGroup",
      id: ALUMNI.id,
      name: "alumni",
      add: [RON.id],
      remove: [],
    });
  });

  it("names what it cannot resolve, with the place in the file, and plans nothing it cannot do", () => {
    const { problems } = computePlan(
      file({
        groups: [
          { name: "Gryffindors", members: [loc("nobody@hogwarts.example", 3)], exclusive: false, builtIn: false, at: at(2) },
          { name: "Administrators", members: [loc(RON.email, 6)], exclusive: false, builtIn: false, at: at(5) },
        ],
        robotAccounts: [{ name: "Roby", groups: [loc("Slytherins", 9)], at: at(8) }],
      }),
      liveState({ groups: [ADMINS, GRYFF], users: [RON] }),
      newId,
    );
    expect(problems.map((p) => `${p.at.line}: ${p.message}`)).toEqual([
      '5: "Administrators" is a built-in group: its members cannot be managed here (mark it builtIn: true or leave its members out)',
      '3: no user or robot account is named "nobody@hogwarts.example" (the directory does not know this address or user name)',
      '9: group "Slytherins" does not exist (neither in this organization nor in the file)',
    ]);
  });
});
