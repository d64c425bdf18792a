// The table renderer: kubectl-style columns, as wide as their widest line in terminal columns.
import { describe, expect, it } from "@jest/globals";
import { displayWidth, render } from "../../src/cli/output.js";

const columns = [
  { header: "NAME", value: (r: { name: string; type: string }) => r.name },
  { header: "TYPE", value: (r: { name: string; type: string }) => r.type },
];

describe("table output", () => {
  it("aligns columns two spaces apart with no trailing spaces, by terminal width (wide characters, combining marks, colours)", () => {
    const rows = [
      { name: "日本語チーム", type: "custom" },
      { name: "Zoë (e\u0308)", type: "built-in" },
      { name: "\u001b[1mBold\u001b[22m", type: "x" },
    ];
    expect(render("table", rows, columns)).toBe(
      "NAME          TYPE\n" + "日本語チーム  custom\n" + "Zoë (e\u0308)       built-in\n" + "\u001b[1mBold\u001b[22m          x\n",
    );
  });

  it("gives a cell of several lines several lines, and prints nothing for no rows", () => {
    expect(
      render(
        "table",
        [
          { name: "a\nbb", type: "t" },
          { name: "c", type: "u\nv" },
        ],
        columns,
      ),
    ).toBe("NAME  TYPE\na     t\nbb\nc     u\n      v\n");
    expect(render("table", [], columns)).toBe("");
  });

  it("counts terminal columns", () => {
    expect([
      displayWidth("abc"),
      displayWidth("日本"),
      displayWidth("e\u0301"),
      displayWidth("\u001b[31mred\u001b[39m"),
      displayWidth("🦉"),
    ]).toEqual([3, 4, 1, 3, 2]);
  });
});
