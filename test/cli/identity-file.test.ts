// Reading identity files: every mistake named with FILE:LINE:COLUMN, all of them at once.
import { afterAll, describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FileProblems } from "../../src/cli/iac/identity-file.js";
import { readIdentityFiles } from "../../src/cli/iac/read-identity-files.js";
import type { Io } from "../../src/cli/io.js";

const dir = mkdtempSync(join(tmpdir(), "identity-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const io = (stdin = ""): Io => ({ stdout: { write: () => true }, stderr: { write: () => true }, stdin: Readable.from([stdin]), env: {} });

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function problems(...paths: string[]): Promise<string[]> {
  const error = await readIdentityFiles(paths, io()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FileProblems);
  return (error as FileProblems).problems.map((p) => p.replaceAll(`${dir}/`, ""));
}

describe("identity files", () => {
  it("reads the YAML form, keeping where each entry was written", async () => {
    const path = write(
      "ok.yaml",
      `groups:
  - name: Gryffindors
    members: [ron.weasley@hogwarts.example, harry.potter@hogwarts.example]
    exclusive: false
robotAccounts:
  - name: Roby
    displayName: Roby the robot
    groups: [Gryffindors]
prune: { groups: false, robotAccounts: true }
`,
    );
    const file = await readIdentityFiles([path], io());
    expect(file.groups[0]).toMatchObject({ name: "Gryffindors", exclusive: false, builtIn: false, at: { line: 2, column: 5 } });
    expect(file.groups[0]?.members?.map((m) => [m.value, m.at.line, m.at.column])).toEqual([
      ["ron.weasley@hogwarts.example", 3, 15],
      ["harry.potter@hogwarts.example", 3, 45],
    ]);
    expect(file.robotAccounts[0]).toMatchObject({ name: "Roby", displayName: "Roby the robot", at: { line: 6 } });
    expect(file.prune).toEqual({ groups: false, robotAccounts: true, users: false });
    expect(file.sources[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names unknown keys, wrong types and missing fields with line and column, all at once", async () => {
    const path = write(
      "bad.yaml",
      `groups:
  - name: Gryffindors
    membrs: [ron.weasley@hogwarts.example]
  - members: [harry.potter@hogwarts.example]
  - name: Prefects
    exclusive: true
robotAccounts:
  - name: Roby
    groups: Gryffindors
users:
  - email: not-an-address
`,
    );
    expect(await problems(path)).toEqual([
      'bad.yaml:3:5: unknown key "membrs" in groups.0 (allowed: name, members, exclusive, builtIn)',
      'bad.yaml:4:5: groups.1 needs "name"',
      'bad.yaml:5:5: groups.2 needs "members"',
      "bad.yaml:9:13: robotAccounts.0.groups must be array",
      "bad.yaml:11:12: users.0.email is not an e-mail address",
    ]);
  });

  it("reports YAML syntax errors where they are", async () => {
    const path = write("syntax.yaml", "groups:\n  - name: [Gryffindors\n");
    const found = await problems(path);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^syntax\.yaml:\d+:\d+: /);
  });

  it("reads robot accounts and users from CSV, groups separated by ;, whatever the line endings", async () => {
    const robots = write("robots.csv", "name,displayName,groups\r\nRoby,Roby the robot,Gryffindors;alumni\nDobby,,\r\n");
    const users = write("users.csv", "\ufeffemail,name,surname,groups\nneville@hogwarts.example,Neville,Longbottom,Gryffindors\n");
    const file = await readIdentityFiles([robots, users], io());
    expect(file.robotAccounts.map((r) => [r.name, r.displayName, r.groups.map((g) => g.value), r.at.line])).toEqual([
      ["Roby", "Roby the robot", ["Gryffindors", "alumni"], 2],
      ["Dobby", undefined, [], 3],
    ]);
    expect(file.users).toMatchObject([{ email: "neville@hogwarts.example", name: "Neville", surname: "Longbottom", at: { line: 2 } }]);
  });

  it("names CSV mistakes by line and column", async () => {
    const path = write("wrong.csv", "email,nickname,groups\nneville@hogwarts.example,Nev,\nluna,Luna,\n,x,\n");
    expect(await problems(path)).toEqual([
      'wrong.csv:1:2: unknown column "nickname" (allowed for users: email, name, surname, groups, active)',
      'wrong.csv:3:1: "luna" is not an e-mail address',
      "wrong.csv:4:1: email must not be empty",
    ]);
  });

  it("refuses the same name twice across files, pointing at both", async () => {
    const a = write("a.yaml", "robotAccounts:\n  - name: Roby\n");
    const b = write("b.csv", "name\nroby\n");
    expect(await problems(a, b)).toEqual(['b.csv:2:1: robot account "roby" is already listed at a.yaml:2:5']);
  });

  it("reads a file from stdin with -", async () => {
    const file = await readIdentityFiles(["-"], io('{"groups":[{"name":"Gryffindors"}]}'));
    expect(file.groups[0]).toMatchObject({ name: "Gryffindors", at: { file: "(stdin)", line: 1 } });
  });
});
