// Every scope an operation's security names must be declared by the OAuth scheme it cites.
export default function scopesDefined(security, _options, context) {
  const schemes = context.document.data?.components?.securitySchemes ?? {};
  const problems = [];
  if (!Array.isArray(security) || security.length === 0) {
    return [{ message: "Operation must declare its security requirements." }];
  }
  security.forEach((requirement, i) => {
    for (const [name, scopes] of Object.entries(requirement ?? {})) {
      const scheme = schemes[name];
      if (!scheme) {
        problems.push({ message: `Unknown security scheme "${name}".`, path: [...context.path, i, name] });
        continue;
      }
      if (scheme.type !== "oauth2") continue;
      const declared = new Set(Object.values(scheme.flows ?? {}).flatMap((f) => Object.keys(f.scopes ?? {})));
      if (scopes.length === 0) {
        problems.push({ message: `OAuth requirement on "${name}" lists no scope.`, path: [...context.path, i, name] });
      }
      for (const scope of scopes) {
        if (!declared.has(scope)) {
          problems.push({ message: `Scope "${scope}" is not declared by "${name}".`, path: [...context.path, i, name] });
        }
      }
    }
  });
  return problems;
}
