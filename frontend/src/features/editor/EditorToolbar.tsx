import type { ReactNode } from "react";
import { Link } from "react-router";
import type { Schemas } from "../../api/client";
import { Button, focusRing } from "../../ui/controls";
import { autoLayout } from "./autoLayout";
import { HistoryPanel } from "./history/HistoryPanel";
import { useEditorStore } from "./store";
import { useFitNodes } from "./viewportFit";
import { TransferMenu } from "./transfer/TransferMenu";

function SaveState({ notice }: { notice: string | null }) {
  const dirty = useEditorStore((state) => state.dirty);
  return (
    <span role="status" className="flex items-center gap-1.5 text-xs text-slate-600">
      {dirty ? (
        <>
          <span aria-hidden="true" className="size-2 rounded-full bg-amber-500" />
          Unsaved changes
        </>
      ) : (
        <>
          <span aria-hidden="true" className="text-emerald-600">
            ✓
          </span>
          {notice ?? "All changes saved"}
        </>
      )}
    </span>
  );
}

function UndoRedo() {
  const canUndo = useEditorStore((state) => state.past.length > 0);
  const canRedo = useEditorStore((state) => state.future.length > 0);
  const undo = useEditorStore((state) => state.undo);
  const redo = useEditorStore((state) => state.redo);
  return (
    <div className="flex">
      <Button look="quiet" aria-label="Undo" title="Undo (Ctrl+Z)" disabled={!canUndo} onClick={undo} className="px-2">
        <span aria-hidden="true">↶</span>
      </Button>
      <Button look="quiet" aria-label="Redo" title="Redo (Ctrl+Shift+Z)" disabled={!canRedo} onClick={redo} className="px-2">
        <span aria-hidden="true">↷</span>
      </Button>
    </div>
  );
}

/** The editor's header: where you are, what is unsaved, and the actions on the whole flow. */
export function EditorToolbar({
  flow,
  canEdit,
  notice,
  onSave,
  actions,
}: {
  flow: Schemas["FlowOut"];
  canEdit: boolean;
  notice: string | null;
  onSave: () => void;
  /** More actions on the flow, e.g. running it. */
  actions?: ReactNode;
}) {
  const fitNodes = useFitNodes();
  const arrange = () => {
    const { nodes, edges, moveNodes } = useEditorStore.getState();
    moveNodes(autoLayout(nodes, edges));
    fitNodes();
  };
  return (
    <header className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-slate-200 bg-white px-4 py-2">
      <nav aria-label="Breadcrumb" className="flex min-w-0 items-center gap-2 text-sm">
        <Link to="/flows" className={`rounded text-slate-600 hover:text-slate-900 ${focusRing}`}>
          Flows
        </Link>
        <span aria-hidden="true" className="text-slate-300">
          /
        </span>
        <h1 className="truncate font-semibold text-slate-900">{flow.name}</h1>
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">
          {flow.latest_version === 0 ? "Not saved yet" : `v${String(flow.latest_version)}`}
        </span>
        {flow.published_version !== null && (
          <span className="rounded bg-emerald-50 px-1.5 py-0.5 text-xs text-emerald-800">
            Published v{flow.published_version}
          </span>
        )}
      </nav>
      {canEdit ? <SaveState notice={notice} /> : <span className="rounded bg-amber-50 px-2 py-0.5 text-xs text-amber-900">View only</span>}
      <div className="ml-auto flex flex-wrap items-center gap-2">
        {canEdit && <UndoRedo />}
        {canEdit && (
          <Button look="quiet" onClick={arrange} title="Arrange the nodes left to right">
            Auto layout
          </Button>
        )}
        <Button
          look="quiet"
          onClick={() => {
            fitNodes();
          }}
        >
          Zoom to fit
        </Button>
        <HistoryPanel flowId={flow.id} />
        <TransferMenu flowId={flow.id} />
        {actions}
        {canEdit && (
          <Button look="primary" onClick={onSave} title="Save as a new version">
            Save version
          </Button>
        )}
      </div>
    </header>
  );
}
