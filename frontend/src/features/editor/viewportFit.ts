import { getViewportForBounds, useReactFlow, useStoreApi, type Rect, type Viewport } from "@xyflow/react";
import { useCallback } from "react";
import { NODE_SIZE } from "./autoLayout";
import type { FlowNode } from "./graphModel";
import { useEditorStore } from "./store";

/** How many nodes a large flow opens on: enough to read its start, few enough to draw at once. */
const OPENING_NODES = 12;
const PADDING = 0.15;
const MAX_ZOOM = 1.1;

/**
 * The box around nodes, sized as measured or (for nodes never drawn) as estimated. React Flow's own
 * fitting skips unmeasured nodes, and a large flow only draws the ones in view.
 */
export function boundsOf(nodes: readonly FlowNode[]): Rect | null {
  if (nodes.length === 0) return null;
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const node of nodes) {
    left = Math.min(left, node.position.x);
    top = Math.min(top, node.position.y);
    right = Math.max(right, node.position.x + (node.measured?.width ?? NODE_SIZE.width));
    bottom = Math.max(bottom, node.position.y + (node.measured?.height ?? NODE_SIZE.height));
  }
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** The nodes nearest the flow's input: what a large flow opens on. */
export function openingNodes(nodes: readonly FlowNode[]): FlowNode[] {
  const start = nodes.find((node) => node.data.nodeType === "input") ?? nodes[0];
  if (start === undefined) return [];
  const distance = (node: FlowNode) => Math.hypot(node.position.x - start.position.x, node.position.y - start.position.y);
  return [...nodes].sort((left, right) => distance(left) - distance(right)).slice(0, OPENING_NODES);
}

/** Brings nodes into view (all of them by default), however many have been drawn yet. */
export function useFitNodes(): (nodes?: readonly FlowNode[], duration?: number) => void {
  const flow = useReactFlow();
  const store = useStoreApi();
  return useCallback(
    (nodes = useEditorStore.getState().nodes, duration = 300) => {
      const bounds = boundsOf(nodes);
      const { width, height, minZoom, maxZoom } = store.getState();
      if (bounds === null || width === 0 || height === 0) return;
      const viewport: Viewport = getViewportForBounds(bounds, width, height, minZoom, Math.min(maxZoom, MAX_ZOOM), PADDING);
      void flow.setViewport(viewport, { duration });
    },
    [flow, store],
  );
}
