import type { ReactNode } from "react";

export interface Column<T> {
  header: string;
  cell: (item: T) => ReactNode;
  /** Tailwind classes of the column's cells, e.g. a width or alignment. */
  className?: string;
}

/** A list of resources as a table; the first column is the row's header (usually a link to the item). */
export function ResourceTable<T extends { id: string }>({
  caption,
  items,
  columns,
}: {
  caption: string;
  items: readonly T[];
  columns: readonly Column<T>[];
}) {
  return (
    <div className="relative overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-xs tracking-wide text-slate-600 uppercase">
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col" className={`px-4 py-2.5 font-semibold ${column.className ?? ""}`}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} className="border-t border-slate-100 hover:bg-slate-50/60">
              {columns.map((column, index) =>
                index === 0 ? (
                  <th key={column.header} scope="row" className={`px-4 py-2.5 font-medium ${column.className ?? ""}`}>
                    {column.cell(item)}
                  </th>
                ) : (
                  <td key={column.header} className={`px-4 py-2.5 text-slate-700 ${column.className ?? ""}`}>
                    {column.cell(item)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
