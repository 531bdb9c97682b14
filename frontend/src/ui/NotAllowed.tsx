import { Icon } from "./icons";

/** What a page shows to a role the API would refuse, instead of a failing request. */
export function NotAllowed({ title, children }: { title: string; children: string }) {
  return (
    <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center">
      <Icon name="lock" className="mx-auto size-6 text-slate-400" />
      <p className="mt-3 font-medium">{title}</p>
      <p className="mt-1 text-sm text-slate-600">{children}</p>
    </div>
  );
}
