import type { Node } from "@xyflow/react";
import type { Schemas } from "../../api/client";
import { toFlowNode, type FlowNodeData } from "./graphModel";

export type Problem = Schemas["Problem"];

/** What a version changed, by node id; removed nodes come whole so they can be drawn where they were. */
export interface DiffHighlight {
  added: string[];
  removed: Schemas["Node-Output"][];
  changed: string[];
}

/** A removed node drawn where it was, not part of the graph: it cannot be selected, moved or saved. */
export type GhostNode = Node<FlowNodeData, "ghost">;

export const GHOST_PREFIX = "ghost:";

export function ghostsOf(removed: readonly Schemas["Node-Output"][]): GhostNode[] {
  return removed.map((node) => ({
    ...toFlowNode(node),
    id: `${GHOST_PREFIX}${node.id}`,
    type: "ghost",
    selectable: false,
    draggable: false,
    connectable: false,
    deletable: false,
    focusable: false,
  }));
}

export interface ProblemIndex {
  byNode: Record<string, Problem[]>;
  byEdge: Record<string, Problem[]>;
}

/** Problems by the ids of the nodes and edges they name, so each element looks up only its own. */
export function indexProblems(problems: readonly Problem[]): ProblemIndex {
  const index: ProblemIndex = { byNode: {}, byEdge: {} };
  for (const problem of problems) {
    const nodeIds = new Set([problem.node_id, ...(problem.node_ids ?? [])]);
    for (const id of nodeIds) if (typeof id === "string") (index.byNode[id] ??= []).push(problem);
    if (typeof problem.edge_id === "string") (index.byEdge[problem.edge_id] ??= []).push(problem);
  }
  return index;
}

/** Where a problem is, in words, for the problems list. */
export function problemPlace(problem: Problem): string {
  if (typeof problem.node_id === "string") return `Node ${problem.node_id}`;
  if (typeof problem.edge_id === "string") return `Edge ${problem.edge_id}`;
  if (problem.node_ids !== null && problem.node_ids !== undefined) return `Nodes ${problem.node_ids.join(", ")}`;
  return "Flow";
}
