import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useParams } from "react-router";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { ErrorMessage } from "../../ui/controls";
import { Canvas } from "./Canvas";
import { EditorFlowContext } from "./editorContext";
import { EditorToolbar } from "./EditorToolbar";
import { LeaveGuard } from "./LeaveGuard";
import { NodePanel } from "./NodePanel";
import { Palette } from "./Palette";
import { ProblemsPanel } from "./ProblemsPanel";
import { SaveDialog } from "./SaveDialog";
import { loadGraph, setDiffHighlight, setNodeStates, useEditorStore } from "./store";
import { useEditorShortcuts } from "./useEditorShortcuts";
import { useReferenceChoices } from "./useReferenceChoices";
import { useValidation } from "./useValidation";

const nodeTypesKey = [...queryKeys.flows.all, "node-types"] as const;

function useNodeTypes() {
  return useQuery({
    queryKey: nodeTypesKey,
    queryFn: () => unwrap(api.GET("/api/v1/flows/node-types")),
    staleTime: Infinity,
  });
}

function useFlowDetail(flowId: string) {
  return useQuery({
    queryKey: queryKeys.flows.detail(flowId),
    queryFn: () => unwrap(api.GET("/api/v1/flows/{flow_id}", { params: { path: { flow_id: flowId } } })),
  });
}

/** Puts the flow's latest graph on the canvas once per visit; leaving clears the canvas and its overlays. */
function useLoadedGraph(flowId: string, flowLoaded: boolean, canEdit: boolean): boolean {
  const queryClient = useQueryClient();
  useEffect(() => {
    useEditorStore.getState().setReadOnly(!canEdit);
  }, [canEdit]);
  useEffect(() => {
    const flow = queryClient.getQueryData<Schemas["FlowOut"]>(queryKeys.flows.detail(flowId));
    if (!flowLoaded || flow === undefined) return;
    loadGraph(flow.graph ?? { nodes: [], edges: [] });
    useEditorStore.getState().setProblems(flow.problems);
    useEditorStore.setState({ flowId });
    return () => {
      setDiffHighlight(null);
      setNodeStates(null);
      loadGraph({ nodes: [], edges: [] });
      useEditorStore.setState({ flowId: null });
    };
  }, [flowId, flowLoaded, queryClient]);
  return useEditorStore((state) => state.flowId) === flowId;
}

function EmptyCanvasHint({ canEdit }: { canEdit: boolean }) {
  const empty = useEditorStore((state) => state.nodes.length === 0);
  if (!empty) return null;
  return (
    <div className="pointer-events-none absolute inset-0 flex items-center justify-center">
      <div className="max-w-sm rounded-xl border border-dashed border-slate-300 bg-white/90 p-6 text-center text-sm text-slate-600">
        <p className="font-medium text-slate-800">This flow is empty</p>
        {canEdit
          ? "Drag an Input node from the palette onto the canvas (or focus it and press Enter), then add the steps and an Output."
          : "Nobody has built this flow yet."}
      </div>
    </div>
  );
}

interface EditorSlots {
  /** More buttons in the toolbar, e.g. Run. */
  toolbarActions?: ReactNode;
  /** A column right of the node panel, e.g. a live run's details. */
  aside?: ReactNode;
}

/**
 * The flow editor at /flows/:flowId. Components placed in its slots read the flow with `useEditorFlow()`.
 * Opening another flow starts afresh (canvas, viewport, dialogs).
 */
export function FlowEditorPage(slots: EditorSlots) {
  const { flowId = "" } = useParams();
  return <FlowEditor key={flowId} flowId={flowId} {...slots} />;
}

function FlowEditor({ flowId, toolbarActions, aside }: EditorSlots & { flowId: string }) {
  const canEdit = useCan("flows", "write");
  const flow = useFlowDetail(flowId);
  const nodeTypes = useNodeTypes();
  const { choices, defaultModels } = useReferenceChoices();
  const canvasRef = useRef<HTMLDivElement>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const ready = useLoadedGraph(flowId, flow.data !== undefined, canEdit);
  const validation = useValidation(ready && canEdit);
  useEditorShortcuts(canvasRef);

  useEffect(() => {
    if (nodeTypes.data !== undefined) useEditorStore.getState().setCatalog(nodeTypes.data);
  }, [nodeTypes.data]);

  const context = useMemo(() => (flow.data === undefined ? null : { flow: flow.data, canEdit }), [flow.data, canEdit]);

  if (flow.error !== null || nodeTypes.error !== null) {
    return <ErrorMessage message={(flow.error ?? nodeTypes.error)?.message} />;
  }
  if (context === null || nodeTypes.data === undefined || !ready) {
    return <p role="status">Loading the flow…</p>;
  }
  return (
    <EditorFlowContext value={context}>
      <ReactFlowProvider>
        <div className="-mx-4 -my-6 flex h-[calc(100vh-3.5rem)] flex-col sm:-mx-8 sm:-my-8">
          <EditorToolbar
            flow={context.flow}
            canEdit={canEdit}
            notice={notice}
            actions={toolbarActions}
            onSave={() => {
              setSaving(true);
            }}
          />
          <div className="flex min-h-0 flex-1">
            {canEdit && (
              <aside className="w-44 shrink-0 overflow-y-auto border-r border-slate-200 bg-slate-50">
                <Palette nodeTypes={nodeTypes.data} canvasRef={canvasRef} />
              </aside>
            )}
            <div className="relative min-w-0 flex-1 bg-slate-100">
              <Canvas canvasRef={canvasRef} />
              <EmptyCanvasHint canEdit={canEdit} />
            </div>
            <aside aria-label="Node settings and problems" className="flex w-80 shrink-0 flex-col border-l border-slate-200 bg-white">
              <div className="min-h-0 flex-1 overflow-y-auto">
                <NodePanel choices={choices} defaultModels={defaultModels} />
              </div>
              <div className="max-h-[40%] min-h-0 overflow-y-auto border-t border-slate-200">
                <ProblemsPanel status={validation} />
              </div>
            </aside>
            {aside}
          </div>
        </div>
        {canEdit && (
          <SaveDialog
            open={saving}
            onClose={() => {
              setSaving(false);
            }}
            flowId={flowId}
            baseVersion={context.flow.version}
            onSaved={(saved) => {
              const problems = saved.problems.length;
              setNotice(
                `Saved version ${String(saved.version.number)}${problems === 0 ? "" : ` · ${String(problems)} problem${problems === 1 ? "" : "s"}`}`,
              );
            }}
          />
        )}
        {canEdit && <LeaveGuard />}
      </ReactFlowProvider>
    </EditorFlowContext>
  );
}
