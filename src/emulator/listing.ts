// Ordering and paging shared by the paged lists (users, robot accounts): sorting ignores case, puts
// nulls first and breaks ties by id, so that pages never overlap or skip a record.
export type SortValue = string | number | bigint | boolean | null;

export interface Page<T> {
  totalCount: number;
  results: T[];
}

/** Sorts by one value, or keeps the given (creation) order without one; `desc` reverses the whole list. */
export function order<T extends { id: string }>(
  list: T[],
  valueOf: ((r: T) => SortValue) | undefined,
  direction: "asc" | "desc" | undefined,
): T[] {
  const out = [...list];
  if (valueOf) out.sort((a, b) => compareValues(valueOf(a), valueOf(b)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (direction === "desc") out.reverse();
  return out;
}

export function page<T, R>(list: T[], skip: number, top: number, view: (r: T) => R): Page<R> {
  return { totalCount: list.length, results: list.slice(skip, skip + top).map(view) };
}

function compareValues(x: SortValue, y: SortValue): number {
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  if (typeof x === "string" && typeof y === "string") return x.toLowerCase().localeCompare(y.toLowerCase(), "en");
  if (typeof x === "bigint" && typeof y === "bigint") return x < y ? -1 : x > y ? 1 : 0;
  return Number(x) - Number(y);
}

/**
 * A timestamp as nanoseconds since 1970, to sort by. The service writes up to seven fractional
 * digits, finer than a Date holds; one without a zone is read as UTC, as the contract says.
 */
export function timeValue(timestamp: string | null): bigint | null {
  const parts = timestamp === null ? null : /^(.+T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/i.exec(timestamp);
  if (!parts) return null;
  const seconds = Date.parse(`${parts[1]}${parts[3] ?? "Z"}`);
  if (Number.isNaN(seconds)) return null;
  return BigInt(seconds) * 1_000_000n + BigInt((parts[2] ?? "").padEnd(9, "0"));
}
