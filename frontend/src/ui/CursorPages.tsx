import { useState } from "react";
import { Button, focusRing } from "./controls";

/** A list's search text and its position in cursor pagination: the cursors of the pages before this one. */
export function useCursorPages() {
  const [search, setSearchText] = useState("");
  const [trail, setTrail] = useState<string[]>([]);
  const cursor = trail.at(-1) ?? null;
  return {
    search,
    cursor,
    page: trail.length + 1,
    setSearch: (text: string) => {
      setSearchText(text);
      setTrail([]);
    },
    next: (nextCursor: string) => {
      setTrail((previous) => [...previous, nextCursor]);
    },
    previous: () => {
      setTrail((previous) => previous.slice(0, -1));
    },
  };
}

export type CursorPages = ReturnType<typeof useCursorPages>;

export function SearchBox({ label, pages }: { label: string; pages: CursorPages }) {
  return (
    <input
      type="search"
      aria-label={label}
      placeholder={label}
      value={pages.search}
      onChange={(event) => {
        pages.setSearch(event.target.value);
      }}
      className={`w-72 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm ${focusRing}`}
    />
  );
}

export function PageControls({ pages, nextCursor }: { pages: CursorPages; nextCursor: string | null | undefined }) {
  if (pages.page === 1 && (nextCursor === null || nextCursor === undefined)) return null;
  return (
    <nav aria-label="Pages" className="mt-4 flex items-center justify-end gap-3 text-sm">
      <Button onClick={pages.previous} disabled={pages.page === 1}>
        Previous
      </Button>
      <span aria-live="polite">Page {pages.page}</span>
      <Button
        onClick={() => {
          if (nextCursor) pages.next(nextCursor);
        }}
        disabled={nextCursor === null || nextCursor === undefined}
      >
        Next
      </Button>
    </nav>
  );
}
