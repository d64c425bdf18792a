// The sliding window of rate-limit.ts with its bookings in Redis (or Valkey), so every process on
// every machine that sends for one organization draws on one budget. A small Lua script books a
// slot atomically on the server, timed by the server's own clock (TIME), so machines whose clocks
// disagree still agree on the window. The Redis client (node-redis, the optional peer dependency
// `redis`) is loaded only when this limiter is used.
//
// When Redis cannot be reached, calls wait for it instead of sending on a local count: several
// processes each pacing only themselves are what sends an organization into 429s. The wait is
// bounded (`redisWaitMs`), abortable, and announced once.
import { IdentityApiError, IdentityInputError } from "./errors.js";
import {
  AUTOMATION_CLOUD_RATE_LIMITS,
  createRateLimiter,
  defaultMarginMs,
  type RateLimiter,
  type RateLimitOptions,
  type RedisStatusEvent,
} from "./rate-limit.js";
import { scrub } from "./redact.js";
import { raceSignal, sleep } from "./signals.js";

export const DEFAULT_REDIS_WAIT_MS = 30_000;
/** Every Redis key this package writes starts with this. */
export const REDIS_KEY_PREFIX = "uipath-identity-toolkit:rate-limit:";
// One connect or command gets at most this long (less when redisWaitMs is shorter, but at least
// the minimum) before the connection is dropped and made anew.
const ATTEMPT_TIMEOUT_MS = 5_000;
const ATTEMPT_TIMEOUT_MIN_MS = 1_000;
// While Redis is down, new attempts are spaced out from this, doubling, up to the maximum.
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 2_000;
// Once an outage has outlasted redisWaitMs, calls fail at once; one of them tries Redis again at
// most this often, to notice it is back.
const PROBE_INTERVAL_MS = 1_000;

// KEYS[1]: one method's bookings, a sorted set (member: booking id, score: Redis's time in µs).
// ARGV: budget, hold (µs: window plus margin), the new booking's id, this process's newest booking
// (id and score; "" and 0 if none) and the newest score it has seen in the set (0 if none).
// Returns {0, now} when booked, else {µs until the oldest booking leaves, the newest score}.
// Times go out through "%.0f": Lua's default number format keeps 14 digits, too few for µs.
const BOOK_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowText = string.format('%.0f', now)
local budget, hold = tonumber(ARGV[1]), tonumber(ARGV[2])
local since = now - hold
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', since))
local mine, seen = tonumber(ARGV[5]), tonumber(ARGV[6])
if (mine > since and not redis.call('ZSCORE', KEYS[1], ARGV[4]))
  or (seen > since and redis.call('ZCOUNT', KEYS[1], ARGV[6], '+inf') == 0) then
  -- Bookings that are still inside the window are gone: Redis lost its data. What else was sent
  -- is unknown, so the window counts as full until a whole window has passed.
  for i = redis.call('ZCARD', KEYS[1]) + 1, budget do
    redis.call('ZADD', KEYS[1], nowText, 'unknown:' .. ARGV[3] .. ':' .. i)
  end
  redis.call('PEXPIRE', KEYS[1], math.ceil(hold / 1000))
end
if redis.call('ZCARD', KEYS[1]) < budget then
  redis.call('ZADD', KEYS[1], nowText, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(hold / 1000))
  return {0, now}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
