// What every command gets: the streams, the output format, colours, a lazily made client, and
// the small conversations a command has with a person (confirmations, notes on stderr).
import type { IdentityClient, RateLimitOptions, RetryLogEvent } from "../client/index.js";
import { resolveConnection, type ConnectionFlags } from "./connection.js";
import { CliFailure, EXIT } from "./failures.js";
import { colourFor, painter, type Io } from "./io.js";
import { parseFormat, showsData, type OutputFormat } from "./output.js";
import { SendGate } from "./send-gate.js";

export interface GlobalOptions extends ConnectionFlags {
  output: string;
  debug?: boolean | undefined;
  color: boolean;
}

export interface CliContext {
  io: Io;
  format: OutputFormat;
  debug: boolean;
  /** Colour for stderr messages (stdout carries data and stays plain unless it is a terminal). */
  paint: ReturnType<typeof painter>;
  paintOut: ReturnType<typeof painter>;
  /** The client, made on first use from the connection settings. */
  client(): Promise<IdentityClient>;
  /** The API base in use, once the client exists (for messages). */
  baseUrl(): string | undefined;
  /** Whether the settings name the scopes (UIPATH_SCOPES, --scopes, a profile), once the client exists; else they come from the contract. */
  scopesGiven(): boolean | undefined;
  /** The client's rate-limit settings (false: none), once the client exists. */
  rateLimit(): RateLimitOptions | false | undefined;
  /** Identity API requests sent so far by method (retries, token requests and audit reads not counted). */
  readonly requests: Record<string, number>;
  /** Reads of the audit service so far (who caused drift): not Identity's, and not paced by its budgets. */
  auditReads(): number;
  /** Retries so far, by reason ("429", "503", "network", ...). */
  readonly retries: Record<string, number>;
  /** Data, on stdout. */
  print(text: string): void;
  /** A note for the person, on stderr. */
  note(text: string): void;
  /**
   * A listing on stdout; when it has no rows and the format is one a person reads, also `none`
   * on stderr, so an empty answer is not mistaken for a hang or a failure (data formats say [] themselves).
   */
  printListing(text: string, rows: number, none: string): void;
  /** Asks a yes/no question on a terminal; refuses (with the flag to use) when there is none. */
  confirm(question: string, flag: string): Promise<boolean>;
  /** A command that succeeds with a meaning of its own (plan's "changes present") sets it. */
  exitCode?: number;
  /** Everything the client sends passes here; closing it (Ctrl-C during apply) stops all sending. */
  readonly gate: SendGate;
}

export function createContext(io: Io, options: GlobalOptions): CliContext {
  const format = parseFormat(options.output);
  let client: IdentityClient | undefined;
  let making: Promise<IdentityClient> | undefined;
  let rateLimit: RateLimitOptions | false | undefined;
  let scopesGiven = false;
  const requests: Record<string, number> = {};
  const retries: Record<string, number> = {};
  const gate = new SendGate();
  let auditReads = 0;
  const countRequest = (event: { method: string; url: string; attempt: number }) => {
    if (event.attempt !== 1 || event.url.endsWith("/connect/token")) return;
    const auditBase = client?.auditBaseUrl;
    if (auditBase !== undefined && event.url.startsWith(auditBase)) auditReads++;
    else requests[event.method] = (requests[event.method] ?? 0) + 1;
  };
  const countRetry = (event: RetryLogEvent) => {
    retries[String(event.reason)] = (retries[String(event.reason)] ?? 0) + 1;
  };
  return {
    io,
    format,
    debug: options.debug === true,
    paint: painter(colourFor(io.stderr, io.env, !options.color)),
    paintOut: painter(format === "table" && colourFor(io.stdout, io.env, !options.color)),
    client: () =>
      // The client and the prompts are imported when first needed: `validate` and `--help` need neither.
      (making ??= Promise.all([resolveConnection(options, io), import("../client/client.js")]).then(
        ([connection, { createIdentityClient }]) => {
          if (options.debug) io.stderr.write(`debug: ${connection.describe}\n`);
          rateLimit = connection.options.rateLimit;
          const { credentials } = connection.options;
          scopesGiven = typeof credentials === "object" && "scopes" in credentials && credentials.scopes !== undefined;
          if (rateLimit && rateLimit.redis !== undefined) {
            // Outages of the shared budget are worth a line: calls wait for Redis meanwhile.
            rateLimit.onRedisStatus = (event) => io.stderr.write(`${event.message}\n`);
          }
          client = createIdentityClient({
            ...connection.options,
            userAgent: "uipath-identity-cli",
            fetchWithInit: gate.fetch,
            onRequest: countRequest,
            onRetry: countRetry,
          });
          return client;
        },
      )),
    baseUrl: () => client?.baseUrl,
    scopesGiven: () => (client === undefined ? undefined : scopesGiven),
    rateLimit: () => rateLimit,
    requests,
    auditReads: () => auditReads,
    retries,
    gate,
    print: (text) => {
      io.stdout.write(text);
    },
    note: (text) => {
      io.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    printListing(text, rows, none) {
      io.stdout.write(text);
      if (rows === 0 && !showsData(format)) io.stderr.write(`${none}\n`);
    },
    async confirm(question, flag) {
      if (io.stdin.isTTY !== true || io.stderr.isTTY !== true) {
        throw new CliFailure(`${question} Refusing without a terminal to ask on; pass ${flag} to go ahead.`, EXIT.usage);
      }
      const { confirm, isCancel } = await import("@clack/prompts");
      const answer = await confirm({
        message: question,
        initialValue: false,
        input: io.stdin as NodeJS.ReadableStream & import("node:stream").Readable,
        output: io.stderr as unknown as import("node:stream").Writable,
      });
      // Ctrl-C (or Escape) at the question: an interruption, not a "no".
      if (isCancel(answer)) throw new CliFailure("Cancelled.", EXIT.interrupted);
      return answer === true;
    },
  };
}
