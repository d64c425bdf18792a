import { afterEach, describe, expect, it } from "@jest/globals";
import { GRYFFINDORS, ORG, clientFor, roby, startIdentity, type ApiRequest, type FakeIdentity } from "./helpers/identity.js";
import { send } from "../helpers/http-server.js";

let server: FakeIdentity | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const guid = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
const robots = Array.from({ length: 2500 }, (_, i) => ({ ...roby, id: guid(i), name: `robot-${i}`, displayName: `robot-${i}` }));
const members = Array.from({ length: 5 }, (_, i) => ({ id: guid(i), type: "DirectoryUser" }));

/** Serves `items` a page at a time, with the service's default page size of 10. */
function pageOf<T>(items: T[], req: ApiRequest) {
  const top = Number(req.query.get("top") ?? 10);
  const skip = Number(req.query.get("skip") ?? 0);
  return { totalCount: items.length, results: items.slice(skip, skip + top) };
}

const windows = (s: FakeIdentity) => s.apiRequests.map((r) => `${r.query.get("top")}/${r.query.get("skip")}`);

describe("robotAccounts.list", () => {
  it("walks every page at the maximum size, lazily, in order", async () => {
    server = await startIdentity((req, res) => send(res, 200, pageOf(robots, req)));
    const pm = clientFor(server);
    const seen: string[] = [];
    for await (const robot of pm.robotAccounts.list({ search: "robot", sortBy: "name", sortOrder: "asc" })) {
      seen.push(robot.id);
    }
    expect(seen).toEqual(robots.map((r) => r.id));
    expect(windows(server)).toEqual(["1000/0", "1000/1000", "1000/2000"]);
    expect(server.apiRequests.every((r) => r.apiPath === `/api/RobotAccount/${ORG}`)).toBe(true);
    expect(server.apiRequests.every((r) => r.query.get("searchTerm") === "robot" && r.query.get("sortOrder") === "asc")).toBe(true);
  });

  it("sends nothing until iterated, and stops fetching when the loop stops", async () => {
    server = await startIdentity((req, res) => send(res, 200, pageOf(robots, req)));
    const pm = clientFor(server);
    const iterable = pm.robotAccounts.list();
    expect(server.requests).toHaveLength(0);

    let count = 0;
    for await (const robot of iterable) {
      void robot;
      if (++count === 5) break;
    }
    expect(windows(server)).toEqual(["1000/0"]);

    count = 0;
    for await (const robot of iterable) {
      void robot;
      if (++count === 1001) break;
    }
    // A new loop starts from the top again, and only crosses into the second page when needed.
    expect(windows(server)).toEqual(["1000/0", "1000/0", "1000/1000"]);
  });

  it("toArray collects everything", async () => {
    server = await startIdentity((req, res) => send(res, 200, pageOf(robots.slice(0, 30), req)));
    const all = await clientFor(server).robotAccounts.list({}, { pageSize: 7 }).toArray();
    expect(all).toHaveLength(30);
    expect(windows(server)).toEqual(["7/0", "7/7", "7/14", "7/21", "7/28"]);
    // Options left out are left out of the query, not sent empty.
    expect(server.apiRequests[0]?.query.toString()).toBe("top=7&skip=0");
  });

  it("an empty page ends the walk even if totalCount promised more", async () => {
    server = await startIdentity((req, res) => send(res, 200, { totalCount: 50, results: req.query.get("skip") === "0" ? [roby] : null }));
    expect(await clientFor(server).robotAccounts.list().toArray()).toEqual([roby]);
    expect(windows(server)).toEqual(["1000/0", "1000/1"]);
  });

  it("an error on a later page reaches the loop", async () => {
    server = await startIdentity((req, res) =>
      req.query.get("skip") === "0" ? send(res, 200, pageOf(robots, req)) : send(res, 500, { title: "boom" }),
    );
    const seen: string[] = [];
    const loop = async () => {
      for await (const robot of clientFor(server as FakeIdentity).robotAccounts.list()) seen.push(robot.id);
    };
    await expect(loop()).rejects.toMatchObject({ kind: "server", status: 500 });
    expect(seen).toHaveLength(1000);
  });
});

describe("groups.listMembers", () => {
  it("walks the members pages", async () => {
    server = await startIdentity((req, res) => send(res, 200, pageOf(members, req)));
    const all = await clientFor(server).groups.listMembers(GRYFFINDORS, { pageSize: 2 }).toArray();
    expect(all).toEqual(members);
    expect(windows(server)).toEqual(["2/0", "2/2", "2/4"]);
    expect(server.apiRequests[0]?.apiPath).toBe(`/api/Group/${ORG}/${GRYFFINDORS}/Members`);
  });

  it("uses pages of 1000 by default", async () => {
    server = await startIdentity((req, res) => send(res, 200, pageOf(members, req)));
    for await (const member of clientFor(server).groups.listMembers(GRYFFINDORS)) void member;
    expect(windows(server)).toEqual(["1000/0"]);
  });
});
