// Runs before `npm test`: the rendered-docs test needs a Chromium. On a Debian machine where we are
// root (CI, a fresh container) it installs Debian's package; elsewhere it says what to do, and the
// docs test then fails with the same advice rather than passing without checking anything.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);

const canInstall = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get") && !process.env.CHROMIUM_PATH;
if (!canInstall) {
  console.warn(`ensure-chromium: no Chromium at ${path}; install Debian's chromium or set CHROMIUM_PATH (the docs test needs it).`);
  process.exit(0);
}
console.log("ensure-chromium: installing Debian's chromium for the rendered-docs test...");
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: ["ignore", "ignore", "inherit"], env });
