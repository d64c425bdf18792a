// What an identity file says, once read: the desired groups, robot accounts and users, each entry
// with where it was written (FILE:LINE:COLUMN), so later checks (an unknown group, an address the
// directory cannot resolve) can point at it too; and the problems found in files. Reading them is
// read-identity-files.ts, which only the commands that read files load.
import { CliFailure } from "../failures.js";

export interface Position {
  file: string;
  line: number;
  column: number;
}

export interface Located<T> {
  value: T;
  at: Position;
}

/**
 * A member as the file names it: `any` is a user (e-mail address or user name) or a robot account
 * (name), or an id; `directoryGroup` is a group of the linked directory (`{ group: NAME }`).
 */
export interface DesiredMember extends Located<string> {
  kind: "any" | "directoryGroup";
}

export interface DesiredGroup {
  name: string;
  /** Undefined: the file does not manage this group's members. */
  members?: DesiredMember[];
  exclusive: boolean;
  builtIn: boolean;
  at: Position;
}

export interface DesiredRobot {
  name: string;
  displayName?: string;
  groups: Array<Located<string>>;
  at: Position;
}

export interface DesiredUser {
  email: string;
  name?: string;
  surname?: string;
  /** Undefined: not managed (a new user is active). */
  active?: boolean;
  /** How a missing user is made: invited (the default on Automation Cloud) or created. */
  invite?: boolean;
  groups: Array<Located<string>>;
  at: Position;
}

/** What to delete when the file leaves it out; each kind opt-in. */
export interface Prune {
  groups: boolean;
  robotAccounts: boolean;
  users: boolean;
}

export interface IdentityFile {
  groups: DesiredGroup[];
  robotAccounts: DesiredRobot[];
  users: DesiredUser[];
  prune: Prune;
  /** What was read, for saved plans: the path and a digest of the text. */
  sources: Array<{ path: string; sha256: string }>;
}

/** Everything wrong with the files, each line `FILE:LINE:COLUMN: message`; nothing was sent. */
export class FileProblems extends CliFailure {
  constructor(readonly problems: string[]) {
    const head = problems.length === 1 ? "The file has a problem" : `The files have ${problems.length} problems`;
    super(`${head}; nothing was sent:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

export function where(at: Position): string {
  return `${at.file}:${at.line}:${at.column}`;
}

/** Something wrong at a place in a file. */
export interface FileProblem {
  at: Position;
  message: string;
}

/** Problems in file order, each as `FILE:LINE:COLUMN: message`. */
export function problemLines(problems: FileProblem[]): string[] {
  return [...problems]
    .sort((a, b) => a.at.file.localeCompare(b.at.file) || a.at.line - b.at.line || a.at.column - b.at.column)
    .map((p) => `${where(p.at)}: ${p.message}`);
}

export function noPrune(): Prune {
  return { groups: false, robotAccounts: false, users: false };
}
