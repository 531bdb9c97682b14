import type { ReactNode } from "react";

/** One titled block of the settings page; `danger` marks what cannot be undone. */
export function SettingsCard({
  id,
  title,
  description,
  danger = false,
  children,
}: {
  id: string;
  title: string;
  description: string;
  danger?: boolean;
  children: ReactNode;
}) {
  const titleId = `${id}-title`;
  return (
    <section
      id={id}
      aria-labelledby={titleId}
      className={`scroll-mt-20 rounded-xl border bg-white shadow-sm ${danger ? "border-red-200" : "border-slate-200"}`}
    >
      <div className={`border-b px-6 py-4 ${danger ? "border-red-100" : "border-slate-100"}`}>
        <h2 id={titleId} className={`text-base font-semibold ${danger ? "text-red-700" : "text-slate-900"}`}>
          {title}
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">{description}</p>
      </div>
      <div className="px-6 py-5">{children}</div>
    </section>
  );
}
