// Which version steps count as major for an acknowledged break: what `^base` would not accept.
import { describe, expect, it } from "@jest/globals";
import { isMajorStep } from "../../scripts/breaking.js";

describe("isMajorStep", () => {
  it.each([
    ["1.4.2", "2.0.0", true],
    ["1.4.2", "1.5.0", false],
    ["1.4.2", "1.4.3", false],
    ["0.1.0", "0.2.0", true], // while 0.x the minor is the major step (CHANGELOG.md's policy)
    ["0.1.0", "1.0.0", true],
    ["0.1.0", "0.1.1", false],
    ["0.1.0", "0.1.0", false],
    ["0.0.3", "0.0.4", true],
    ["2.0.0", "1.0.0", false],
    ["1.0.0", "2.0.0-rc.1", true],
    ["1.0.0", "not-a-version", false],
  ])("%s -> %s: %s", (from, to, expected) => {
    expect(isMajorStep(from, to)).toBe(expected);
  });
});
