import type { Edge, Node, XYPosition } from "@xyflow/react";
import type { Schemas } from "../../api/client";
import { nodeState, type NodeState, type RunJournal, type RunStructure } from "./runState";

/** The read-only canvas of a run: the graph of the version it ran, each node with its state. */

type Graph = Schemas["Graph-Output"];

export interface RunNodeData extends Record<string, unknown> {
  label: string;
  nodeType: string;
  state: NodeState;
  /** The end of the tokens streamed so far, while the node runs. */
  streamedTail: string;
  error: string | null;
  retrying: boolean;
  attempts: number;
  selected: boolean;
  /** Handle ids edges end at and leave from; null is the node's default handle. */
  targetHandles: (string | null)[];
  sourceHandles: (string | null)[];
}

export type RunFlowNode = Node<RunNodeData, "run">;
export type RunFlowEdge = Edge;

const COLUMN_WIDTH = 300;
const ROW_HEIGHT = 140;
const STREAMED_TAIL_LENGTH = 180;

interface Link {
  source: string;
  target: string;
}

/** Columns by the longest path from a start node, for graphs saved without positions. */
export function layeredPositions(ids: readonly string[], links: readonly Link[]): Record<string, XYPosition> {
  const known = new Set(ids);
  const usable = links.filter((link) => known.has(link.source) && known.has(link.target));
  const incoming = new Map(ids.map((id) => [id, 0]));
  const next = new Map<string, string[]>();
  for (const link of usable) {
    incoming.set(link.target, (incoming.get(link.target) ?? 0) + 1);
    next.set(link.source, [...(next.get(link.source) ?? []), link.target]);
  }
  const depth = new Map(ids.map((id) => [id, 0]));
  const ready = ids.filter((id) => incoming.get(id) === 0);
  for (let index = 0; index < ready.length; index += 1) {
    const id = ready[index] ?? "";
    for (const target of next.get(id) ?? []) {
      depth.set(target, Math.max(depth.get(target) ?? 0, (depth.get(id) ?? 0) + 1));
      const left = (incoming.get(target) ?? 1) - 1;
      incoming.set(target, left);
      if (left === 0) ready.push(target);
    }
  }
  const columns = new Map<number, string[]>();
  for (const id of ids) {
    const column = depth.get(id) ?? 0;
    columns.set(column, [...(columns.get(column) ?? []), id]);
  }
  const positions: Record<string, XYPosition> = {};
  for (const [column, members] of columns) {
    members.forEach((id, row) => {
      positions[id] = { x: column * COLUMN_WIDTH, y: (row - (members.length - 1) / 2) * ROW_HEIGHT };
    });
  }
  return positions;
}

/** The graph's own positions unless several nodes share one (a graph made through the API without any). */
function positionsOf(graph: Graph): Record<string, XYPosition> {
  const nodes = graph.nodes ?? [];
  const spots = new Set(nodes.map((node) => `${String(node.position?.x ?? 0)},${String(node.position?.y ?? 0)}`));
  if (spots.size === nodes.length) {
    return Object.fromEntries(nodes.map((node) => [node.id, { x: node.position?.x ?? 0, y: node.position?.y ?? 0 }]));
  }
  return layeredPositions(
    nodes.map((node) => node.id),
    graph.edges ?? [],
  );
}

function handlesOf(values: readonly (string | null | undefined)[]): (string | null)[] {
  const handles = [...new Set(values.map((value) => value ?? null))];
  return handles.length > 0 ? handles : [null];
}

interface NodeShape {
  id: string;
  type: string;
  label: string;
}

/** The nodes and edges to draw. Nodes that ran but are missing from `graph` are drawn in a row below it. */
export function runCanvas(
  graph: Graph,
  structure: RunStructure,
  journal: RunJournal,
  selectedNodeId: string | null,
): { nodes: RunFlowNode[]; edges: RunFlowEdge[] } {
  const edges = graph.edges ?? [];
  const positions = positionsOf(graph);
  const shapes: NodeShape[] = (graph.nodes ?? []).map((node) => ({
    id: node.id,
    type: node.type,
    label: node.label ?? node.id,
  }));
  const drawn = new Set(shapes.map((shape) => shape.id));
  const lowest = Math.max(0, ...Object.values(positions).map((position) => position.y));
  Object.values(structure.nodes)
    .filter((run) => !drawn.has(run.nodeId))
    .forEach((run, index) => {
      shapes.push({ id: run.nodeId, type: run.nodeType, label: run.nodeId });
      positions[run.nodeId] = { x: index * COLUMN_WIDTH, y: drawn.size > 0 ? lowest + ROW_HEIGHT * 1.5 : 0 };
    });
  const incoming = new Map<string, (string | null | undefined)[]>();
  const outgoing = new Map<string, (string | null | undefined)[]>();
  for (const edge of edges) {
    incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge.target_handle]);
    outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge.source_handle]);
  }
  const nodes = shapes.map((shape): RunFlowNode => {
    const run = structure.nodes[shape.id];
    const state = nodeState(structure, shape.id);
    const streamed = state === "running" ? (journal.nodes[shape.id]?.streamed ?? "") : "";
    return {
      id: shape.id,
      type: "run",
      position: positions[shape.id] ?? { x: 0, y: 0 },
      data: {
        label: shape.label,
        nodeType: shape.type,
        state,
        streamedTail: streamed.slice(-STREAMED_TAIL_LENGTH),
        error: run?.error ?? null,
        retrying: run?.retrying ?? false,
        attempts: run?.attempts ?? 0,
        selected: shape.id === selectedNodeId,
        targetHandles: handlesOf(incoming.get(shape.id) ?? []),
        sourceHandles: handlesOf(outgoing.get(shape.id) ?? []),
      },
    };
  });
  return {
    nodes,
    edges: edges.map((edge) => {
      const label = edge.source_handle ?? null;
      return {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        sourceHandle: edge.source_handle ?? null,
        targetHandle: edge.target_handle ?? null,
        animated: nodeState(structure, edge.target) === "running",
        ...(label !== null && label !== "output" ? { label } : {}),
      };
    }),
  };
}