return {tonumber(oldest[2]) + hold - now, tonumber(newest[2])}
`;

/** The part of node-redis (5 and 6) used here; typed by hand so the package's types never need it. */
interface RedisConnection {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: "error", listener: (error: unknown) => void): unknown;
  destroy(): void;
  unref(): void;
}
interface RedisLibrary {
  createClient(options: {
    url: string;
    disableOfflineQueue: boolean;
    socket: { reconnectStrategy: false; connectTimeout: number };
  }): RedisConnection;
}

export interface RedisRateLimiter extends RateLimiter {
  /** Closes the connection (tests; a client's connection never holds the process open anyway). */
  close(): void;
}

/**
 * The organization's budget name: the API base URL (which names the organization on every
 * deployment) plus the partitionGlobalId when the client knows it. Clients of one organization
 * configured differently (one with partitionGlobalId, one without) should set the same `key`.
 */
export function defaultRateLimitKey(baseUrl: string, partitionGlobalId?: string): string {
  const base = baseUrl.toLowerCase().replace(/\/+$/, "");
  return partitionGlobalId === undefined ? base : `${base}|${partitionGlobalId.toLowerCase()}`;
}

/** redis://host:port/db, never the user name or password. */
function describe(url: URL): string {
  const db = url.pathname && url.pathname !== "/" ? url.pathname : "";
  return `${url.protocol}//${url.host}${db}`;
}

function parseRedisUrl(value: unknown): URL {
  let url: URL | undefined;
  try {
    url = new URL(String(value));
  } catch {
    // The value is not echoed: it may hold a password.
  }
  if (!url || (url.protocol !== "redis:" && url.protocol !== "rediss:") || !url.hostname) {
    throw new IdentityInputError("rateLimit.redis", "rateLimit.redis must be a redis:// or rediss:// URL, such as redis://localhost:6379");
  }
  return url;
}

async function loadRedis(): Promise<RedisLibrary> {
  // A variable, not a literal, so bundlers leave the optional peer dependency out.
  const specifier = "redis";
  let mod: { createClient?: unknown; default?: { createClient?: unknown } };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const advice =
      code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND"
        ? "rateLimit.redis needs the Redis client, an optional peer dependency of uipath-identity-toolkit: npm install redis"
        : `rateLimit.redis needs the Redis client, and the installed \`redis\` package failed to load: ${errorText(error)}`;
    throw Object.assign(new IdentityInputError("rateLimit.redis", advice), { cause: error });
  }
  const lib = typeof mod.createClient === "function" ? mod : mod.default;
  if (!lib || typeof lib.createClient !== "function") {
    throw new IdentityInputError("rateLimit.redis", "the installed `redis` package has no createClient(): install redis 5 or 6");
  }
  return lib as RedisLibrary;
}

const errorText = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message || "no answer";
};

/**
 * A limiter whose bookings live in Redis. `options.redis` must be set; `defaultKey` names the
 * organization's budget when `options.key` is not given, and is called once, on the first call
 * that needs a booking (so it may wait for something the client learns later).
 */
