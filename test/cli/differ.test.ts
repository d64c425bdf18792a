// The planner's request arithmetic and its plan as data, in-process: from a file and a live
// organization to the changes (each member its own element) and the fewest requests, with the
// scarce classes (PUT, DELETE) spent only where nothing cheaper does the job; and the guards.
import { describe, expect, it } from "@jest/globals";
import type { Group, RobotAccount } from "../../src/client/index.js";
import { computePlan, type DiffOptions } from "../../src/cli/iac/differ.js";
import { guardViolations } from "../../src/cli/iac/guards.js";
import { noPrune, type DesiredMember, type IdentityFile, type Position } from "../../src/cli/iac/identity-file.js";
import type { LiveState, UserRef } from "../../src/cli/iac/live.js";
import { summarize } from "../../src/cli/iac/model.js";
import { offlineProblems } from "../../src/cli/iac/offline-checks.js";
import { requestsByMethod } from "../../src/cli/iac/steps.js";

const at = (line: number): Position => ({ file: "identity.yaml", line, column: 5 });
const loc = (value: string, line = 1) => ({ value, at: at(line) });
const member = (value: string, line = 1): DesiredMember => ({ value, kind: "any", at: at(line) });
const dirGroup = (value: string, line = 1): DesiredMember => ({ value, kind: "directoryGroup", at: at(line) });

let counter = 0;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const options: DiffOptions = { newId: () => id(900000 + ++counter) };

function group(n: number, name: string, type: 0 | 1 = 1): Group {
  return { id: id(n), name, displayName: name, type, creationTime: "2021-01-01T00:00:00Z" };
}
function robot(n: number, name: string, groupIds: string[] = [], displayName = name): RobotAccount {
  return { id: id(n), name, displayName, creationTime: "2021-01-01T00:00:00Z", groupIds };
}
function user(n: number, email: string, extra: Partial<UserRef> = {}): UserRef {
  return { id: id(n), email, userName: email, local: true, active: true, ...extra };
}

interface LiveParts {
  groups?: Group[];
  robots?: RobotAccount[];
  users?: UserRef[];
  /** Group id -> member ids (users; `g:` prefixes a directory group's id). */
  members?: Record<string, string[]>;
  directoryGroups?: Array<{ id: string; name: string }>;
  allUsers?: boolean;
}

function liveState(parts: LiveParts): LiveState {
  const users = parts.users ?? [];
  const dgs = parts.directoryGroups ?? [];
  const members = new Map(
    Object.entries(parts.members ?? {}).map(([g, m]) => [
      g,
      new Map(m.map((x) => (x.startsWith("g:") ? [x.slice(2), "directoryGroup" as const] : [x, "user" as const]))),
    ]),
  );
  return {
    partitionGlobalId: id(1),
    baseUrl: "http://127.0.0.1/hogwarts/identity_",
    groups: parts.groups ?? [],
    robotAccounts: parts.robots ?? [],
    members,
    fullyRead: new Set(members.keys()),
    usersById: new Map(users.map((u) => [u.id, u])),
    usersByName: new Map(users.flatMap((u) => [[u.email, u] as const])),
    ...(parts.allUsers && { allUsers: users }),
    directoryGroupsById: new Map(dgs.map((g) => [g.id, g])),
    directoryGroupsByName: new Map(dgs.map((g) => [g.name.toLowerCase(), g])),
    unknownNames: new Set(),
    unknownGroupNames: new Map(),
    suggestions: new Map(),
  };
}

function file(parts: Partial<IdentityFile>): IdentityFile {
  return { groups: [], robotAccounts: [], users: [], prune: noPrune(), sources: [], ...parts };
}

const ADMINS = group(10, "Administrators", 0);
const GRYFF = group(11, "Gryffindors");
const ALUMNI = group(12, "alumni");
const EVERYONE = group(13, "Everyone", 0);
const RON = user(20, "ron.weasley@hogwarts.example");
const HARRY = user(21, "harry.potter@hogwarts.example");
const DRACO = user(22, "draco.malfoy@hogwarts.example");

const plan = (f: Partial<IdentityFile>, live: LiveParts) => computePlan(file(f), liveState(live), options);
const groupEntry = (name: string, members?: DesiredMember[], exclusive = false) => ({
  name,
  ...(members && { members }),
  exclusive,
  builtIn: false,
  at: at(2),
});

