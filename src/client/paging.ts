// Turns a page-at-a-time endpoint into one lazy async iterable: the next page is fetched only
// when the loop has used up the current one, so breaking out early stops the fetching. Offset
// paging (top/skip with a total count) and cursor paging (each page names the next) alike.

/** The most the service returns per page; the fewest requests for a full listing. */
export const MAX_PAGE_SIZE = 1000;

export interface Page<T> {
  totalCount: number;
  results: T[];
}

export interface PagedIterable<T> extends AsyncIterable<T> {
  /** Every item in one array (fetches all pages). */
  toArray(): Promise<T[]>;
}

export type PageFetcher<T> = (window: { top: number; skip: number }) => Promise<Page<T>>;

export function paginate<T>(fetchPage: PageFetcher<T>, pageSize: number = MAX_PAGE_SIZE): PagedIterable<T> {
  async function* items(): AsyncGenerator<T, void, undefined> {
    let skip = 0;
    for (;;) {
      const page = await fetchPage({ top: pageSize, skip });
      yield* page.results;
      skip += page.results.length;
      // totalCount is the truth; an empty page also ends it, so a count that drifts while
      // items are deleted cannot make the loop spin.
      if (page.results.length === 0 || skip >= page.totalCount) return;
    }
  }
  return pagedIterable(items);
}

/** One page of a cursor-paged endpoint: its items and the cursor of the page after it (null at the end). */
export interface CursorPage<T> {
  items: T[];
  cursor: string | null | undefined;
}

/**
 * The same for an endpoint that pages by cursor: `fetchPage(undefined)` fetches the first page,
 * `fetchPage(cursor)` the one a cursor names. It ends at a null cursor, and also when a cursor
 * comes round again, so a service that hands back a cursor it already gave cannot loop it.
 */
export function paginateByCursor<T>(fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>): PagedIterable<T> {
  async function* items(): AsyncGenerator<T, void, undefined> {
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = await fetchPage(cursor);
      yield* page.items;
      if (page.cursor === null || page.cursor === undefined || page.cursor === "" || seen.has(page.cursor)) return;
      seen.add(page.cursor);
      cursor = page.cursor;
    }
  }
  return pagedIterable(items);
}

/** The iterable over a generator of items, with `toArray`. */
export function pagedIterable<T>(items: () => AsyncGenerator<T, void, undefined>): PagedIterable<T> {
  return {
    [Symbol.asyncIterator]: () => items(),
    async toArray() {
      const all: T[] = [];
      for await (const item of items()) all.push(item);
      return all;
    },
  };
}
