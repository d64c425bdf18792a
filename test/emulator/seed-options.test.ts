// Seeds and options: what the emulator starts with, and how it refuses bad configuration.
import { describe, expect, it } from "@jest/globals";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SeedData } from "../../src/emulator/index.js";
import { BUILT_IN_GROUPS, emulatorPerTest, GRYFFINDORS, HARRY, HERMIONE, ORG_ID, RON } from "./support.js";

const start = emulatorPerTest();

const small: SeedData = {
  users: [{ objectType: "DirectoryUser", identifier: RON, name: "Ron" }],
  groups: [{ id: GRYFFINDORS, name: "Gryffindors", type: 1, memberIds: [RON] }],
  robotAccounts: [{ id: "c3a7e1f9-2b6d-4e80-9f14-7a5c0d3e8812", name: "Roby", groupIds: [GRYFFINDORS] }],
};

describe("seeds", () => {
  it("starts with the walkthrough data by default", async () => {
    const emulator = await start();
    const s = emulator.state();
    expect(s.organization).toEqual({ name: "hogwarts", partitionGlobalId: ORG_ID });
    expect(s.users.map((u) => u.displayName)).toEqual([
      "Ron Weasley",
      "Harry Potter",
      "Hermione Granger",
      "Neville Longbottom",
      "Luna Lovegood",
      "Ginny Weasley",
      "Albus Dumbledore",
      "Draco Malfoy",
    ]);
    expect(s.groups.map((g) => g.name)).toEqual([...BUILT_IN_GROUPS, "Gryffindors", "alumni", "Prefects"]);
    expect(s.robotAccounts.find((r) => r.name === "Roby")?.groupIds).toEqual([GRYFFINDORS]);
  });

  it('"empty" keeps only the built-in groups', async () => {
    const emulator = await start({ seed: "empty" });
    const s = emulator.state();
    expect(s.groups.map((g) => [g.name, g.type])).toEqual(BUILT_IN_GROUPS.map((name) => [name, 0]));
    // The demo's administrators (Albus) are not carried over.
    expect(s.groups.every((g) => g.members?.length === 0)).toBe(true);
    expect(s.users).toEqual([]);
    expect(s.robotAccounts).toEqual([]);
  });

  it("takes a seed object or a JSON file, filling in defaults", async () => {
    const fromObject = await start({ seed: small, now: () => Date.parse("2024-01-02T03:04:05Z") });
    expect(fromObject.state().robotAccounts).toEqual([
      {
        id: "c3a7e1f9-2b6d-4e80-9f14-7a5c0d3e8812",
        name: "Roby",
        displayName: "Roby",
        creationTime: "2024-01-02T03:04:05.000Z",
        lastLoginTime: null,
        groupIds: [GRYFFINDORS],
      },
    ]);
    const file = join(mkdtempSync(join(tmpdir(), "seed-")), "seed.json");
    writeFileSync(file, JSON.stringify(small));
    const fromFile = await start({ seed: file });
    expect(fromFile.state().groups.map((g) => g.name)).toEqual(["Gryffindors"]);
  });

  it("maps a seeded user's directory entry and optional user fields onto a user", async () => {
    const seed: SeedData = {
      users: [
        // Today's shape: a directory entry only.
        { objectType: "DirectoryUser", identifier: RON, name: "Ron", email: "ron@hogwarts.example", lastName: "Weasley", city: "London" },
        // With user fields; first and last name from firstName/surname, which win over name/lastName.
        {
          objectType: "DirectoryUser",
          identifier: HARRY,
          name: "H",
          firstName: "Harry",
          lastName: "P",
          surname: "Potter",
          userName: "hpotter",
          type: "user",
          isActive: false,
          invitationAccepted: false,
          emailConfirmed: false,
          creationTime: "2020-01-01T00:00:00",
          lastLoginTime: "2021-01-01T00:00:00Z",
          legacyId: 42,
          category: 1,
          bypassBasicAuthRestriction: true,
          source: "ministry",
        },
        // Neither user name nor e-mail: the id is the user name.
        { objectType: "DirectoryUser", identifier: HERMIONE.toUpperCase() },
      ],
    };
    const emulator = await start({ seed, now: () => Date.parse("2024-01-02T03:04:05Z") });
    const [ron, harry, hermione] = emulator.state().users;
    expect(ron).toMatchObject({
      id: RON,
      userName: "ron@hogwarts.example",
      email: "ron@hogwarts.example",
      name: "Ron",
      surname: "Weasley",
      displayName: "Ron Weasley",
      type: 0,
      isActive: true,
      invitationAccepted: true,
      emailConfirmed: true,
      creationTime: "2024-01-02T03:04:05.000Z",
      lastLoginTime: null,
      category: 0,
      city: "London",
      source: "local",
    });
    expect(harry).toMatchObject({
      userName: "hpotter",
      name: "Harry",
      surname: "Potter",
      firstName: "Harry",
      lastName: "Potter",
      type: 0,
      isActive: false,
      invitationAccepted: false,
      emailConfirmed: false,
      creationTime: "2020-01-01T00:00:00",
      lastLoginTime: "2021-01-01T00:00:00Z",
      legacyId: 42,
      category: 1,
      bypassBasicAuthRestriction: true,
      source: "ministry",
      email: "",
    });
    expect(hermione).toMatchObject({ id: HERMIONE, userName: HERMIONE, email: "", displayName: HERMIONE });
    // Legacy ids count on from the highest one given.
    expect(hermione!.legacyId).toBe(43);
  });

  it.each([
    [
      {
        users: [
          { objectType: "DirectoryUser", identifier: RON },
          { objectType: "DirectoryUser", identifier: RON.toUpperCase() },
        ],
      },
      `user id ${RON.toUpperCase()} appears twice`,
    ],
    [
      {
        users: [
          { objectType: "DirectoryUser", identifier: RON, userName: "ron" },
          { objectType: "DirectoryUser", identifier: HARRY, email: "RON" },
        ],
      },
      "user name 'RON' appears twice",
    ],
    [
      {
        users: [
          { objectType: "DirectoryUser", identifier: RON, userName: "a", email: "x@y.example" },
          { objectType: "DirectoryUser", identifier: HARRY, userName: "b", email: "X@y.example" },
        ],
      },
      "e-mail address 'X@y.example' appears twice",
    ],
    [
      { users: [{ objectType: "DirectoryUser", identifier: RON, userName: "roby" }], robotAccounts: [{ id: HARRY, name: "Roby" }] },
      "robot account name 'Roby' is also a user name",
    ],
    [
      { users: [{ objectType: "DirectoryUser", identifier: RON }], robotAccounts: [{ id: RON, name: "Roby" }] },
      `robot account id ${RON} appears twice`,
    ],
    [{ users: [{ objectType: "DirectoryUser", identifier: RON, type: 9 }] }, "/users/0/type"],
    [{ users: [{ objectType: "DirectoryUser", identifier: RON, userName: "" }] }, "/users/0/userName"],
    [{ groups: [{ id: GRYFFINDORS, name: "G", type: 1, memberIds: [HARRY] }] }, `group 'G' names unknown user or directory group ${HARRY}`],
    [
      {
        groups: [
          { id: GRYFFINDORS, name: "G", type: 1 },
          { id: GRYFFINDORS, name: "H", type: 1 },
        ],
      },
      `group id ${GRYFFINDORS} appears twice`,
    ],
    [
      {
        groups: [
          { id: GRYFFINDORS, name: "G", type: 1 },
          { id: HARRY, name: "g", type: 1 },
        ],
      },
      "group name 'g' appears twice",
    ],
    [{ robotAccounts: [{ id: RON, name: "R", groupIds: [GRYFFINDORS] }] }, `robot account 'R' names unknown group ${GRYFFINDORS}`],
    [{ robotAccounts: [{ id: "rb-12", name: "R" }] }, "Seed object is invalid: /robotAccounts/0/id"],
    [{ groups: [{ id: GRYFFINDORS, name: "G", type: 7 }] }, "/groups/0/type"],
    [{ robots: [] }, "(root) must NOT have additional properties"],
  ])("refuses a bad seed %j with a clear message", async (seed, message) => {
    await expect(start({ seed: seed as SeedData })).rejects.toThrow(message);
  });

  it("names a seed file that is not JSON", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "seed-")), "seed.json");
    writeFileSync(file, "{ nope");
    await expect(start({ seed: file })).rejects.toThrow(`Seed file ${file} is not valid JSON`);
  });
});

