import type { NodeState } from "./runState";

/** How a run or node state looks: a colour, and always an icon and a word as well. */
interface StateLook {
  label: string;
  /** Text and background of a badge. */
  badge: string;
  /** The border of a node on the canvas. */
  border: string;
}

export const STATE_LOOKS: Readonly<Record<NodeState, StateLook>> = {
  queued: { label: "Queued", badge: "bg-slate-100 text-slate-700", border: "border-slate-300" },
  running: { label: "Running", badge: "bg-sky-100 text-sky-800", border: "border-sky-500" },
  succeeded: { label: "Succeeded", badge: "bg-emerald-100 text-emerald-800", border: "border-emerald-500" },
  failed: { label: "Failed", badge: "bg-red-100 text-red-800", border: "border-red-500" },
  skipped: { label: "Skipped", badge: "bg-amber-50 text-amber-800", border: "border-amber-300 border-dashed" },
  cancelled: { label: "Cancelled", badge: "bg-zinc-200 text-zinc-800", border: "border-zinc-400" },
  not_run: { label: "Not run", badge: "bg-white text-slate-500", border: "border-slate-200 border-dashed" },
};

const ICON_PATHS: Readonly<Record<Exclude<NodeState, "running">, string>> = {
  queued: "M12 7v5l3 2 M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z",
  succeeded: "M8 12.5l2.5 2.5L16 9.5 M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z",
  failed: "M9 9l6 6 M15 9l-6 6 M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z",
  skipped: "M7 7l5 5-5 5 M13 7l5 5-5 5",
  cancelled: "M5.6 5.6l12.8 12.8 M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z",
  not_run: "M8 12h8 M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z",
};

export function StatusIcon({ state, className = "h-4 w-4" }: { state: NodeState; className?: string }) {
  if (state === "running") {
    return (
      <svg viewBox="0 0 24 24" className={`${className} motion-safe:animate-spin`} aria-hidden="true" fill="none">
        <circle cx="12" cy="12" r="9" stroke="currentColor" strokeOpacity="0.25" strokeWidth="2.5" />
        <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" />
      </svg>
    );
  }
  return (
    <svg
      viewBox="0 0 24 24"
      className={className}
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={ICON_PATHS[state]} />
    </svg>
  );
}

/** A state as a pill with its icon and word, e.g. in the executions list and the run's header. */
export function StatusBadge({ state }: { state: NodeState }) {
  const look = STATE_LOOKS[state];
  return (
    <span
      data-state={state}
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-semibold ${look.badge}`}
    >
      <StatusIcon state={state} className="h-3.5 w-3.5" />
      {look.label}
    </span>
  );
}
