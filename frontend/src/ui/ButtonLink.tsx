import type { ReactNode } from "react";
import { Link } from "react-router";
import { focusRing } from "./controls";

const looks = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-100",
} as const;

/** Navigation that looks like a button, e.g. "New agent". */
export function ButtonLink({ to, look = "secondary", children }: { to: string; look?: keyof typeof looks; children: ReactNode }) {
  return (
    <Link
      to={to}
      className={`inline-flex items-center justify-center gap-2 rounded-md px-3 py-1.5 text-sm font-semibold ${looks[look]} ${focusRing}`}
    >
      {children}
    </Link>
  );
}

/** A resource's name linking to its page, as the first cell of a list's row. */
export function ItemLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link to={to} className={`text-indigo-700 hover:underline ${focusRing}`}>
      {children}
    </Link>
  );
}
