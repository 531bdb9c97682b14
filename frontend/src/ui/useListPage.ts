import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { CursorPages } from "./CursorPages";

/** What a list page asks the API for, in the API's names: the search (null for none), the page's cursor, its size. */
export interface ListPageQuery {
  q: string | null;
  cursor: string | null;
  limit: number;
}

/** The page of a resource list that `pages` is on; the page shown stays while the next one loads. */
export function useListPage<T>(
  pages: CursorPages,
  listKey: (filters: object) => readonly unknown[],
  fetchPage: (query: ListPageQuery) => Promise<T>,
) {
  return useQuery({
    queryKey: listKey({ q: pages.search, cursor: pages.cursor }),
    queryFn: () => fetchPage({ q: pages.search || null, cursor: pages.cursor, limit: 25 }),
    placeholderData: keepPreviousData,
  });
}
