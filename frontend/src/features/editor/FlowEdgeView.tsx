import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import type { FlowEdge } from "./graphModel";
import { useEditorStore } from "./store";

/** An edge; red and labelled with its problem when validation names it. */
function FlowEdgeViewInner({
  id,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  selected,
  markerEnd,
}: EdgeProps<FlowEdge>) {
  const problems = useEditorStore((state) => state.problemIndex.byEdge[id]);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const [problem] = problems ?? [];
  let stroke = "#94a3b8";
  if (selected === true) stroke = "#4f46e5";
  if (problem !== undefined) stroke = "#dc2626";
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        {...(markerEnd === undefined ? {} : { markerEnd })}
        style={{ stroke, strokeWidth: selected === true || problem !== undefined ? 2.5 : 1.75 }}
      />
      {problem !== undefined && (
        <EdgeLabelRenderer>
          <div
            role="note"
            className="nodrag nopan absolute max-w-48 rounded bg-red-50 px-1.5 py-0.5 text-[11px] text-red-800 shadow"
            style={{
              transform: `translate(-50%, -50%) translate(${String(labelX)}px, ${String(labelY)}px)`,
              pointerEvents: "all",
            }}
            title={problem.message}
            data-edge-problem={id}
          >
            <span aria-hidden="true">⚠ </span>
            <span className="line-clamp-2">{problem.message}</span>
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const FlowEdgeView = memo(FlowEdgeViewInner);
