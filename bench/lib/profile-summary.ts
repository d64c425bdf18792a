// Reads a V8 CPU profile and says where the time went, per call: each sample is charged to the
// first platform operation (undici, node internals, builtins) it entered and to the module that
// called it — "openapi-fetch → new Request", "client/transport.ts → read body" — or, when no
// platform code is on the stack, to the module running its own code. The event loop's own frames
// (running microtasks, timers, immediates) are looked through. Times are the profile's own
// (sampled wall time), so on a loaded machine they include waits for a CPU; idle time is shown
// apart.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  caller: string;
  operation: string;
  share: number;
  microsPerCall: number;
}

const SPECIAL: Record<string, string> = {
  "(garbage collector)": "garbage collection",
  "(program)": "V8 and Node internals (no JS frame)",
  "(idle)": "idle",
};

/** The module a frame belongs to, as the table shows it. */
function moduleOf(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const client = /\/(?:src|bench\/results\/build)\/client\/(.*)$/.exec(path);
  if (client) return `client/${client[1]}`;
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (pkg) return pkg[1] as string;
  const bench = /\/(bench\/.*)$/.exec(path);
  if (bench) return bench[1] as string;
  return path || "(builtin)";
}

const isPlatform = (url: string): boolean => url === "" || url.startsWith("node:");

/** Frames that only run queued work: what they run is what counts. */
const SCHEDULER = new Set([
  "processTicksAndRejections",
  "runMicrotasks",
  "processImmediate",
  "listOnTimeout",
  "processTimers",
  "emit",
  "emitAfterScript",
]);

/** What a platform entry point does, in words a reader of BENCHMARKS.md recognises. */
function operationOf(name: string, url: string): string {
  if (/^_?Request$/.test(name)) return "new Request";
  if (/^_?Response$/.test(name)) return "new Response";
  if (/^_?Headers$/.test(name) || (url.includes("undici") && /^(get|set|has|delete|append|forEach|getSetCookie)$/.test(name)))
    return "Headers";
  if (/^(arrayBuffer|json|text|blob|bytes|formData|consumeBody|fullyReadBody)$/.test(name)) return "read body";
  if (/AbortController|AbortSignal|^get signal$|^abort$|^throwIfAborted$|^any$|^timeout$/.test(name))
    return "AbortController / AbortSignal";
  if (/^(addEventListener|removeEventListener|addAbortListener)$/.test(name)) return "abort listeners";
  if (/^(setTimeout|clearTimeout|unref|ref|setInterval|clearInterval)$/.test(name)) return "timers";
  if (/^URL$/.test(name)) return "new URL";
  if (/^(parse|stringify)$/.test(name) && url === "") return "JSON";
  return `${name || "(anonymous)"}${url ? ` (${url})` : ""}`;
}

export function summarize(profile: CpuProfile, calls: number): ProfileRow[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const charged = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const stack: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.unshift(byId.get(at) as ProfileNode);
    stack.shift(); // (root)
    const leaf = stack.at(-1);
    let key: string;
    if (leaf && SPECIAL[leaf.callFrame.functionName]) {
      key = `—\t${SPECIAL[leaf.callFrame.functionName]}`;
    } else {
      const entry = stack.findIndex(
        (f) => isPlatform(f.callFrame.url) && !SPECIAL[f.callFrame.functionName] && !SCHEDULER.has(f.callFrame.functionName),
      );
      if (entry < 0) {
        key = `${moduleOf(leaf?.callFrame.url ?? "")}\town code`;
      } else {
        const before = stack.slice(0, entry).filter((f) => !isPlatform(f.callFrame.url));
        const caller = before.length > 0 ? moduleOf((before.at(-1) as ProfileNode).callFrame.url) : "(event loop)";
        const f = (stack[entry] as ProfileNode).callFrame;
        key = `${caller}\t${operationOf(f.functionName, f.url)}`;
      }
    }
    charged.set(key, (charged.get(key) ?? 0) + dt);
  });
  return [...charged]
    .map(([key, t]) => {
      const [caller, operation] = key.split("\t") as [string, string];
      const share = total > 0 ? t / total : 0;
      return { caller, operation, share, microsPerCall: t / calls };
    })
    .sort((a, b) => b.share - a.share);
}

/** Rows above `minShare`, as a markdown table with µs per call. */
export function profileTable(rows: ProfileRow[], minShare = 0.01): string {
  const shown = rows.filter((r) => r.share >= minShare);
  const rest = rows.filter((r) => r.share < minShare);
  const line = (caller: string, op: string, us: number, share: number) =>
    `| ${caller} | ${op.replace(/\|/g, "\\|")} | ${us.toFixed(2)} | ${(share * 100).toFixed(1)}% |`;
  return [
    "| Called from | Operation | µs per call | Share |",
    "| --- | --- | --- | --- |",
    ...shown.map((r) => line(r.caller, r.operation, r.microsPerCall, r.share)),
    line(
      `(${rest.length} smaller)`,
      "",
      rest.reduce((s, r) => s + r.microsPerCall, 0),
      rest.reduce((s, r) => s + r.share, 0),
    ),
  ].join("\n");
}
