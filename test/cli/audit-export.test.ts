// The export's pieces on real files: the CSV and JSON Lines renderers (formula injection made
// inert), the times the options take, and the checkpoint: its exactly-once bookkeeping with
// shared timestamps, and a run that dies between each step of its commit.
import { afterEach, describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { ExportCheckpoint, PartialFile, temporaryPathFor } from "../../src/cli/audit-export.js";
import { csvCell, dataLines, render } from "../../src/cli/output.js";
import { instantNs, parseInstant } from "../../src/cli/times.js";

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "audit-export-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The id of a process that has ended: what a lock left by a killed run holds. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid;

describe("CSV and JSON Lines output", () => {
  it("makes cells that begin with = + - @ (or a tab or carriage return) inert, as uip does; numbers stay numbers", () => {
    expect(["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "plain", "a,b", 'say "hi"', -5, null].map(csvCell)).toEqual([
      "'=1+2",
      "'+SUM(A1)",
      "'-2+3",
      "'@cmd",
      "'\tx",
      "plain",
      '"a,b"',
      '"say ""hi"""',
      "-5",
      "",
    ]);
  });

  it("renders the data, not the table's columns: every field, nested ones by path, parseable back", () => {
    const data = [
      { id: "1", name: '=HYPERLINK("http://x")', info: { ip: "1.2.3.4" }, tags: ["a", "b"] },
      { id: "2", name: "Ron, the\nsecond", extra: true },
    ];
    const csv = render("csv", [], [], data);
    expect(csv.split("\r\n")[0]).toBe("id,name,info,tags,extra");
    const rows = parse<Record<string, string>>(csv, { columns: true });
    expect(rows).toEqual([
      { id: "1", name: '\'=HYPERLINK("http://x")', info: '{"ip":"1.2.3.4"}', tags: '["a","b"]', extra: "" },
      { id: "2", name: "Ron, the\nsecond", info: "", tags: "", extra: "true" },
    ]);
    expect(render("csv", [], [], data, { fields: ["id", "info.ip"] })).toBe("id,info.ip\r\n1,1.2.3.4\r\n2,\r\n");
    expect(
      render("jsonl", [], [], data)
        .split("\n")
        .slice(0, -1)
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(data);
    expect(dataLines("jsonl", []).header).toBe("");
  });
});

describe("times", () => {
  it("reads instants, whole days and durations back from now; keeps every fractional digit when comparing", () => {
    const now = Date.parse("2026-12-02T12:00:00Z");
    expect(parseInstant("24h", "--since", now)).toBe("2026-12-01T12:00:00.000Z");
    expect(parseInstant("2026-12-01", "--from", now)).toBe("2026-12-01T00:00:00.000Z");
    expect(parseInstant("2026-12-01T10:00", "--from", now)).toBe("2026-12-01T10:00:00.000Z");
    expect(parseInstant("2026-12-01T10:00:00+01:00", "--from", now)).toBe("2026-12-01T09:00:00.000Z");
    expect(() => parseInstant("yesterday", "--from", now)).toThrow(/--from must be a date-time .* not "yesterday"/);
    expect(instantNs("2026-12-01T10:00:00.1234567Z")! < instantNs("2026-12-01T10:00:00.1234568")!).toBe(true);
  });
});

describe("the export checkpoint", () => {
  const event = (id: string, createdOn: string) => ({ id, createdOn });
  const T = "2026-12-01T10:00:00.000Z";

  it("starts a new checkpoint with no mark; after an export, asks again from the mark minus the overlap and skips what it wrote", () => {
    const path = join(scratch(), "cp.json");
    const first = ExportCheckpoint.open(path, { status: "failure" }, 60_000);
    expect(first.existed).toBe(false);
    expect(first.startFrom()).toBeUndefined();
    const out = join(dirs[0]!, "one.jsonl");
    const file = new PartialFile(temporaryPathFor(out));
    file.write("x\n");
    file.finish();
    first.commit(file.path, out, first.next([event("a", "2026-12-01T09:58:00Z"), event("b", T), event("c", T)]));
    first.release();

    const second = ExportCheckpoint.open(path, { status: "failure" }, undefined);
    expect(second.existed).toBe(true);
    expect(second.state.mark).toBe(T);
    // "a" is older than the mark minus the overlap: no longer tracked, and no longer asked for.
    expect(second.state.recent.map(([, id]) => id)).toEqual(["b", "c"]);
    expect(second.startFrom()).toBe("2026-12-01T09:59:00.000Z");
    const isNew = second.isNew();
    // Same timestamp as the mark, new id: new. Same id: written before.
    expect([event("b", T), event("c", T), event("d", T), event("e", "2026-12-01T10:00:01Z")].filter(isNew).map((e) => e.id)).toEqual([
      "d",
      "e",
    ]);
    second.release();
    expect(readFileSync(out, "utf8")).toBe("x\n");
    expect(existsSync(temporaryPathFor(out))).toBe(false);
  });

  it("refuses other filters, another overlap, a file that is not a checkpoint, and a lock a live process holds", () => {
    const dir = scratch();
    const path = join(dir, "cp.json");
    // A checkpoint file is made by the first commit.
    const made = ExportCheckpoint.open(path, { status: "failure" }, 60_000);
    const file = new PartialFile(join(dir, ".o.partial"));
    file.finish();
    made.commit(file.path, join(dir, "o"), made.state);
    made.release();
    expect(() => ExportCheckpoint.open(path, { status: "success" }, undefined)).toThrow(/was made for other filters/);
    expect(() => ExportCheckpoint.open(path, { status: "failure" }, 120_000)).toThrow(/was made with an overlap of 60 s/);
    writeFileSync(join(dir, "other.json"), '{"hello":1}');
    expect(() => ExportCheckpoint.open(join(dir, "other.json"), {}, undefined)).toThrow(
      /is not a checkpoint of uipath-identity audit export/,
    );
    // A lock held by a running process (this one, seen from another pid) stops a second run.
    writeFileSync(`${path}.lock`, String(process.pid));
    expect(() => ExportCheckpoint.open(path, { status: "failure" }, undefined, process.pid + 1)).toThrow(
      new RegExp(`Another export with this checkpoint is running \\(process ${process.pid}\\)`),
    );
    // One left by a process that has ended is taken over.
    writeFileSync(`${path}.lock`, String(deadPid()));
    ExportCheckpoint.open(path, { status: "failure" }, undefined).release();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it.each([
    ["after the pending state is written, before the rename", "afterPending", "rolled back"],
    ["after the rename, before the final state", "afterRename", "committed"],
  ] as const)("a run that dies %s: the next run knows whether its file was written", (_when, hook, outcome) => {
    const dir = scratch();
    const path = join(dir, "cp.json");
    const out = join(dir, "run1.jsonl");
    const run = ExportCheckpoint.open(path, {}, 0);
    const file = new PartialFile(temporaryPathFor(out));
    file.write('{"id":"a"}\n');
    file.finish();
    const dies = () => {
      throw new Error("killed");
    };
    // The lock is left behind as a killed process would leave it (with a pid that no longer runs).
    writeFileSync(`${path}.lock`, String(deadPid()));
    expect(() => run.commit(file.path, out, run.next([event("a", T)]), { [hook]: dies })).toThrow("killed");

    const next = ExportCheckpoint.open(path, {}, undefined);
    expect(next.recovery).toEqual({ outcome, out });
    if (outcome === "committed") {
      expect(readFileSync(out, "utf8")).toBe('{"id":"a"}\n');
      expect(next.isNew()(event("a", T))).toBe(false);
    } else {
      expect(existsSync(out)).toBe(false);
      expect(next.state.mark).toBeNull();
      expect(next.isNew()(event("a", T))).toBe(true);
    }
    expect(existsSync(temporaryPathFor(out))).toBe(false);
    next.release();
    // Recovered once: the checkpoint no longer holds a pending state.
    const again = ExportCheckpoint.open(path, {}, undefined);
    expect(again.recovery).toBeUndefined();
    again.release();
  });
});
