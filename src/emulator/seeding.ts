// Turns the `seed` option into checked seed data.
import type { SeedOption } from "./options.js";
import { builtInGroups, checkSeed, loadDemoSeed, readSeedFile, type SeedData } from "./seed.js";
import type { DocumentValidator } from "./validator.js";

export function resolveSeed(option: SeedOption, validator: DocumentValidator): SeedData {
  if (option === "demo") return checkSeed(loadDemoSeed(), validator, "demo");
  // Every organization has its built-in groups, so an "empty" one still lists them.
  if (option === "empty") return { groups: builtInGroups(loadDemoSeed()) };
  if (typeof option === "string") return checkSeed(readSeedFile(option), validator, `file ${option}`);
  return checkSeed(structuredClone(option), validator, "object");
}
