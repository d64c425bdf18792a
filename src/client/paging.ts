// Turns a page-at-a-time endpoint into one lazy async iterable: the next page is fetched only
// when the loop has used up the current one, so breaking out early stops the fetching.

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
