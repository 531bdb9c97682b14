/** Whether a write-only value (an API key, a secret) is stored; its value is never shown. */
export function WriteOnlyStatus({ stored, detail }: { stored: boolean; detail?: string | null | undefined }) {
  return stored ? (
    <span className="inline-flex items-center gap-1 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800">
      <span aria-hidden="true">●</span> set{detail ? ` (…${detail})` : ""}
    </span>
  ) : (
    <span className="inline-flex items-center gap-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">
      <span aria-hidden="true">○</span> not set
    </span>
  );
}
