import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { chromium, type Browser, type Page } from "playwright-core";
import { listOperations, loadDocument } from "../helpers/contract.js";

const root = resolve(import.meta.dirname, "../..");
const html = join(root, "build/docs/index.html");
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const doc = loadDocument();

let browser: Browser;
let page: Page;
const external: string[] = [];
const failed: string[] = [];
const failedOnLoad: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    // Fail loudly rather than pass without checking anything.
    throw new Error(
      `The rendered-docs test could not run: no Chromium at ${executablePath}. ` +
        "Install Debian's package (apt-get install chromium) or set CHROMIUM_PATH.",
    );
  }
  await promisify(execFile)("node", ["scripts/docs.mjs"], { cwd: root });
  browser = await chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("request", (req) => {
    if (!/^(file|data|blob|about):/.test(req.url())) external.push(req.url());
  });
  page.on("requestfailed", (req) => failed.push(`${req.url()} ${req.failure()?.errorText ?? ""}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => consoleErrors.push(String(err)));
  await page.goto(pathToFileURL(html).href, { waitUntil: "networkidle" });
  await page.getByRole("heading", { name: "Where the API lives" }).waitFor({ timeout: 20000 });
  failedOnLoad.push(...failed);
}, 60000);

afterAll(async () => {
  if (page) {
    // Kept as a build artifact: what a reader sees for the walkthrough's first call.
    await openOperation("createGroup");
    await page.locator("h2").filter({ hasText: "Create a local group" }).first().waitFor({ timeout: 10000 });
    mkdirSync(join(root, "build/docs"), { recursive: true });
    await page.screenshot({ path: join(root, "build/docs/screenshot.png") });
  }
  await browser?.close();
});

/** Redoc 3 gives each operation its own hash route: #/<tag slug>/<operationId in lower case>. */
async function openOperation(operationId: string): Promise<void> {
  const op = listOperations(doc).find((o) => o.operationId === operationId)!;
  const tag = (doc.paths as Record<string, Record<string, { tags: string[] }>>)[op.path]![op.method]!.tags[0]!;
  await page.goto("about:blank"); // a fresh load: Redoc's router ignores a bare hash change
  await page.goto(`${pathToFileURL(html).href}#/${tag.toLowerCase().replace(/ /g, "-")}/${operationId.toLowerCase()}`);
}

const summaryOf = (operationId: string) => {
  const op = listOperations(doc).find((o) => o.operationId === operationId)!;
  return (doc.paths as Record<string, Record<string, { summary: string }>>)[op.path]![op.method]!.summary;
};

describe("rendered API docs (build/docs/index.html) in headless Chromium", () => {
  it(
    "shows every operation's summary",
    async () => {
      for (const op of listOperations(doc)) {
        await openOperation(op.operationId);
        const summary = summaryOf(op.operationId);
        const heading = page
          .locator("h2")
          .filter({ hasText: new RegExp(`^${summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) })
          .first();
        await heading.waitFor({ timeout: 10000 });
        await expect(heading.isVisible()).resolves.toBe(true);
      }
      // One page load per operation: the time grows with the document, not with a slow machine's luck.
    },
    listOperations(doc).length * 15_000,
  );

  it("shows the scopes of a read and of a write operation", async () => {
    await openOperation("listRobotAccounts");
    const read = page.getByText("Required scopes:").filter({ hasText: "PM.RobotAccount.Read" }).first();
    await read.waitFor({ timeout: 10000 });
    await openOperation("createGroup");
    const write = page.getByText("Required scopes:").filter({ hasText: "PM.Group.Write" }).first();
    await write.waitFor({ timeout: 10000 });
    await expect(write.isVisible()).resolves.toBe(true);
    await openOperation("listAuditEvents");
    await page.getByText("Required scopes:").filter({ hasText: "PM.Audit.Read" }).first().waitFor({ timeout: 10000 });
  });

  it("renders the request samples (curl, the TypeScript client, the payload) and the responses", async () => {
    await openOperation("createGroup");
    // Redoc 3's right-hand panel: a language menu over the request samples, then the responses.
    const curl = page.getByText('"$BASE/api/Group"').first();
    await curl.waitFor({ timeout: 10000 });
    const choose = async (label: string) => {
      await page
        .getByRole("button", { name: /^(curl|Node\.js|Payload)$/ })
        .first()
        .click();
      await page.getByText(label, { exact: true }).last().click();
    };
    await choose("Node.js");
    await page.getByText("pm.groups.create").first().waitFor({ timeout: 10000 });
    await choose("Payload");
    await page.getByText('"directoryUserMemberIDs"').first().waitFor({ timeout: 10000 });
    await expect(page.getByText("Response", { exact: true }).first().isVisible()).resolves.toBe(true);
  });

  it("shows the introduction: deployments, token, rate limits, errors", async () => {
    await page.goto(pathToFileURL(html).href);
    await page.getByRole("heading", { name: "Where the API lives" }).waitFor({ timeout: 10000 });
    const text = await page.locator("body").innerText();
    for (const phrase of ["Where the API lives", "Getting a token", "Rate limits", "Errors", "/connect/token"]) {
      expect(text).toContain(phrase);
    }
  });

  it("made no external or failed request and logged no console error", () => {
    // Later navigations abort Redoc's blob: workers on purpose; those are ours, not the page's.
    const failedLater = failed.filter((f) => !(f.startsWith("blob:") && f.endsWith("net::ERR_ABORTED")));
    expect({ external, failedOnLoad, failedLater, consoleErrors }).toEqual({
      external: [],
      failedOnLoad: [],
      failedLater: [],
      consoleErrors: [],
    });
  });
});
