// The rendered docs (build/docs/, written by scripts/docs.mjs) in a real headless Chromium: every
// operation's summary on its own route, the scopes, the request samples and the introduction, the
// CLI reference page beside them, and not one request to another host, failed load or console
// error on any page.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { listOperations, loadDocument } from "../helpers/contract.js";

const root = resolve(import.meta.dirname, "../..");
const html = join(root, "build/docs/index.html");
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const doc = loadDocument();

/** How long a page may take to show something: far more than it needs, even on a busy machine. */
const WAIT_MS = 120_000;

let browser: Browser;
let context: BrowserContext;

/** A page and what it did that it should not have: requests to other hosts, failed loads, console errors. */
interface Watched {
  page: Page;
  external: string[];
  failed: string[];
  consoleErrors: string[];
  /** Closed after the test that opened it; otherwise kept for the tests of a block. */
  closeAfterTest: boolean;
}
const watched: Watched[] = [];

/** A page whose requests, failures and console errors the check after each test looks at. */
async function newPage({ closeAfterTest = true } = {}): Promise<Watched> {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);
  const w: Watched = { page, external: [], failed: [], consoleErrors: [], closeAfterTest };
  page.on("request", (req) => {
    if (!/^(file|data|blob|about):/.test(req.url())) w.external.push(req.url());
  });
  page.on("requestfailed", (req) => w.failed.push(`${req.url()} ${req.failure()?.errorText ?? ""}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") w.consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => w.consoleErrors.push(String(err)));
  watched.push(w);
  return w;
}

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
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
});

// Every Playwright wait (WAIT_MS) is far shorter than Jest's watchdog, so a test always ends by
// itself, and nothing it started is still running on a page when the next test begins.
afterEach(async () => {
  const seen = watched.map((w) => ({
    external: w.external.splice(0),
    failed: w.failed.splice(0),
    consoleErrors: w.consoleErrors.splice(0),
  }));
  for (const w of watched.filter((x) => x.closeAfterTest)) await w.page.close();
  watched.splice(0, watched.length, ...watched.filter((x) => !x.closeAfterTest));
  // Leaving a page aborts Redoc's blob: workers on purpose; those are ours, not the page's.
  const failed = seen.flatMap((w) => w.failed).filter((f) => !(f.startsWith("blob:") && f.endsWith("net::ERR_ABORTED")));
  expect({ external: seen.flatMap((w) => w.external), failed, consoleErrors: seen.flatMap((w) => w.consoleErrors) }).toEqual({
    external: [],
    failed: [],
    consoleErrors: [],
  });
});

afterAll(async () => {
  await browser?.close();
});

/** Redoc 3 gives each operation its own hash route: #/<tag slug>/<operationId in lower case>. */
async function openOperation(page: Page, operationId: string): Promise<void> {
  const op = listOperations(doc).find((o) => o.operationId === operationId)!;
  const tag = (doc.paths as Record<string, Record<string, { tags: string[] }>>)[op.path]![op.method]!.tags[0]!;
  await page.goto(`${pathToFileURL(html).href}#/${tag.toLowerCase().replace(/ /g, "-")}/${operationId.toLowerCase()}`);
}

const summaryOf = (operationId: string) => {
  const op = listOperations(doc).find((o) => o.operationId === operationId)!;
  return (doc.paths as Record<string, Record<string, { summary: string }>>)[op.path]![op.method]!.summary;
};

describe("rendered API docs (build/docs/index.html) in headless Chromium", () => {
  describe("every operation", () => {
    // One page for these tests: a fresh load each, in a renderer that has compiled Redoc already.
    let page: Page;
    beforeAll(async () => {
      ({ page } = await newPage({ closeAfterTest: false }));
    });
    afterAll(async () => {
      watched.splice(
        watched.findIndex((w) => w.page === page),
        1,
      );
      await page.close();
    });

    it.each(listOperations(doc).map((op) => op.operationId))("shows the summary of %s on its own route", async (operationId) => {
      await page.goto("about:blank"); // a fresh load: Redoc's router ignores a bare hash change
      await openOperation(page, operationId);
      const summary = summaryOf(operationId);
      const heading = page
        .locator("h2")
        .filter({ hasText: new RegExp(`^${summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) })
        .first();
      await heading.waitFor();
      await expect(heading.isVisible()).resolves.toBe(true);
    });
  });

  it("shows the scopes of a read and of a write operation", async () => {
    const read = await newPage();
    await openOperation(read.page, "listRobotAccounts");
    await read.page.getByText("Required scopes:").filter({ hasText: "PM.RobotAccount.Read" }).first().waitFor();
    const write = await newPage();
    await openOperation(write.page, "createGroup");
    const scopes = write.page.getByText("Required scopes:").filter({ hasText: "PM.Group.Write" }).first();
    await scopes.waitFor();
    await expect(scopes.isVisible()).resolves.toBe(true);
    const audit = await newPage();
    await openOperation(audit.page, "listAuditEvents");
    await audit.page.getByText("Required scopes:").filter({ hasText: "PM.Audit.Read" }).first().waitFor();
  });

  it("renders the request samples (curl, the TypeScript client, the payload) and the responses", async () => {
    const { page } = await newPage();
    await openOperation(page, "createGroup");
    // Redoc 3's right-hand panel: a language menu over the request samples, then the responses.
    await page.getByText('"$BASE/api/Group"').first().waitFor();
    const choose = async (label: string) => {
      await page
        .getByRole("button", { name: /^(curl|Node\.js|Payload)$/ })
        .first()
        .click();
      await page.getByText(label, { exact: true }).last().click();
    };
    await choose("Node.js");
    await page.getByText("pm.groups.create").first().waitFor();
    await choose("Payload");
    await page.getByText('"directoryUserMemberIDs"').first().waitFor();
    await expect(page.getByText("Response", { exact: true }).first().isVisible()).resolves.toBe(true);
    // Kept as a build artifact: what a reader sees for the walkthrough's first call.
    mkdirSync(join(root, "build/docs"), { recursive: true });
    await page.screenshot({ path: join(root, "build/docs/screenshot.png") });
  });

  it("shows the introduction: deployments, token, rate limits, errors", async () => {
    const { page } = await newPage();
    await page.goto(pathToFileURL(html).href, { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "Where the API lives" }).waitFor();
    const text = await page.locator("body").innerText();
    for (const phrase of ["Where the API lives", "Getting a token", "Rate limits", "Errors", "/connect/token"]) {
      expect(text).toContain(phrase);
    }
  });

  it("renders the CLI reference beside it (build/docs/cli.html): every command's help, with a contents list", async () => {
    const { page } = await newPage();
    await page.goto(pathToFileURL(join(root, "build/docs/cli.html")).href);
    const commands = [...readFileSync(join(root, "docs/cli.md"), "utf8").matchAll(/^### `(.+)`$/gm)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThan(10);
    await expect(page.locator("h3").allInnerTexts()).resolves.toEqual(commands);
    await expect(page.locator("pre").count()).resolves.toBe(commands.length);
    await page.getByRole("link", { name: "uipath-identity groups members add", exact: true }).click();
    expect(page.url()).toMatch(/#uipath-identity-groups-members-add$/);
    await page.getByRole("link", { name: "API reference" }).click();
    await page.getByRole("heading", { name: "Where the API lives" }).waitFor();
  });

  it("catches a page that asks another host for something (the check after each test is a real one)", async () => {
    const probe = await newPage();
    watched.splice(watched.indexOf(probe), 1);
    await probe.page.setContent('<img src="http://example.invalid/x.png">');
    expect(probe.external).toEqual(["http://example.invalid/x.png"]);
    await probe.page.close();
  });
});
