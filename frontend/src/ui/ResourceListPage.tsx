import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorMessage } from "./controls";
import { PageControls, SearchBox, type CursorPages } from "./CursorPages";
import { EmptyState } from "./EmptyState";
import { PageHeader } from "./PageHeader";
import { ResourceTable, type Column } from "./ResourceTable";

interface Listed<T> {
  items: T[];
  next_cursor?: string | null;
}

/** A list page: title, search, the page's actions, loading and error states, the table, pagination, and an
 * empty state that says what to do next. */
export function ResourceListPage<T extends { id: string }>({
  id,
  title,
  plural,
  pages,
  list,
  columns,
  actions,
  emptyTitle,
  emptyText,
  emptyAction,
  intro,
}: {
  id: string;
  title: string;
  /** The items in a sentence: "agents", "LLM providers". */
  plural: string;
  pages: CursorPages;
  list: UseQueryResult<Listed<T>>;
  columns: readonly Column<T>[];
  actions?: ReactNode;
  emptyTitle: string;
  emptyText: ReactNode;
  emptyAction?: ReactNode;
  intro?: ReactNode;
}) {
  const searching = pages.search !== "";
  return (
    <section aria-labelledby={id}>
      <PageHeader
        id={id}
        title={title}
        actions={
          <>
            <SearchBox label={`Search ${plural}`} pages={pages} />
            {actions}
          </>
        }
      />
      {intro !== undefined && <p className="-mt-4 mb-6 text-sm text-slate-600">{intro}</p>}
      {list.isPending && <p role="status">Loading {plural}…</p>}
      <ErrorMessage message={list.error?.message} />
      {list.data?.items.length === 0 &&
        (searching ? (
          <EmptyState title={`No ${plural} match “${pages.search}”`}>Try another part of the name, or clear the search.</EmptyState>
        ) : (
          <EmptyState title={emptyTitle} action={emptyAction}>
            {emptyText}
          </EmptyState>
        ))}
      {list.data && list.data.items.length > 0 && (
        <ResourceTable caption={title} items={list.data.items} columns={columns} />
      )}
      <PageControls pages={pages} nextCursor={list.data?.next_cursor} />
    </section>
  );
}
