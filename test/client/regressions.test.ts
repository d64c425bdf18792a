// Faults the reliability suite found: each test failed before its fix.
import { afterEach, describe, expect, it } from "@jest/globals";
import { inspect } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ROBY, clientFor, roby, startIdentity } from "./helpers/identity.js";
import { send, serverPool } from "../helpers/http-server.js";

const servers = serverPool();
afterEach(() => servers.closeAll());
const identity = async (...args: Parameters<typeof startIdentity>) => servers.add(await startIdentity(...args));

describe("regressions", () => {
  it("a garbage collection during a slow answer does not lose the per-attempt timeout", async () => {
    // Node 20's fetch can drop the link between a Request's signal and the one it was built
    // from once the Request is collected; the transport must time out regardless.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const slow: NodeJS.Timeout[] = [];
    /** Which requests the server has answered (it answers each 3 s after it arrived). */
    const answered: boolean[] = [];
    const server = await identity((_req, res) => {
      const n = answered.push(false) - 1;
      slow.push(
        setTimeout(() => {
          answered[n] = true;
          send(res, 200, roby);
        }, 3000),
      );
    });
    const pm = clientFor(server, { timeoutMs: 300, retry: false });
    await pm.robotAccounts.get(ROBY).catch(() => undefined); // warm up: token, connection
    const collect = setTimeout(gc, 50);
    const outcome = await pm.robotAccounts.get(ROBY).then(
      () => "resolved",
      (e: Error) => e.message,
    );
    clearTimeout(collect);
    slow.forEach(clearTimeout);
    expect(outcome).toMatch(/timed out after 300 ms/);
    // The timeout ended the call, not the answer: the server had not answered it yet. (Both are
    // timers of this process, so their order holds however slow the machine is.)
    expect(answered).toEqual([false, false]);
  });

  it("field errors echoing a secret or token are scrubbed too", async () => {
    let token = "";
    const server = await identity((req, res) => {
      token = req.token ?? "";
      send(res, 400, {
        title: "One or more validation errors occurred.",
        errors: { client_secret: [`bad s3cr3t-Expecto-Patronum-4f9a / ${token}`] },
      });
    });
    const error = await clientFor(server)
      .robotAccounts.get(ROBY)
      .catch((e: unknown) => e);
    const seen = `${JSON.stringify(error)} ${inspect(error, { depth: 8 })}`;
    expect(token).not.toBe("");
    expect(seen).not.toContain("s3cr3t-Expecto-Patronum-4f9a");
    expect(seen).not.toContain(token);
    expect(seen).toContain("[REDACTED]");
  });

  it("response headers that echo the token are scrubbed before the log hook sees them", async () => {
    let token = "";
    const server = await identity((req, res) => {
      token = req.token ?? "";
      send(res, 403, { errorMessage: "no" }, { "x-debug-token": token });
    });
    const events: string[] = [];
    await clientFor(server, { onResponse: (e) => events.push(JSON.stringify(e)) })
      .robotAccounts.get(ROBY)
      .catch(() => undefined);
    expect(events.length).toBeGreaterThan(0);
    expect(events.join("\n")).not.toContain(token);
    expect(events.join("\n")).toContain("[REDACTED]");
  });

  it("a 401 is answered by one token refresh per call, so maxAttempts bounds the sends", async () => {
    let n = 0;
    const server = await identity((_req, res) => {
      n += 1;
      if (n % 2 === 1) send(res, 401, undefined, { "www-authenticate": 'Bearer error="invalid_token"' });
      else send(res, 503);
    });
    const error = await clientFor(server, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } })
      .robotAccounts.get(ROBY)
      .catch((e: unknown) => e);
    // Attempt 1: 401, refresh, resend: 503. Attempt 2: 401 again, no second refresh.
    expect(error).toMatchObject({ status: 401, attempts: 2 });
    expect(server.apiRequests).toHaveLength(3);
    expect(server.tokenRequests).toHaveLength(2);
  });
});
