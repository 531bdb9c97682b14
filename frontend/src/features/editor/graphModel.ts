import type { Edge, Node, XYPosition } from "@xyflow/react";
import type { Schemas } from "../../api/client";

export type ApiGraph = Schemas["Graph-Input"] | Schemas["Graph-Output"];
export type ApiNode = Schemas["Node-Input"];
export type ApiEdge = Schemas["Edge"];
export type NodeConfig = Record<string, unknown>;

/** What the canvas keeps of an API node besides its id and position. */
export interface FlowNodeData extends Record<string, unknown> {
  nodeType: string;
  label: string | null;
  config: NodeConfig;
  timeoutSeconds: number | null;
  retry: Schemas["Retry"] | null;
}

export type FlowNode = Node<FlowNodeData, "flow">;
export type FlowEdge = Edge<Record<string, never>, "flow">;

/** The handle every non-branching node's edges leave from (the API's default output). */
export const OUTPUT_HANDLE = "output";

function toConfig(config: ApiNode["config"]): NodeConfig {
  return config === undefined ? {} : { ...config };
}

export function toFlowNode(node: ApiNode): FlowNode {
  return {
    id: node.id,
    type: "flow",
    position: { x: node.position?.x ?? 0, y: node.position?.y ?? 0 },
    data: {
      nodeType: node.type,
      label: node.label ?? null,
      config: toConfig(node.config),
      timeoutSeconds: node.timeout_seconds ?? null,
      retry: node.retry ?? null,
    },
  };
}

export function toFlowEdge(edge: ApiEdge): FlowEdge {
  return {
    id: edge.id,
    type: "flow",
    source: edge.source,
    target: edge.target,
    sourceHandle: edge.source_handle ?? null,
    targetHandle: edge.target_handle ?? null,
  };
}

export function toApiNode(node: FlowNode): ApiNode {
  const { nodeType, label, config, timeoutSeconds, retry } = node.data;
  // Unset optional fields are left out rather than sent as null, so saved graphs stay as small as typed.
  return {
    id: node.id,
    type: nodeType,
    ...(label === null ? {} : { label }),
    position: { x: Math.round(node.position.x), y: Math.round(node.position.y) },
    config,
    ...(timeoutSeconds === null ? {} : { timeout_seconds: timeoutSeconds }),
    ...(retry === null ? {} : { retry }),
  };
}

export function toApiEdge(edge: FlowEdge): ApiEdge {
  return {
    id: edge.id,
    source: edge.source,
    target: edge.target,
    source_handle: edge.sourceHandle ?? null,
    target_handle: edge.targetHandle ?? null,
  };
}

/**
 * The first free id of the form `<prefix>_<n>`. Node ids appear in templates (`nodes.llm_1`), so they
 * stay short and readable instead of random.
 */
export function freeId(prefix: string, taken: ReadonlySet<string>): string {
  const stem = prefix.replace(/[^A-Za-z0-9_]/g, "_") || "node";
  for (let number = 1; ; number += 1) {
    const candidate = `${stem}_${String(number)}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function newNode(nodeType: string, position: XYPosition, taken: ReadonlySet<string>): FlowNode {
  return {
    id: freeId(nodeType, taken),
    type: "flow",
    position,
    selected: true,
    data: { nodeType, label: null, config: {}, timeoutSeconds: null, retry: null },
  };
}

export interface Fragment {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** The selected nodes and the edges that run between two of them. */
export function selectedFragment(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): Fragment {
  const picked = nodes.filter((node) => node.selected === true);
  const ids = new Set(picked.map((node) => node.id));
  return { nodes: picked, edges: edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)) };
}

/** A copy of a fragment with fresh ids (not in `taken`), moved by `offset`, its nodes selected. */
export function cloneFragment(fragment: Fragment, taken: ReadonlySet<string>, offset: XYPosition): Fragment {
  const used = new Set(taken);
  const renamed = new Map<string, string>();
  const nodes = fragment.nodes.map((node): FlowNode => {
    const id = freeId(node.data.nodeType, used);
    used.add(id);
    renamed.set(node.id, id);
    return {
      id,
      type: "flow",
      position: { x: node.position.x + offset.x, y: node.position.y + offset.y },
      selected: true,
      data: { ...node.data, config: structuredClone(node.data.config) },
    };
  });
  const edges = fragment.edges.flatMap((edge): FlowEdge[] => {
    const source = renamed.get(edge.source);
    const target = renamed.get(edge.target);
    if (source === undefined || target === undefined) return [];
    const id = freeId("edge", used);
    used.add(id);
    return [{ ...edge, id, source, target, selected: false }];
  });
  return { nodes, edges };
}

export function elementIds(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): Set<string> {
  const ids = new Set<string>();
  for (const node of nodes) ids.add(node.id);
  for (const edge of edges) ids.add(edge.id);
  return ids;
}