describe("the planner", () => {
  it("a new group takes its existing members in its own create: one POST", () => {
    const { steps, changes, problems } = plan(
      { groups: [groupEntry("Prefects", [member(RON.email), member(HARRY.email)])] },
      {
        groups: [GRYFF],
        users: [RON, HARRY],
      },
    );
    expect(problems).toEqual([]);
    expect(requestsByMethod(steps)).toEqual({ POST: 1 });
    expect(steps[0]).toMatchObject({ kind: "createGroup", name: "Prefects", memberIds: [RON.id, HARRY.id] });
    expect(summarize(changes)).toEqual({ add: 1, change: 0, remove: 0 });
  });

  it("additive membership adds what is missing and leaves others; exclusive also removes, both in one PUT", () => {
    const live = { groups: [GRYFF], users: [RON, HARRY, DRACO], members: { [GRYFF.id]: [HARRY.id, DRACO.id] } };
    const additive = plan({ groups: [groupEntry("Gryffindors", [member(RON.email), member(HARRY.email)])] }, live);
    expect(additive.steps).toEqual([{ kind: "updateGroup", id: GRYFF.id, name: "Gryffindors", add: [RON.id], remove: [] }]);
    const exclusive = plan({ groups: [groupEntry("Gryffindors", [member(RON.email), member(HARRY.email)], true)] }, live);
    expect(exclusive.steps).toEqual([{ kind: "updateGroup", id: GRYFF.id, name: "Gryffindors", add: [RON.id], remove: [DRACO.id] }]);
  });

  it("describes each member change as data: action, kind, name and id, no prose to parse", () => {
    const live = { groups: [GRYFF], users: [RON, DRACO], robots: [robot(30, "Roby", [GRYFF.id])], members: { [GRYFF.id]: [DRACO.id] } };
    const { changes } = plan(
      {
        groups: [groupEntry("Gryffindors", [member(RON.email)], true)],
        robotAccounts: [{ name: "Errol", groups: [loc("Gryffindors")], at: at(4) }],
      },
      live,
    );
    expect(changes.find((c) => c.resource === "group")).toEqual({
      action: "update",
      resource: "group",
      name: "Gryffindors",
      id: GRYFF.id,
      exclusive: true,
      attributes: [],
      members: [
        { action: "add", kind: "user", name: RON.email, id: RON.id },
        { action: "add", kind: "robotAccount", name: "Errol", new: true },
        { action: "remove", kind: "user", name: DRACO.email, id: DRACO.id },
        { action: "remove", kind: "robotAccount", name: "Roby", id: id(30) },
      ],
      groups: [],
    });
    expect(changes.find((c) => c.resource === "robotAccount")).toEqual({
      action: "create",
      resource: "robotAccount",
      name: "Errol",
      attributes: [],
      members: [],
      groups: [{ action: "add", group: "Gryffindors" }],
    });
  });

  it("no changes when the organization already matches", () => {
    const { steps, changes } = plan(
      {
        groups: [groupEntry("gryffindors", [member(RON.email)], true)],
        robotAccounts: [{ name: "Roby", groups: [loc("Gryffindors")], at: at(5) }],
      },
      { groups: [GRYFF], robots: [robot(30, "Roby", [GRYFF.id])], users: [RON], members: { [GRYFF.id]: [RON.id] } },
    );
    expect(steps).toEqual([]);
    expect(changes).toEqual([]);
  });

  it("new robot accounts join their groups, new ones included, inside their creates: no PUT at all", () => {
    const robots = Array.from({ length: 1000 }, (_, i) => ({ name: `Robot-${i}`, groups: [loc(`Team-${i % 20}`)], at: at(i + 30) }));
    const groups = Array.from({ length: 20 }, (_, i) => groupEntry(`Team-${i}`));
    const { steps, problems } = plan({ groups, robotAccounts: robots }, {});
    expect(problems).toEqual([]);
    expect(requestsByMethod(steps)).toEqual({ POST: 1020 });
    const team0 = steps.find((s) => s.kind === "createGroup" && s.name === "Team-0") as { id: string };
    expect(steps.find((s) => s.kind === "createRobotAccount" && s.name === "Robot-20")).toMatchObject({ groupIds: [team0.id] });
  });

  it("membership of 200 users across 20 existing groups: one PUT per group, not one per member", () => {
    const teams = Array.from({ length: 20 }, (_, i) => group(100 + i, `Team-${i}`));
    const people = Array.from({ length: 200 }, (_, i) => user(1000 + i, `user${i}@hogwarts.example`));
    const { steps } = plan(
      {
        groups: teams.map((t, i) =>
          groupEntry(
            t.name as string,
            people.filter((_, p) => p % 20 === i).map((p) => member(p.email)),
          ),
        ),
      },
      { groups: teams, users: people, members: Object.fromEntries(teams.map((t) => [t.id, []])) },
    );
    expect(requestsByMethod(steps)).toEqual({ PUT: 20 });
    expect(steps.every((s) => s.kind === "updateGroup" && s.add.length === 10)).toBe(true);
  });

  it("an existing robot account joins a group through the group's PUT, unless it has a PUT of its own anyway", () => {
    const { steps } = plan(
      {
        robotAccounts: [
          { name: "Roby", groups: [loc("Gryffindors")], at: at(2) },
          { name: "Dobby", displayName: "Dobby, a free elf", groups: [loc("Gryffindors"), loc("alumni")], at: at(5) },
        ],
      },
      { groups: [GRYFF, ALUMNI], robots: [robot(30, "Roby"), robot(31, "Dobby")], members: { [GRYFF.id]: [], [ALUMNI.id]: [] } },
    );
    expect(steps).toEqual([
      { kind: "updateRobotAccount", id: id(31), name: "Dobby", displayName: "Dobby, a free elf", add: [GRYFF.id, ALUMNI.id], remove: [] },
      { kind: "updateGroup", id: GRYFF.id, name: "Gryffindors", add: [id(30)], remove: [] },
    ]);
  });

  it("prunes with one bulk DELETE per kind, never a built-in group, a directory user, or what the file lists", () => {
    const dean = user(40, "dean.thomas@hogwarts.example");
    const cho = user(41, "cho.chang@ravenclaw.example", { local: false });
    const nameless = user(42, "", { userName: "seamus" });
    const { steps, changes } = plan(
      {
        groups: [groupEntry("Gryffindors")],
        robotAccounts: [{ name: "roby", groups: [], at: at(4) }],
        users: [{ email: RON.email, groups: [], at: at(6) }],
        prune: { groups: true, robotAccounts: true, users: true },
      },
      {
        groups: [ADMINS, GRYFF, ALUMNI],
        robots: [robot(30, "Roby"), robot(31, "Dobby"), robot(32, "Hedwig")],
        users: [RON, dean, cho, nameless],
        allUsers: true,
      },
    );
    expect(steps).toEqual([
      { kind: "deleteGroups", ids: [ALUMNI.id], names: ["alumni"] },
      { kind: "deleteRobotAccounts", ids: [id(31), id(32)], names: ["Dobby", "Hedwig"] },
      { kind: "deleteUsers", ids: [dean.id], names: [dean.email] },
    ]);
    expect(summarize(changes)).toEqual({ add: 0, change: 0, remove: 4 });
  });

  it("new users are created in bulk, one POST per set of groups; existing ones join through the groups' PUT", () => {
    const { steps } = plan(
      {
        users: [
          { email: "neville@hogwarts.example", name: "Neville", groups: [loc("Gryffindors")], at: at(2) },
          { email: "luna@hogwarts.example", groups: [loc("alumni")], at: at(3) },
          { email: "ginny@hogwarts.example", groups: [loc("Gryffindors")], at: at(4) },
          { email: RON.email, groups: [loc("alumni")], at: at(5) },
        ],
      },
      { groups: [GRYFF, ALUMNI], users: [RON], members: { [GRYFF.id]: [], [ALUMNI.id]: [] } },
    );
    expect(requestsByMethod(steps)).toEqual({ POST: 2, PUT: 1 });
    expect(steps.filter((s) => s.kind === "createUsers")).toEqual([
      {
        kind: "createUsers",
        groupIds: [GRYFF.id],
        users: [
          { id: expect.any(String), email: "neville@hogwarts.example", name: "Neville" },
          { id: expect.any(String), email: "ginny@hogwarts.example" },
        ],
      },
      { kind: "createUsers", groupIds: [ALUMNI.id], users: [{ id: expect.any(String), email: "luna@hogwarts.example" }] },
    ]);
    expect(steps.find((s) => s.kind === "updateGroup")).toEqual({
      kind: "updateGroup",
      id: ALUMNI.id,
      name: "alumni",
      add: [RON.id],
      remove: [],
    });
  });

  it("users: invited where the file or the deployment says so, names and active state updated with one PUT each", () => {
    const inactive = user(43, "dean.thomas@hogwarts.example", { name: "Dean", active: false });
    const { steps, changes } = computePlan(
      file({
        users: [
          { email: "cedric@hogwarts.example", name: "Cedric", groups: [loc("Gryffindors")], at: at(2) },
          { email: "cho@hogwarts.example", invite: false, active: false, groups: [], at: at(3) },
          { email: RON.email, name: "Ronald", groups: [], at: at(4) },
          { email: inactive.email, active: true, groups: [], at: at(5) },
          { email: HARRY.email, name: "", active: true, groups: [], at: at(6) },
        ],
      }),
      liveState({ groups: [GRYFF], users: [RON, HARRY, inactive], members: { [GRYFF.id]: [] } }),
      { ...options, invite: true },
    );
    expect(steps.find((s) => s.kind === "inviteUsers")).toEqual({
      kind: "inviteUsers",
      users: [{ email: "cedric@hogwarts.example", name: "Cedric", groupIds: [GRYFF.id] }],
    });
    const created = steps.find((s) => s.kind === "createUsers");
    expect(created).toMatchObject({ users: [{ email: "cho@hogwarts.example" }] });
    expect(steps.filter((s) => s.kind === "updateUser")).toEqual([
      { kind: "updateUser", id: (created as { users: Array<{ id: string }> }).users[0]!.id, email: "cho@hogwarts.example", active: false },
      { kind: "updateUser", id: RON.id, email: RON.email, name: "Ronald" },
      { kind: "updateUser", id: inactive.id, email: inactive.email, active: true },
    ]);
    expect(changes.find((c) => c.name === inactive.email)?.attributes).toEqual([{ attribute: "active", before: false, after: true }]);
    expect(changes.find((c) => c.name === "cedric@hogwarts.example")).toMatchObject({ action: "create", invite: true });
  });

  it("built-in groups: members managed (additive or exclusive), never renamed; Everyone cannot list members", () => {
    const live = { groups: [ADMINS, EVERYONE], users: [RON, HARRY], members: { [ADMINS.id]: [HARRY.id] } };
    const { steps, changes, problems } = plan({ groups: [groupEntry("Administrators", [member(RON.email)], true)] }, live);
    expect(problems).toEqual([]);
    expect(steps).toEqual([{ kind: "updateGroup", id: ADMINS.id, name: "Administrators", add: [RON.id], remove: [HARRY.id] }]);
    expect(changes[0]).toMatchObject({ action: "update", builtIn: true, exclusive: true });

    // Everyone is refused from the file alone, before any read.
    const everyone = file({
      groups: [{ ...groupEntry("Everyone", [member(RON.email)]), at: at(7) }],
      users: [{ email: RON.email, groups: [loc("Everyone", 9)], at: at(8) }],
    });
    expect(offlineProblems(everyone).map((p) => `${p.at.line}: ${p.message}`)).toEqual([
      '7: "Everyone" cannot list members: every user of the organization is in it (leave members out)',
      '9: "Everyone" cannot be joined: every user of the organization is in it already',
    ]);
    // The differ itself leaves Everyone's membership alone.
    expect(computePlan(everyone, liveState(live), options).steps).toEqual([]);
  });

  it("directory groups are members like any other: added, kept, removed by an exclusive group", () => {
    const admins = { id: id(70), name: "UiPath-Admins" };
    const old = { id: id(71), name: "Old-Admins" };
    const { steps, changes } = plan(
      { groups: [groupEntry("Administrators", [member(RON.email), dirGroup("uipath-admins")], true)] },
      { groups: [ADMINS], users: [RON], directoryGroups: [admins, old], members: { [ADMINS.id]: [RON.id, `g:${old.id}`] } },
    );
    expect(steps).toEqual([{ kind: "updateGroup", id: ADMINS.id, name: "Administrators", add: [admins.id], remove: [old.id] }]);
    expect(changes[0]?.members).toEqual([
      { action: "add", kind: "directoryGroup", name: "UiPath-Admins", id: admins.id },
      { action: "remove", kind: "directoryGroup", name: "Old-Admins", id: old.id },
    ]);
  });

  it("names what it cannot resolve, with the place in the file and the closest name, and plans nothing it cannot do", () => {
    const { problems } = plan(
      {
        groups: [
          groupEntry("Gryffindors", [member("ron.weasly@hogwarts.example", 3), member("nobody@nowhere.example", 4)]),
          { ...groupEntry("Administrators", [dirGroup("UiPath-Admns", 6)]), at: at(5) },
        ],
        robotAccounts: [{ name: "Roby", groups: [loc("Gryfindors", 9), loc("Slytherins", 10)], at: at(8) }],
      },
      { groups: [ADMINS, GRYFF], users: [RON] },
    );
    expect(problems.map((p) => `${p.at.line}: ${p.message}`)).toEqual([
      '3: no user or robot account is named "ron.weasly@hogwarts.example" (did you mean "ron.weasley@hogwarts.example"?)',
      '4: no user or robot account is named "nobody@nowhere.example" (the directory does not know this address or user name)',
      '6: no directory group is named "UiPath-Admns" (the directory does not know it)',
      '9: group "Gryfindors" does not exist (neither in this organization nor in the file) (did you mean "Gryffindors"?)',
      '10: group "Slytherins" does not exist (neither in this organization nor in the file)',
    ]);
  });
});

