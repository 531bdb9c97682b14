import { useReactFlow, type XYPosition } from "@xyflow/react";
import { useState, type RefObject } from "react";
import type { Schemas } from "../../api/client";
import { focusRing } from "../../ui/controls";
import { lookOf } from "./nodes/nodeLooks";
import { NODE_TYPE_DRAG_FORMAT, placeAtCentre } from "./placement";
import { useEditorStore } from "./store";

/** How close to the centre a node must be to count as already sitting there. */
const NEAR = 30;

/** The node types, dragged onto the canvas or added at its centre with Enter. */
export function Palette({
  nodeTypes,
  canvasRef,
}: {
  nodeTypes: readonly Schemas["NodeTypeOut"][];
  canvasRef: RefObject<HTMLDivElement | null>;
}) {
  const flow = useReactFlow();
  const [announcement, setAnnouncement] = useState("");
  const addAtCentre = (nodeType: Schemas["NodeTypeOut"]) => {
    const box = canvasRef.current?.getBoundingClientRect();
    if (box === undefined) return;
    const centre = flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
    const { nodes, addNode } = useEditorStore.getState();
    const occupied = (spot: XYPosition) =>
      nodes.some((node) => Math.abs(node.position.x - spot.x) < NEAR && Math.abs(node.position.y - spot.y) < NEAR);
    let spot = placeAtCentre(centre, 0);
    for (let step = 1; occupied(spot); step += 1) spot = placeAtCentre(centre, step);
    const id = addNode(nodeType.type, spot);
    setAnnouncement(`Added ${nodeType.title} node ${id} at the centre of the canvas.`);
  };
  return (
    <nav aria-label="Node types" className="flex flex-col gap-1 p-3">
      <h2 className="px-1 pb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Add a node</h2>
      {nodeTypes.map((nodeType) => {
        const look = lookOf(nodeType.type);
        return (
          <button
            key={nodeType.type}
            type="button"
            draggable
            data-node-type={nodeType.type}
            title={`${nodeType.description} Drag onto the canvas, or press Enter to add it in the middle.`}
            onDragStart={(event) => {
              event.dataTransfer.setData(NODE_TYPE_DRAG_FORMAT, nodeType.type);
              event.dataTransfer.effectAllowed = "copy";
            }}
            onClick={() => {
              addAtCentre(nodeType);
            }}
            className={`flex cursor-grab items-center gap-2 rounded-md border border-slate-200 bg-white px-2 py-1.5 text-left text-sm shadow-xs hover:border-indigo-300 hover:bg-indigo-50 active:cursor-grabbing ${focusRing}`}
          >
            <span aria-hidden="true" className={`flex size-6 shrink-0 items-center justify-center rounded ${look.accent}`}>
              {look.icon}
            </span>
            <span className="font-medium">{nodeType.title}</span>
          </button>
        );
      })}
      <p role="status" className="sr-only">
        {announcement}
      </p>
    </nav>
  );
}
