import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  useReactFlow,
  type NodeProps,
  type NodeTypes,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useEffect, useMemo } from "react";
import type { Schemas } from "../../api/client";
import { focusRing } from "../../ui/controls";
import { runCanvas, type RunFlowNode } from "./runCanvasModel";
import type { RunJournal, RunStructure } from "./runState";
import { STATE_LOOKS, StatusIcon } from "./StatusBadge";

function handleTop(index: number, count: number): string {
  return `${String(((index + 1) / (count + 1)) * 100)}%`;
}

function RunNodeCard({ id, data }: NodeProps<RunFlowNode>) {
  const look = STATE_LOOKS[data.state];
  const badge = data.retrying ? "Retrying" : look.label;
  const status = data.retrying ? `Retrying after attempt ${String(data.attempts)} failed` : look.label;
  return (
    <div
      data-node-id={id}
      data-state={data.state}
      className={`w-60 rounded-lg border-2 bg-white shadow-sm ${look.border} ${data.selected ? "ring-2 ring-indigo-500 ring-offset-2" : ""}`}
    >
      {data.targetHandles.map((handle, index) => (
        <Handle
          key={handle ?? ""}
          type="target"
          id={handle}
          position={Position.Left}
          isConnectable={false}
          style={{ top: handleTop(index, data.targetHandles.length) }}
        />
      ))}
      {/* Its click (from a pointer or the keyboard) reaches the canvas's onNodeClick. */}
      <button
        type="button"
        aria-label={`${data.label}: ${status}`}
        aria-pressed={data.selected}
        className={`block w-full rounded-md p-3 text-left ${focusRing}`}
      >
        <span className="flex items-start justify-between gap-2">
          <span className="min-w-0">
            <span className="block truncate text-sm font-semibold text-slate-900">{data.label}</span>
            <span className="block text-xs text-slate-500">{data.nodeType}</span>
          </span>
          <span className={`inline-flex shrink-0 items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${look.badge}`}>
            <StatusIcon state={data.state} className="h-3.5 w-3.5" />
            {badge}
          </span>
        </span>
        {data.streamedTail !== "" && (
          <span className="mt-2 line-clamp-3 block rounded bg-slate-50 p-1.5 font-mono text-[11px] leading-snug text-slate-700">
            {data.streamedTail}
          </span>
        )}
        {data.error !== null && data.state !== "succeeded" && (
          <span className="mt-2 line-clamp-2 block text-xs text-red-700">{data.error}</span>
        )}
      </button>
      {data.sourceHandles.map((handle, index) => (
        <Handle
          key={handle ?? ""}
          type="source"
          id={handle}
          position={Position.Right}
          isConnectable={false}
          style={{ top: handleTop(index, data.sourceHandles.length) }}
        />
      ))}
    </div>
  );
}

const nodeTypes: NodeTypes = { run: RunNodeCard };

/** Above this many nodes only those in view are drawn, so a large run stays smooth while it streams. */
const VIRTUALIZE_FROM = 150;

/** Fits the graph into view again when the drawer beside the canvas opens or closes and the canvas resizes. */
function FitOnResize({ narrow }: { narrow: boolean }) {
  const { fitView } = useReactFlow();
  useEffect(() => {
    const frame = requestAnimationFrame(() => void fitView({ duration: 200, padding: 0.2, maxZoom: 1.1 }));
    return () => {
      cancelAnimationFrame(frame);
    };
  }, [narrow, fitView]);
  return null;
}

/** The run's graph, read-only: each node shows its state, and opens its details when clicked. */
export function RunCanvas({
  graph,
  structure,
  journal,
  selectedNodeId,
  onOpenNode,
}: {
  graph: Schemas["Graph-Output"];
  structure: RunStructure;
  journal: RunJournal;
  selectedNodeId: string | null;
  onOpenNode: (nodeId: string) => void;
}) {
  const { nodes, edges } = useMemo(
    () => runCanvas(graph, structure, journal, selectedNodeId),
    [graph, structure, journal, selectedNodeId],
  );
  return (
    <div className="h-full min-h-[28rem] w-full" aria-label="Run graph" role="group">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        onNodeClick={(_event, node) => {
          onOpenNode(node.id);
        }}
        onlyRenderVisibleElements={nodes.length > VIRTUALIZE_FROM}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1.1 }}
        minZoom={0.1}
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
        <FitOnResize narrow={selectedNodeId !== null} />
      </ReactFlow>
    </div>
  );
}
