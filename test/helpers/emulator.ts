// Emulators for tests, started and closed in one place. A test file calls emulatorPerTest() (or
// emulatorPerFile()) once, at its top level or in a describe block, and gets a `start` that starts
// emulators on 127.0.0.1 with an OS-chosen port: response validation on, rate limits off, the demo
// data, unless the options say otherwise. Every emulator it started closes after each test (after
// the last test of the file or block, for emulatorPerFile), and every response each one sent must
// have matched the document, unless started with `allowViolations: true` (for tests that assert
// the violations themselves).
//
//   const start = emulatorPerTest();
//   it("…", async () => {
//     const emulator = await start({ seed: "empty" });
//     …
//   });
import { afterAll, afterEach, expect } from "@jest/globals";
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from "../../src/emulator/index.js";

export interface TestEmulatorOptions extends EmulatorOptions {
  /** Responses that break the document are expected (the test checks `violations` itself). */
  allowViolations?: boolean;
}

export type StartTestEmulator = (options?: TestEmulatorOptions) => Promise<EmulatorHandle>;

const TEST_DEFAULTS: EmulatorOptions = { seed: "demo", validateResponses: true, rateLimit: false };

/** Emulators that close after each test; `defaults` apply to every one this file starts. */
export function emulatorPerTest(defaults: TestEmulatorOptions = {}): StartTestEmulator {
  return pool(afterEach, defaults);
}

/** Emulators that close after the last test of the file (or describe block), for tests that share one. */
export function emulatorPerFile(defaults: TestEmulatorOptions = {}): StartTestEmulator {
  return pool(afterAll, defaults);
}

function pool(after: (fn: () => Promise<void>) => void, defaults: TestEmulatorOptions): StartTestEmulator {
  const open: Array<{ emulator: EmulatorHandle; allowViolations: boolean }> = [];
  after(async () => {
    const started = open.splice(0);
    await Promise.all(started.map(({ emulator }) => emulator.close()));
    for (const { emulator, allowViolations } of started) if (!allowViolations) expect(emulator.violations).toEqual([]);
  });
  return async (options = {}) => {
    const { allowViolations = false, ...rest } = { ...defaults, ...options };
    const emulator = await startEmulator({ ...TEST_DEFAULTS, ...rest });
    open.push({ emulator, allowViolations });
    return emulator;
  };
}
