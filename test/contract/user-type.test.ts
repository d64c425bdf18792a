// The integer-to-name order of UserType is the contract's (its string enum lists the names in the
// order of the integers); the client and the emulator each keep it as a constant, checked here.
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { USER_TYPE_NAMES, userTypeName } from "../../src/client/index.js";
import { USER_TYPES } from "../../src/emulator/data.js";

const document = JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8"));
const userType = document.components.schemas.UserType as { anyOf: Array<{ type: string; enum: unknown[] }> };
const names = userType.anyOf.find((s) => s.type === "string")?.enum;
const numbers = userType.anyOf.find((s) => s.type === "integer")?.enum;

describe("UserType names", () => {
  it("are the contract's, in the order of its integers, in the client and in the emulator", () => {
    expect(names).toHaveLength(numbers?.length ?? -1);
    expect([...USER_TYPE_NAMES]).toEqual(names);
    expect([...USER_TYPES]).toEqual(names);
  });

  it("userTypeName reads either form, and knows no integer it was not told", () => {
    expect(userTypeName(4)).toBe("robotAccount");
    expect(userTypeName("directoryGroup")).toBe("directoryGroup");
    expect(userTypeName(0)).toBe("user");
    expect(userTypeName(6)).toBeUndefined();
  });
});
