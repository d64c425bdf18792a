// Runs before `npm test`: the shared-budget tests start throwaway redis-server processes. On a Debian
// machine where we are root (CI, a fresh container) it installs Debian's redis-server package;
// elsewhere it says what to do, and those tests then fail with the same advice (they never skip).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";
if (existsSync(path)) process.exit(0);

const canInstall = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get") && !process.env.REDIS_SERVER;
if (!canInstall) {
  console.warn(
    `ensure-redis: no redis-server at ${path}; install Debian's redis-server or set REDIS_SERVER (the shared-budget tests need it).`,
  );
  process.exit(0);
}
console.log("ensure-redis: installing Debian's redis-server for the shared-budget tests...");
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
const install = () => execFileSync("apt-get", ["install", "-y", "-qq", "redis-server"], { stdio: ["ignore", "ignore", "inherit"], env });
try {
  // The package lists are usually fresh already (ensure-chromium updates them when it installs).
  install();
} catch {
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  install();
}
if (!existsSync(path)) {
  console.error(`ensure-redis: apt-get finished but there is still no ${path}.`);
  process.exit(1);
}
