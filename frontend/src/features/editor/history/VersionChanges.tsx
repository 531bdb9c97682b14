import { focusRing } from "../../../ui/controls";
import { useEditorStore } from "../store";
import type { ChangeEntry, ChangeKind, DiffSummary, FieldChangeLine } from "./diffHighlight";

/** Colour and words together: the canvas tints nodes the same way, the badges say it in text. */
export const changeLooks: Record<ChangeKind, { badge: string; symbol: string; word: string }> = {
  added: { badge: "bg-emerald-100 text-emerald-800 ring-emerald-600/30", symbol: "+", word: "Added" },
  changed: { badge: "bg-amber-100 text-amber-900 ring-amber-600/30", symbol: "~", word: "Changed" },
  removed: { badge: "bg-red-100 text-red-800 ring-red-600/30", symbol: "−", word: "Removed" },
};

export function ChangeBadge({ kind, count }: { kind: ChangeKind; count?: number }) {
  const look = changeLooks[kind];
  return (
    <span className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${look.badge}`}>
      <span aria-hidden="true">{look.symbol}</span>
      {count === undefined ? look.word : `${String(count)} ${look.word.toLowerCase()}`}
    </span>
  );
}

function FieldLines({ fields }: { fields: readonly FieldChangeLine[] }) {
  if (fields.length === 0) return null;
  return (
    <dl className="mt-1 space-y-1 pl-2 text-xs">
      {fields.map((field) => (
        <div key={field.path} className="border-l-2 border-amber-300 pl-2">
          <dt className="font-mono text-slate-600">{field.label}</dt>
          <dd className="break-words">
            <del className="bg-red-50 text-red-800" aria-label={`before: ${field.before}`}>
              {field.before}
            </del>
            <span aria-hidden="true" className="px-1 text-slate-400">
              →
            </span>
            <ins className="bg-emerald-50 text-emerald-800 no-underline" aria-label={`after: ${field.after}`}>
              {field.after}
            </ins>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function EntryTitle({ entry, onCanvas }: { entry: ChangeEntry; onCanvas: boolean }) {
  if (!onCanvas) return <span className="min-w-0 truncate font-medium">{entry.title}</span>;
  return (
    <button
      type="button"
      title="Show on the canvas"
      onClick={() => {
        useEditorStore.getState().focusElements([entry.id]);
      }}
      className={`min-w-0 truncate rounded text-left font-medium hover:underline ${focusRing}`}
    >
      {entry.title}
    </button>
  );
}

function EntryList({ title, entries, nodes }: { title: string; entries: readonly ChangeEntry[]; nodes: boolean }) {
  if (entries.length === 0) return null;
  return (
    <section aria-label={title} className="mt-3">
      <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{title}</h4>
      <ul className="mt-1 space-y-1.5">
        {entries.map((entry) => (
          <li key={`${entry.kind}:${entry.id}`} className="text-sm">
            <div className="flex items-center gap-2">
              <ChangeBadge kind={entry.kind} />
              <EntryTitle entry={entry} onCanvas={nodes && entry.kind !== "removed"} />
            </div>
            <FieldLines fields={entry.fields} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The field-level list of what changed from a picked version to the saved one on the canvas. */
export function VersionChanges({ summary, from, to }: { summary: DiffSummary; from: number; to: number }) {
  if (summary.isEmpty) {
    return (
      <p role="status" className="text-sm text-slate-600">
        Version {to} has the same graph as version {from}.
      </p>
    );
  }
  return (
    <div aria-label={`Changes from version ${String(from)} to version ${String(to)}`} role="region">
      <p className="text-sm text-slate-700">
        Since version {from}, version {to} (on the canvas):
      </p>
      <p className="mt-1 flex flex-wrap gap-1.5">
        <ChangeBadge kind="added" count={summary.counts.added} />
        <ChangeBadge kind="changed" count={summary.counts.changed} />
        <ChangeBadge kind="removed" count={summary.counts.removed} />
      </p>
      <EntryList title="Nodes" entries={summary.nodes} nodes />
      <EntryList title="Connections" entries={summary.edges} nodes={false} />
      {summary.settings.length > 0 && (
        <section aria-label="Flow settings" className="mt-3">
          <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Flow settings</h4>
          <FieldLines fields={summary.settings} />
        </section>
      )}
    </div>
  );
}
