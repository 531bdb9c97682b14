import dagre from "@dagrejs/dagre";
import type { XYPosition } from "@xyflow/react";
import type { FlowEdge, FlowNode } from "./graphModel";

/** Used for nodes the canvas has not measured yet (never drawn, e.g. off screen). */
export const NODE_SIZE = { width: 240, height: 80 };

/** Left-to-right positions (top-left corners) for every node, following the edges. */
export function autoLayout(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): Record<string, XYPosition> {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    graph.setNode(node.id, {
      width: node.measured?.width ?? NODE_SIZE.width,
      height: node.measured?.height ?? NODE_SIZE.height,
    });
  }
  for (const edge of edges) {
    // An edge to a missing node would make dagre invent a node without a size.
    if (graph.hasNode(edge.source) && graph.hasNode(edge.target)) graph.setEdge(edge.source, edge.target, {}, edge.id);
  }
  dagre.layout(graph);
  const positions: Record<string, XYPosition> = {};
  for (const node of nodes) {
    const placed = graph.node(node.id) as { x: number; y: number; width: number; height: number } | undefined;
    if (placed !== undefined) positions[node.id] = { x: placed.x - placed.width / 2, y: placed.y - placed.height / 2 };
  }
  return positions;
}
