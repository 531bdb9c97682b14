import type { ReactNode } from "react";

/** A page's title (its landmark's label) and the actions that belong to the whole page. */
export function PageHeader({ id, title, actions }: { id: string; title: string; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex items-center justify-between gap-4">
      <h1 id={id} className="text-2xl font-bold">
        {title}
      </h1>
      {actions !== undefined && <div className="flex items-center gap-2">{actions}</div>}
    </div>
  );
}
