/** How an edit becomes an undo step: snapshots of the graph, revisions for the dirty flag, selection kept in sync. */
import type { FlowEdge, FlowNode } from "./graphModel";
import type { EditorState } from "./store";

export interface Snapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
  revision: number;
}

/** Undo steps kept; older ones are dropped. */
export const HISTORY_LIMIT = 100;

let revisions = 0;
export const nextRevision = () => (revisions += 1);

function sameIds(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((id, index) => id === right[index]);
}

export function selectionOf(state: EditorState, nodes: readonly FlowNode[], edges: readonly FlowEdge[]) {
  const nodeIds = nodes.filter((node) => node.selected === true).map((node) => node.id);
  const edgeIds = edges.filter((edge) => edge.selected === true).map((edge) => edge.id);
  return {
    selectedNodeIds: sameIds(nodeIds, state.selectedNodeIds) ? state.selectedNodeIds : nodeIds,
    selectedEdgeIds: sameIds(edgeIds, state.selectedEdgeIds) ? state.selectedEdgeIds : edgeIds,
  };
}

/** The state after an edit: the graph before it becomes an undo step unless it continues the same gesture. */
export function edited(
  state: EditorState,
  nodes: FlowNode[],
  edges: FlowEdge[],
  coalesceKey: string | null = null,
): Partial<EditorState> {
  const continues = coalesceKey !== null && coalesceKey === state.coalesceKey;
  const revision = nextRevision();
  return {
    nodes,
    edges,
    revision,
    dirty: revision !== state.savedRevision,
    past: continues
      ? state.past
      : [...state.past, { nodes: state.nodes, edges: state.edges, revision: state.revision }].slice(-HISTORY_LIMIT),
    future: continues ? state.future : [],
    coalesceKey,
    ...selectionOf(state, nodes, edges),
  };
}

export function restored(state: EditorState, snapshot: Snapshot): Partial<EditorState> {
  return {
    nodes: snapshot.nodes,
    edges: snapshot.edges,
    revision: snapshot.revision,
    dirty: snapshot.revision !== state.savedRevision,
    coalesceKey: null,
    ...selectionOf(state, snapshot.nodes, snapshot.edges),
  };
}
