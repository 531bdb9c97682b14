import { Handle, Position, useStore, type NodeProps, type ReactFlowState } from "@xyflow/react";
import { memo, type ReactNode } from "react";
import type { FlowNode, FlowNodeData } from "../graphModel";
import type { GhostNode } from "../overlays";
import { useEditorStore } from "../store";
import { lookOf } from "./nodeLooks";
import { diffBadges, problemBorder, runBadge, type Badge } from "./stateBadges";

function BadgeChip({ badge, spin = false }: { badge: Badge; spin?: boolean }) {
  return (
    <span className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-[11px] font-semibold ${badge.tint}`}>
      <span aria-hidden="true" className={spin ? "inline-block animate-spin" : undefined}>
        {badge.icon}
      </span>
      {badge.text}
    </span>
  );
}

/** Below this zoom, nodes are drawn plainly. */
const DISTANT_ZOOM = 0.45;
const isZoomedOut = (state: ReactFlowState) => state.transform[2] < DISTANT_ZOOM;

/** The card every node type shares: type glyph, title, id, and the config summary. */
function CardBody({ id, data, border, children }: { id: string; data: FlowNodeData; border: string; children?: ReactNode }) {
  const title = useEditorStore((state) => state.catalog[data.nodeType]?.title) ?? data.nodeType;
  const nameOf = useEditorStore((state) => state.referenceNames);
  const distant = useStore(isZoomedOut);
  const look = lookOf(data.nodeType);
  if (distant) {
    // Seen from afar a node is its glyph and name: small text and shadows only cost drawing time there.
    return (
      <div className={`w-60 rounded-lg border-2 bg-white text-left ${border}`}>
        <div className="flex h-[72px] items-center gap-3 px-3">
          <span aria-hidden="true" className={`flex size-10 shrink-0 items-center justify-center rounded text-2xl ${look.accent}`}>
            {look.icon}
          </span>
          <p className="truncate text-2xl font-semibold text-slate-900">{data.label ?? title}</p>
        </div>
        {children}
      </div>
    );
  }
  const summary = look.summary(data.config, (value) => (typeof value === "string" ? (nameOf[value] ?? null) : null));
  return (
    <div className={`w-60 rounded-lg border-2 bg-white text-left shadow-sm ${border}`}>
      <div className="flex items-center gap-2 px-3 pt-2">
        <span aria-hidden="true" className={`flex h-6 w-6 shrink-0 items-center justify-center rounded ${look.accent}`}>
          {look.icon}
        </span>
        <div className="min-w-0">
          <p className="truncate text-sm font-semibold text-slate-900">{data.label ?? title}</p>
          <p className="truncate font-mono text-[11px] text-slate-500">
            {title} · {id}
          </p>
        </div>
      </div>
      <p className="truncate px-3 pt-1 pb-2 text-xs text-slate-600" title={summary}>
        {summary || "Not configured yet"}
      </p>
      {children}
    </div>
  );
}

function OutputHandles({ nodeType }: { nodeType: string }) {
  const outputs = useEditorStore((state) => state.catalog[nodeType]?.outputs) ?? ["output"];
  const labelled = outputs.length > 1;
  return outputs.map((handle, index) => {
    const top = `${String(((index + 1) * 100) / (outputs.length + 1))}%`;
    return (
      <div key={handle}>
        {labelled && (
          <span
            className="pointer-events-none absolute right-3 -translate-y-1/2 text-[11px] font-semibold text-slate-600"
            style={{ top }}
          >
            {handle}
          </span>
        )}
        <Handle
          type="source"
          position={Position.Right}
          id={handle}
          style={{ top }}
          title={labelled ? `${handle} branch` : "Output"}
          className="!h-3 !w-3 !border-2 !border-white !bg-slate-500"
        />
      </div>
    );
  });
}

function FlowNodeCardView({ id, data, selected }: NodeProps<FlowNode>) {
  const problems = useEditorStore((state) => state.problemIndex.byNode[id]);
  const diff = useEditorStore((state) => state.diffByNode[id]);
  const runStatus = useEditorStore((state) => state.nodeStates?.[id]?.status);
  const runDetail = useEditorStore((state) => state.nodeStates?.[id]?.detail);
  const run = runStatus === undefined ? undefined : runBadge(runStatus);
  const diffBadge = diff === undefined ? undefined : diffBadges[diff];
  const border =
    problems !== undefined ? problemBorder : (run?.border ?? diffBadge?.border ?? "border-slate-200");
  const [firstProblem] = problems ?? [];
  return (
    <div className={`relative rounded-lg ${selected ? "ring-2 ring-indigo-500 ring-offset-2" : ""}`}>
      {data.nodeType !== "input" && (
        <Handle
          type="target"
          position={Position.Left}
          title="Input"
          className="!h-3 !w-3 !border-2 !border-white !bg-slate-500"
        />
      )}
      <CardBody id={id} data={data} border={border}>
        {(run !== undefined || diffBadge !== undefined) && (
          <div className="flex flex-wrap items-center gap-1 px-3 pb-2">
            {run !== undefined && <BadgeChip badge={run} spin={runStatus === "running"} />}
            {diffBadge !== undefined && <BadgeChip badge={diffBadge} />}
            {runDetail !== undefined && <span className="truncate text-[11px] text-slate-600">{runDetail}</span>}
          </div>
        )}
        {firstProblem !== undefined && (
          <p className="flex gap-1 rounded-b-md bg-red-50 px-3 py-1.5 text-[11px] text-red-800" title={firstProblem.message}>
            <span aria-hidden="true">⚠</span>
            <span className="line-clamp-2">
              {problems !== undefined && problems.length > 1 ? `${String(problems.length)} problems: ` : ""}
              {firstProblem.message}
            </span>
          </p>
        )}
      </CardBody>
      <OutputHandles nodeType={data.nodeType} />
    </div>
  );
}

function GhostNodeCardView({ id, data }: NodeProps<GhostNode>) {
  return (
    <div className="opacity-70" aria-label={`Removed node ${id}`}>
      <CardBody id={id.replace(/^ghost:/, "")} data={data} border={diffBadges.removed.border}>
        <div className="px-3 pb-2">
          <BadgeChip badge={diffBadges.removed} />
        </div>
      </CardBody>
    </div>
  );
}

export const FlowNodeCard = memo(FlowNodeCardView);
export const GhostNodeCard = memo(GhostNodeCardView);
