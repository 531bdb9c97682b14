import { focusRing } from "../../../ui/controls";
import { Icon } from "../../../ui/icons";
import { RelativeTime } from "../../../ui/RelativeTime";
import type { VersionBadge, VersionRow } from "./versionList";

const badgeLooks: Record<VersionBadge, { className: string; icon: "dot" | "check" }> = {
  Current: { className: "bg-indigo-100 text-indigo-800 ring-indigo-600/30", icon: "dot" },
  Published: { className: "bg-emerald-100 text-emerald-800 ring-emerald-600/30", icon: "check" },
};

function Badge({ badge }: { badge: VersionBadge }) {
  const look = badgeLooks[badge];
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${look.className}`}>
      <Icon name={look.icon} />
      {badge}
    </span>
  );
}

/** The versions, newest first; picking one compares it with the saved version on the canvas. */
export function VersionItems({
  rows,
  selected,
  onSelect,
}: {
  rows: readonly VersionRow[];
  selected: number | null;
  onSelect: (number: number | null) => void;
}) {
  return (
    <ol aria-label="Versions" className="space-y-1">
      {rows.map((row) => {
        const isSelected = row.number === selected;
        return (
          <li key={row.number}>
            <button
              type="button"
              aria-pressed={isSelected}
              onClick={() => {
                onSelect(isSelected ? null : row.number);
              }}
              className={`w-full rounded-lg border px-3 py-2 text-left text-sm ${focusRing} ${
                isSelected ? "border-indigo-500 bg-indigo-50" : "border-transparent hover:bg-slate-50"
              }`}
            >
              <span className="flex flex-wrap items-center gap-2">
                <span className="font-semibold">{row.title}</span>
                {row.badges.map((badge) => (
                  <Badge key={badge} badge={badge} />
                ))}
              </span>
              <span className={`mt-0.5 block truncate ${row.hasMessage ? "text-slate-800" : "text-slate-500 italic"}`}>
                {row.message}
              </span>
              <span className="mt-0.5 block text-xs text-slate-500">
                {row.author} · <RelativeTime iso={row.createdAt} />
              </span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}
