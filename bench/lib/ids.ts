// Deterministic ids and seed data for the benchmarks, so every run talks about the same records.
import type { SeedData } from "../../src/emulator/index.js";

export const ORG_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
export const ROBY = "c3a7e1f9-2b6d-4e80-9f14-7a5c0d3e8812";

/** A version-4-shaped GUID whose last group is the counter, e.g. 00000000-0000-4000-8000-00000000002a. */
export function counterGuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** `count` robot accounts with counter ids and zero-padded names, in creation order. */
export function robotSeed(count: number): SeedData {
  const robotAccounts = Array.from({ length: count }, (_, i) => ({
    id: counterGuid(i + 1),
    name: `bench-robot-${String(i + 1).padStart(6, "0")}`,
    displayName: `Bench robot ${i + 1}`,
    creationTime: "2024-01-01T00:00:00Z",
    groupIds: [],
  }));
  return { users: [], groups: [], robotAccounts };
}
