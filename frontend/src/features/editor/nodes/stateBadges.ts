/** Colour and a text/icon pair for each run state and diff mark, so colour is never the only signal. */
export interface Badge {
  icon: string;
  text: string;
  border: string;
  tint: string;
}

const runStates: Record<string, Badge> = {
  queued: { icon: "○", text: "Queued", border: "border-slate-400", tint: "bg-slate-100 text-slate-700" },
  running: { icon: "◌", text: "Running", border: "border-sky-500", tint: "bg-sky-100 text-sky-800" },
  succeeded: { icon: "✓", text: "Succeeded", border: "border-emerald-500", tint: "bg-emerald-100 text-emerald-800" },
  failed: { icon: "✕", text: "Failed", border: "border-red-500", tint: "bg-red-100 text-red-800" },
  skipped: { icon: "↷", text: "Skipped", border: "border-slate-300 border-dashed", tint: "bg-slate-100 text-slate-600" },
  cancelled: { icon: "⊘", text: "Cancelled", border: "border-zinc-500", tint: "bg-zinc-200 text-zinc-800" },
};

export function runBadge(status: string): Badge {
  return runStates[status] ?? { icon: "•", text: status, border: "border-slate-400", tint: "bg-slate-100 text-slate-700" };
}

export const diffBadges: Record<"added" | "changed" | "removed", Badge> = {
  added: { icon: "+", text: "Added", border: "border-emerald-500", tint: "bg-emerald-100 text-emerald-800" },
  changed: { icon: "~", text: "Changed", border: "border-amber-500", tint: "bg-amber-100 text-amber-900" },
  removed: { icon: "−", text: "Removed", border: "border-red-400 border-dashed", tint: "bg-red-100 text-red-800" },
};

export const problemBorder = "border-red-600";
