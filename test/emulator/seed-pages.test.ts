// The curl calls of UiPath's documentation pages (placeholder ids swapped for GUIDs), sent as
// plain HTTP, get the responses the pages show.
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import type { SeedData } from "../../src/emulator/index.js";
import { SEED_PAYLOADS, withGuids } from "../fixtures/seed-payloads.js";
import { allScopes, call, emulatorPerTest, GRYFFINDORS, ORG_ID, ROBY } from "./support.js";

const demo = JSON.parse(readFileSync(new URL("../../src/emulator/demo-seed.json", import.meta.url), "utf8")) as SeedData;

/** The addresses the page shows for its users (the demo's are `first.last@`), by id. */
const pageEmails = new Map(
  (
    withGuids(SEED_PAYLOADS.find((p) => p.page === "Create a New Local Group" && p.part === "201")!.text) as {
      members: Array<{ identifier: string; email: string }>;
    }
  ).members.map((m) => [m.identifier, m.email]),
);

/** The demo data before the walkthrough: the users (with the page's addresses) and alumni, but no Gryffindors and no Roby yet. */
const beforeWalkthrough: SeedData = {
  users: (demo.users ?? []).map((u) =>
    pageEmails.has(u.identifier) ? { ...u, email: pageEmails.get(u.identifier)!, userName: pageEmails.get(u.identifier)! } : u,
  ),
  directoryGroups: demo.directoryGroups,
  groups: (demo.groups ?? []).filter((g) => g.id !== GRYFFINDORS),
  robotAccounts: (demo.robotAccounts ?? [])
    .filter((r) => r.id !== ROBY)
    .map((r) => ({ ...r, groupIds: (r.groupIds ?? []).filter((g) => g !== GRYFFINDORS) })),
};

/** After the group page: Gryffindors exists, Roby does not. */
const afterGroupPage: SeedData = { ...demo, robotAccounts: (demo.robotAccounts ?? []).filter((r) => r.id !== ROBY) };

function payload(page: string, part: string): { text: string; value: Record<string, unknown> } {
  const found = SEED_PAYLOADS.find((p) => p.page === page && p.part === part);
  if (!found) throw new Error(`No seed payload for ${page} ${part}`);
  return { text: found.text, value: withGuids(found.text) as Record<string, unknown> };
}

const byIdentifier = (members: Array<{ identifier: string }>) => [...members].sort((a, b) => a.identifier.localeCompare(b.identifier));

const start = emulatorPerTest();

describe("seed pages", () => {
  it("Create a New Local Group: 201 with the page's group and members", async () => {
    const emulator = await start({ seed: beforeWalkthrough });
    const request = payload("Create a New Local Group", "request").value;
    const res = await call(emulator.baseUrl(), "POST", "/api/Group", { token: allScopes(emulator), body: request });
    expect(res.status).toBe(201);
    const expected = payload("Create a New Local Group", "201").value as { members: Array<{ identifier: string }> };
    expect({ ...res.json, creationTime: "", members: byIdentifier(res.json.members) }).toEqual({
      ...expected,
      creationTime: "",
      members: byIdentifier(expected.members),
    });
  });

  it("Create a New Robot Account (curl example): 201 with the page's account", async () => {
    const emulator = await start({ seed: afterGroupPage });
    const res = await call(emulator.baseUrl(), "POST", "/api/RobotAccount", {
      token: allScopes(emulator),
      body: payload("Create a New Robot Account (curl example)", "request").value,
    });
    expect(res.status).toBe(201);
    const expected = payload("Create a New Robot Account", "201").value;
    // The service picks the id and the time.
    expect({ ...res.json, id: expected.id, creationTime: expected.creationTime }).toEqual(expected);
  });

  it("Update Robot Account on the standalone /identity layout: 200 with both groups", async () => {
    const emulator = await start();
    const res = await call(`${emulator.url}/identity`, "PUT", `/api/RobotAccount/${ROBY}`, {
      token: allScopes(emulator),
      body: payload("Update Robot Account", "request").value,
    });
    expect(res.status).toBe(200);
    const expected = payload("Update Robot Account", "200").value;
    expect({ ...res.json, creationTime: expected.creationTime }).toEqual(expected);
  });

  it("the pages' short placeholder ids are refused with 400, as by the live service", async () => {
    const emulator = await start({ seed: beforeWalkthrough });
    const raw = JSON.parse(payload("Create a New Local Group", "request").text) as unknown;
    const res = await call(emulator.baseUrl(), "POST", "/api/Group", { token: allScopes(emulator), body: raw });
    expect(res.status).toBe(400);
    expect(Object.keys(res.json.errors).sort()).toEqual([
      "$.directoryUserMemberIDs[0]",
      "$.directoryUserMemberIDs[1]",
      "$.directoryUserMemberIDs[2]",
      "$.id",
      "$.partitionGlobalId",
    ]);
    const put = await call(`${emulator.url}/identity`, "PUT", "/api/RobotAccount/88-uv", {
      token: allScopes(emulator),
      body: { partitionGlobalId: ORG_ID },
    });
    expect(put.json.errors).toEqual({ robotAccountId: ["The value '88-uv' is not valid."] });
  });
});
