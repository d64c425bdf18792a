import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../../src/client/index.js";

describe("version constants", () => {
  it("match package.json (they name the package in the User-Agent)", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { name: string; version: string };
    expect({ name: PACKAGE_NAME, version: PACKAGE_VERSION }).toEqual({ name: pkg.name, version: pkg.version });
  });
});