describe("the guards", () => {
  const ten = Array.from({ length: 10 }, (_, i) => user(200 + i, `student${i}@hogwarts.example`));
  const live = liveState({ groups: [ADMINS, GRYFF], users: ten, members: { [GRYFF.id]: ten.map((u) => u.id), [ADMINS.id]: [ten[0]!.id] } });
  const keep = (n: number) =>
    computePlan(
      file({
        groups: [
          groupEntry(
            "Gryffindors",
            ten.slice(0, n).map((u) => member(u.email)),
            true,
          ),
        ],
      }),
      live,
      options,
    );

  it("refuse removing more than 25% of a group's members when at least 5 go, naming the flag; a higher limit allows it", () => {
    const sixOfTen = keep(4);
    expect(guardViolations(sixOfTen.changes, live)).toEqual([
      'the plan removes 6 of the 10 members of group "Gryffindors" (60%), more than 25%: check the file, or allow it with --max-removals 60',
    ]);
    expect(guardViolations(sixOfTen.changes, live, 60)).toEqual([]);
    expect(guardViolations(sixOfTen.changes, live, 100)).toEqual([]);
    // Four go: a normal edit, whatever the share.
    expect(guardViolations(keep(6).changes, live)).toEqual([]);
  });

  it("refuse deleting more than 25% of the robot accounts when at least 5 go", () => {
    const robots = Array.from({ length: 12 }, (_, i) => robot(300 + i, `Bot-${i}`));
    const state = liveState({ robots });
    const { changes } = computePlan(
      file({
        robotAccounts: robots.slice(0, 6).map((r) => ({ name: r.name as string, groups: [], at: at(1) })),
        prune: { ...noPrune(), robotAccounts: true },
      }),
      state,
      options,
    );
    expect(guardViolations(changes, state)).toEqual([
      "the plan deletes 6 of the 12 robot accounts (50%), more than 25%: check the file and its prune settings, or allow it with --max-removals 50",
    ]);
  });

  it("never leave Administrators without a member, whatever the limit", () => {
    const admins = computePlan(file({ groups: [groupEntry("Administrators", [], true)] }), live, options);
    const message = guardViolations(admins.changes, live, 100);
    expect(message).toEqual([
      'the plan leaves "Administrators" with no member (it removes all 1), and nobody could administer the organization: keep at least one member (no flag allows this)',
    ]);
    // Deleting its only member as a user empties it just the same.
    const state = liveState({ groups: [ADMINS], users: ten, members: { [ADMINS.id]: [ten[0]!.id] }, allUsers: true });
    const prune = computePlan(
      file({ users: ten.slice(1).map((u) => ({ email: u.email, groups: [], at: at(1) })), prune: { ...noPrune(), users: true } }),
      state,
      options,
    );
    expect(guardViolations(prune.changes, state, 100)).toEqual(message);
  });
});