describe("options and handle", () => {
  it("refuses an organization configured twice and an unreadable docs page", async () => {
    const org = { name: "hogwarts", partitionGlobalId: ORG_ID };
    await expect(start({ organizations: [org, org] })).rejects.toThrow("Organization 'hogwarts' is configured twice");
    await expect(start({ docsHtmlPath: "/nonexistent/index.html" })).rejects.toThrow(
      "Cannot read the docs page /nonexistent/index.html: ENOENT",
    );
  });

  it("serves a given docs page at /docs", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "docs-")), "index.html");
    writeFileSync(file, "<html><body>Rendered reference</body></html>");
    const emulator = await start({ docsHtmlPath: file });
    expect(await (await fetch(`${emulator.url}/docs`)).text()).toContain("Rendered reference");
  });

  it("names unknown organizations, and closes more than once without harm", async () => {
    const emulator = await start();
    expect(() => emulator.state("nowhere")).toThrow("Unknown organization 'nowhere'");
    expect(() => emulator.baseUrl("nowhere")).toThrow("Unknown organization 'nowhere'");
    expect(emulator.baseUrl()).toBe(`${emulator.url}/hogwarts/identity_`);
    await emulator.close();
    await emulator.close();
  });

  it("never shows client secrets in the handle", async () => {
    const emulator = await start({ clients: [{ clientId: "c", clientSecret: "very-secret-value", scopes: ["PM.Group"] }] });
    expect(JSON.stringify(emulator)).not.toContain("very-secret-value");
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- what String() shows of the handle is the point.
    expect(String(emulator)).not.toContain("very-secret-value");
  });
});