export function createRedisRateLimiter(
  options: RateLimitOptions,
  defaultKey: () => string | Promise<string>,
  load: () => Promise<RedisLibrary> = loadRedis,
): RedisRateLimiter {
  const url = parseRedisUrl(options.redis);
  createRateLimiter(options); // the same checks of windowMs, budgets and marginMs as the local limiter
  const windowMs = options.windowMs ?? AUTOMATION_CLOUD_RATE_LIMITS.windowMs;
  const budgets: Partial<Record<string, number>> = options.budgets ?? AUTOMATION_CLOUD_RATE_LIMITS.budgets;
  const holdUs = Math.round((windowMs + (options.marginMs ?? defaultMarginMs(windowMs))) * 1000);
  const waitMs = options.redisWaitMs ?? DEFAULT_REDIS_WAIT_MS;
  if (!(waitMs >= 0)) throw new IdentityInputError("rateLimit.redisWaitMs", "rateLimit.redisWaitMs must not be negative");
  const attemptMs = Math.min(ATTEMPT_TIMEOUT_MS, Math.max(ATTEMPT_TIMEOUT_MIN_MS, waitMs));
  if (options.key !== undefined && (typeof options.key !== "string" || options.key === "")) {
    throw new IdentityInputError("rateLimit.key", "rateLimit.key must be a non-empty string");
  }
  const where = describe(url);
  // Never shown: the URL's credentials, in whatever form an error might repeat them.
  const secrets = [url.password, decoded(url.password), url.username, decoded(url.username)];
  const clean = (error: unknown): string => scrub(errorText(error), secrets);

  let library: Promise<RedisLibrary> | undefined;
  let keyName: Promise<string> | undefined;
  let live: RedisConnection | undefined;
  let opening: Promise<RedisConnection> | undefined;
  let sha: string | undefined;
  // Per Redis key, what this process last knew of the set: its own newest booking and the newest
  // score in the set. Finding either gone while it should still be in the window means Redis lost
  // its data (a restart without persistence), which the script then answers by counting it full.
  const mine = new Map<string, [member: string, score: number]>();
  const seen = new Map<string, number>();
  const instance = globalThis.crypto.randomUUID();
  let sequence = 0;
  // Calls of one method in this process queue here, so one of them at a time talks to Redis.
  const queues = new Map<string, Promise<void>>();

  let outageSince: number | undefined;
  let lastFailureAt = 0;
  let lastReason = "";
  let warned = false;
  const report = (event: RedisStatusEvent): void => {
    if (options.onRedisStatus) {
      options.onRedisStatus(event);
    } else if (event.status === "unavailable" && !warned) {
      warned = true;
      const text =
        `${event.message} Calls wait up to ${waitMs} ms for it, then fail. ` +
        "This warning is shown once; set rateLimit.onRedisStatus to follow every change.";
      if (typeof process !== "undefined" && typeof process.emitWarning === "function") {
        process.emitWarning(text, { code: "UIPATH_IDENTITY_REDIS_UNAVAILABLE" });
      } else {
        console.warn(text);
      }
    }
  };

  function drop(): void {
    if (live) discard(live);
    live = undefined;
  }

  function withTimeout<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // This timer also keeps the process alive while it waits for Redis: the socket is unref'd.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        drop();
        reject(new Error(`no answer within ${attemptMs} ms`));
      }, attemptMs);
    });
    return raceSignal(Promise.race([promise, timeout]), signal).finally(() => clearTimeout(timer));
  }

  async function open(): Promise<RedisConnection> {
    const lib = await (library ??= load());
    const client = lib.createClient({
      url: url.href,
      // Fail at once while disconnected, and reconnect only when a call needs Redis: no timers
      // keep running (or keep the process alive) between calls.
      disableOfflineQueue: true,
      socket: { reconnectStrategy: false, connectTimeout: attemptMs },
    });
    client.on("error", () => undefined); // failures reach the caller through the commands
    client.unref();
    try {
      await client.connect();
    } catch (error) {
      discard(client);
      throw error;
    }
    live = client;
    return client;
  }

  async function connection(signal: AbortSignal | undefined): Promise<RedisConnection> {
    if (live?.isReady) return live;
    drop();
    opening ??= open().finally(() => (opening = undefined));
    return withTimeout(opening, signal);
  }

  /** One booking attempt: 0 when booked, else the µs to wait before trying again. */
  async function book(redisKey: string, budget: number, signal: AbortSignal | undefined): Promise<number> {
    const client = await connection(signal);
    const member = `${instance}:${++sequence}`;
    const [myNewest, myScore] = mine.get(redisKey) ?? ["", 0];
    const args = [redisKey, String(budget), String(holdUs), member, myNewest, String(myScore), String(seen.get(redisKey) ?? 0)];
    const run = async (): Promise<unknown> => {
      if (sha !== undefined) {
        try {
          return await client.sendCommand(["EVALSHA", sha, "1", ...args]);
        } catch (error) {
          if (!/^NOSCRIPT/.test(errorText(error))) throw error;
        }
      }
      sha = String(await client.sendCommand(["SCRIPT", "LOAD", BOOK_SCRIPT]));
      return client.sendCommand(["EVALSHA", sha, "1", ...args]);
    };
    const [waitUs, newest] = (await withTimeout(run(), signal)) as [number, number];
    seen.set(redisKey, newest);
    if (waitUs === 0) mine.set(redisKey, [member, newest]);
    return waitUs;
  }

  /** Errors that waiting cannot cure: said at once. */
  function settingsError(error: unknown): Error | undefined {
    if (error instanceof IdentityInputError) return error;
    const text = errorText(error);
    if (/^(WRONGPASS|NOAUTH|NOPERM)\b/.test(text)) {
      return new IdentityInputError("rateLimit.redis", `Redis at ${where} refused this client: ${clean(error)}`);
    }
    if (/^WRONGTYPE\b/.test(text)) {
      return new IdentityInputError(
        "rateLimit.key",
        `Redis at ${where} holds something else under this budget's key (${clean(error)}); choose another rateLimit.key`,
      );
    }
    return undefined;
  }

  function unavailable(method: string): IdentityApiError {
    const seconds = Math.round((Date.now() - (outageSince ?? Date.now())) / 100) / 10;
    return new IdentityApiError({
      kind: "network",
      method,
      path: "",
      attempts: 0,
      message:
        `${method} was not sent: Redis at ${where}, which holds the shared rate-limit budget, has been unreachable for ` +
        `${seconds} s (${lastReason}). Start it, or raise rateLimit.redisWaitMs to wait longer.`,
    });
  }

  async function acquireInTurn(method: string, budget: number, signal: AbortSignal | undefined): Promise<void> {
    const key = await raceSignal((keyName ??= Promise.resolve().then(() => options.key ?? defaultKey())), signal);
    const redisKey = `${REDIS_KEY_PREFIX}${key}:${method}`;
    for (let failures = 0; ;) {
      signal?.throwIfAborted();
      // Long into an outage, fail fast rather than have every queued call try and wait in turn.
      if (outageSince !== undefined && Date.now() - outageSince >= waitMs && Date.now() - lastFailureAt < PROBE_INTERVAL_MS) {
        throw unavailable(method);
      }
      const attemptStarted = Date.now();
      let waitUs: number;
      try {
        waitUs = await book(redisKey, budget, signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const fatal = settingsError(error);
        if (fatal) throw fatal;
        // Start afresh next time: a dropped connection may still call itself ready (node-redis 5).
        drop();
        lastFailureAt = Date.now();
        lastReason = clean(error);
        if (outageSince === undefined) {
          outageSince = attemptStarted;
          const message = `Redis at ${where}, which holds the shared rate-limit budget, is unreachable (${lastReason}).`;
          report({ status: "unavailable", redis: where, key, message, reason: lastReason });
        }
        const left = waitMs - (Date.now() - outageSince);
        if (left <= 0) throw unavailable(method);
        const step = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** failures++);
        await sleep(Math.min(left, step / 2 + (Math.random() * step) / 2), signal);
        continue;
      }
      if (outageSince !== undefined) {
        outageSince = undefined;
        report({ status: "available", redis: where, key, message: `Redis at ${where} answers again; the shared budget is back in use.` });
      }
      if (waitUs === 0) return;
      await sleep(Math.ceil(waitUs / 1000), signal);
    }
  }

  return {
    async acquire(method, signal) {
      const name = method.toUpperCase();
      const budget = budgets[name];
      if (budget === undefined) return;
      signal?.throwIfAborted();
      const before = queues.get(name) ?? Promise.resolve();
      let release!: () => void;
      const done = new Promise<void>((resolve) => (release = resolve));
      // The next call of this method starts when this one is done, or (if it leaves early,
      // aborted) when the one before it is: the order holds either way.
      const turn = before.then(() => done);
      queues.set(name, turn);
      try {
        await raceSignal(before, signal);
        await acquireInTurn(name, budget, signal);
      } finally {
        release();
        if (queues.get(name) === turn) queues.delete(name);
      }
    },
    close: drop,
  };
}

/** Closes a connection that may be closed already (node-redis 5 throws then). */
function discard(client: RedisConnection): void {
  try {
    client.destroy();
  } catch {
    // closed already
  }
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
