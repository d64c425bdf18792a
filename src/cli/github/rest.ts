// The few GitHub REST calls the action needs, over plain fetch: a pull request's comments (one
// sticky comment, found by a hidden marker), and the drift issue (found by label and marker).
// GITHUB_API_URL makes it work on GitHub Enterprise Server, and against a stand-in in tests.
import { CliFailure } from "../failures.js";

export interface GitHubComment {
  id: number;
  body: string;
}

export interface GitHubIssue {
  number: number;
  body: string | null;
  state: string;
  html_url?: string;
  pull_request?: unknown;
}

export interface GitHubRest {
  issueComments(issue: number): Promise<GitHubComment[]>;
  createComment(issue: number, body: string): Promise<GitHubComment>;
  updateComment(id: number, body: string): Promise<GitHubComment>;
  openIssues(label: string): Promise<GitHubIssue[]>;
  createIssue(issue: { title: string; body: string; labels: string[] }): Promise<GitHubIssue>;
  updateIssue(issue: number, changes: { body?: string; state?: "open" | "closed"; state_reason?: "completed" }): Promise<GitHubIssue>;
}

const PER_PAGE = 100;

export function gitHubRest(options: { apiUrl: string; token: string; repository: string }): GitHubRest {
  const base = `${options.apiUrl.replace(/\/+$/, "")}/repos/${options.repository}`;
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${options.token}`,
        "x-github-api-version": "2022-11-28",
        "user-agent": "uipath-identity-action",
        ...(body !== undefined && { "content-type": "application/json" }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // Not JSON: the text itself says what happened.
      }
      const hint =
        response.status === 403 || response.status === 401
          ? " (the workflow's token needs `pull-requests: write` for plan comments and `issues: write` for drift issues)"
          : "";
      throw new CliFailure(`GitHub answered ${method} ${path} with ${response.status}: ${message}${hint}`);
    }
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }
  async function all<T>(path: string): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; ; page++) {
      const sep = path.includes("?") ? "&" : "?";
      const items = await call<T[]>("GET", `${path}${sep}per_page=${PER_PAGE}&page=${page}`);
      out.push(...items);
      if (items.length < PER_PAGE) return out;
    }
  }
  return {
    issueComments: (issue) => all<GitHubComment>(`/issues/${issue}/comments`),
    createComment: (issue, body) => call("POST", `/issues/${issue}/comments`, { body }),
    updateComment: (id, body) => call("PATCH", `/issues/comments/${id}`, { body }),
    openIssues: async (label) =>
      (await all<GitHubIssue>(`/issues?state=open&labels=${encodeURIComponent(label)}`)).filter((i) => i.pull_request === undefined),
    createIssue: (issue) => call("POST", "/issues", issue),
    updateIssue: (issue, changes) => call("PATCH", `/issues/${issue}`, changes),
  };
}
