// A stand-in for the part of GitHub's REST API the action uses, on loopback: issues (a pull request
// is an issue too), their comments, labels and state, with GitHub's paging, its token check and its
// 65,536-character limit on a body. What it holds and every request it got are open to the test.
import type { ServerResponse } from "node:http";
import { startServer, type Recorded, type TestServer } from "./http-server.js";

export interface StandInIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason?: string;
  labels: string[];
  pull_request?: { url: string };
  comments: Array<{ id: number; body: string }>;
}

export interface GitHubStandIn extends TestServer {
  /** The API base, for GITHUB_API_URL. */
  apiUrl: string;
  issues: StandInIssue[];
  /** Adds an open pull request (an issue with a pull_request key). */
  pullRequest(number: number): StandInIssue;
}

const LIMIT = 65_536;

export async function startGitHubStandIn(options: { repository: string; token: string }): Promise<GitHubStandIn> {
  const issues: StandInIssue[] = [];
  let nextComment = 1000;
  const prefix = `/repos/${options.repository}`;
  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };
  const page = <T>(req: Recorded, items: T[]): T[] => {
    const per = Number(req.query.get("per_page") ?? 30);
    const n = Number(req.query.get("page") ?? 1);
    return items.slice((n - 1) * per, n * per);
  };
  const view = (i: StandInIssue) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    labels: i.labels.map((name) => ({ name })),
    html_url: `https://github.example/${options.repository}/issues/${i.number}`,
    ...(i.pull_request && { pull_request: i.pull_request }),
  });
  const tooLong = (res: ServerResponse, body: unknown) => {
    if (typeof body === "string" && body.length > LIMIT) {
      send(res, 422, { message: "Validation Failed", errors: [{ message: `body is too long (maximum is ${LIMIT} characters)` }] });
      return true;
    }
    return false;
  };

  const server = await startServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${options.token}`) return send(res, 401, { message: "Bad credentials" });
    if (!req.path.startsWith(prefix)) return send(res, 404, { message: "Not Found" });
    const path = req.path.slice(prefix.length);
    let m: RegExpExecArray | null;
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(path))) {
      const issue = issues.find((i) => i.number === Number(m![1]));
      if (!issue) return send(res, 404, { message: "Not Found" });
      if (req.method === "GET") return send(res, 200, page(req, issue.comments));
      if (req.method === "POST") {
        const body = (req.json() as { body: string }).body;
        if (tooLong(res, body)) return;
        const comment = { id: nextComment++, body };
        issue.comments.push(comment);
        return send(res, 201, comment);
      }
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(path)) && req.method === "PATCH") {
      const comment = issues.flatMap((i) => i.comments).find((c) => c.id === Number(m![1]));
      if (!comment) return send(res, 404, { message: "Not Found" });
      const body = (req.json() as { body: string }).body;
      if (tooLong(res, body)) return;
      comment.body = body;
      return send(res, 200, comment);
    }
    if (path === "/issues" && req.method === "GET") {
      const state = req.query.get("state") ?? "open";
      const labels = (req.query.get("labels") ?? "").split(",").filter(Boolean);
      const found = issues.filter((i) => (state === "all" || i.state === state) && labels.every((l) => i.labels.includes(l)));
      return send(res, 200, page(req, found).map(view));
    }
    if (path === "/issues" && req.method === "POST") {
      const input = req.json() as { title: string; body: string; labels?: string[] };
      if (tooLong(res, input.body)) return;
      const issue: StandInIssue = {
        number: Math.max(0, ...issues.map((i) => i.number)) + 1,
        title: input.title,
        body: input.body,
        state: "open",
        labels: input.labels ?? [],
        comments: [],
      };
      issues.push(issue);
      return send(res, 201, view(issue));
    }
    if ((m = /^\/issues\/(\d+)$/.exec(path)) && req.method === "PATCH") {
      const issue = issues.find((i) => i.number === Number(m![1]));
      if (!issue) return send(res, 404, { message: "Not Found" });
      const changes = req.json() as Partial<StandInIssue>;
      if (tooLong(res, changes.body)) return;
      Object.assign(issue, changes);
      return send(res, 200, view(issue));
    }
    return send(res, 404, { message: "Not Found" });
  });
  return {
    ...server,
    apiUrl: server.origin,
    issues,
    pullRequest(number) {
      const pr: StandInIssue = {
        number,
        title: `PR ${number}`,
        body: "",
        state: "open",
        labels: [],
        comments: [],
        pull_request: { url: "" },
      };
      issues.push(pr);
      return pr;
    },
  };
}
