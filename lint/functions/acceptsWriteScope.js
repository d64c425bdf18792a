// A write operation must be reachable with a narrow `.Write` scope, not only a broad one,
// so least-privilege applications can call it.
export default function acceptsWriteScope(security) {
  const scopes = (security ?? []).flatMap((req) => Object.values(req ?? {}).flat());
  if (!scopes.some((s) => typeof s === "string" && s.endsWith(".Write"))) {
    return [{ message: 'Write operation must accept a ".Write" scope.' }];
  }
  return [];
}
