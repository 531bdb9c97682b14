import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type XYPosition,
} from "@xyflow/react";
import { create } from "zustand";
import type { Schemas } from "../../api/client";
import {
  cloneFragment,
  elementIds,
  freeId,
  newNode,
  selectedFragment,
  toApiEdge,
  toApiNode,
  toFlowEdge,
  toFlowNode,
  type ApiGraph,
  type FlowEdge,
  type FlowNode,
  type FlowNodeData,
  type Fragment,
} from "./graphModel";
import { edited, nextRevision, restored, selectionOf, type Snapshot } from "./undoSteps";
import { ghostsOf, indexProblems, type DiffHighlight, type GhostNode, type Problem, type ProblemIndex } from "./overlays";

export type { DiffHighlight } from "./overlays";
export { HISTORY_LIMIT } from "./undoSteps";

/** A node's state in a run, as the run view reports it (queued, running, succeeded, failed, skipped, cancelled). */
export interface NodeRunState {
  status: string;
  detail?: string;
}

/** How far each successive paste lands from the copied nodes. */
export const PASTE_OFFSET = 40;

export interface EditorState {
  /** The flow whose graph is on the canvas, set by the editor page once it has loaded it. */
  flowId: string | null;
  nodes: FlowNode[];
  edges: FlowEdge[];
  settings: Schemas["GraphSettings"] | undefined;
  /** Changes with every edit; `dirty` means it differs from the one last saved. */
  revision: number;
  savedRevision: number;
  dirty: boolean;
  past: Snapshot[];
  future: Snapshot[];
  /** Consecutive edits with the same key (one drag, typing in one field) make one undo step. */
  coalesceKey: string | null;
  clipboard: Fragment | null;
  pasteCount: number;
  selectedNodeIds: string[];
  selectedEdgeIds: string[];
  readOnly: boolean;
  catalog: Record<string, Schemas["NodeTypeOut"]>;
  /** Names of the agents, crews, tools and providers nodes refer to, by id. */
  referenceNames: Record<string, string>;
  problems: Problem[];
  problemIndex: ProblemIndex;
  diffByNode: Record<string, "added" | "changed">;
  ghosts: GhostNode[];
  nodeStates: Record<string, NodeRunState> | null;
  /** The element the canvas should bring into view; the serial makes a repeated request visible. */
  focus: { nodeIds: string[]; serial: number } | null;

  onNodesChange: (changes: NodeChange<FlowNode | GhostNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<FlowEdge>[]) => void;
  connect: (connection: Connection) => void;
  addNode: (nodeType: string, position: XYPosition) => string;
  updateNode: (nodeId: string, patch: Partial<FlowNodeData>, coalesceKey?: string) => void;
  moveNodes: (positions: Record<string, XYPosition>) => void;
  deleteSelection: () => void;
  copySelection: () => void;
  paste: () => void;
  undo: () => void;
  redo: () => void;
  selectOnly: (nodeIds: readonly string[], edgeIds?: readonly string[]) => void;
  focusElements: (nodeIds: readonly string[], edgeIds?: readonly string[]) => void;
  setProblems: (problems: readonly Problem[]) => void;
  setCatalog: (nodeTypes: readonly Schemas["NodeTypeOut"][]) => void;
  setReadOnly: (readOnly: boolean) => void;
  setReferenceNames: (names: Record<string, string>) => void;
}

const isGhostChange = (change: NodeChange<FlowNode | GhostNode>) => "id" in change && change.id.startsWith("ghost:");

function isLayoutOnly(change: NodeChange<FlowNode | GhostNode> | EdgeChange<FlowEdge>): boolean {
  return change.type === "select" || change.type === "dimensions";
}

export const useEditorStore = create<EditorState>()((set, get) => ({
  flowId: null,
  nodes: [],
  edges: [],
  settings: undefined,
  revision: 0,
  savedRevision: 0,
  dirty: false,
  past: [],
  future: [],
  coalesceKey: null,
  clipboard: null,
  pasteCount: 0,
  selectedNodeIds: [],
  selectedEdgeIds: [],
  readOnly: false,
  catalog: {},
  referenceNames: {},
  problems: [],
  problemIndex: { byNode: {}, byEdge: {} },
  diffByNode: {},
  ghosts: [],
  nodeStates: null,
  focus: null,

  onNodesChange: (changes) => {
    const state = get();
    const ghostChanges = changes.filter(isGhostChange) as NodeChange<GhostNode>[];
    const ghosts = ghostChanges.length > 0 ? applyNodeChanges(ghostChanges, state.ghosts) : state.ghosts;
    const allowed = (changes.filter((change) => !isGhostChange(change)) as NodeChange<FlowNode>[]).filter(
      (change) => isLayoutOnly(change) || !state.readOnly,
    );
    if (allowed.length === 0) {
      if (ghosts !== state.ghosts) set({ ghosts });
      return;
    }
    const nodes = applyNodeChanges(allowed, state.nodes);
    if (allowed.every(isLayoutOnly)) {
      set({ nodes, ghosts, ...selectionOf(state, nodes, state.edges) });
      return;
    }
    const removed = new Set(allowed.flatMap((change) => (change.type === "remove" ? [change.id] : [])));
    const edges =
      removed.size === 0
        ? state.edges
        : state.edges.filter((edge) => !removed.has(edge.source) && !removed.has(edge.target));
    const dragging = allowed.some((change) => change.type === "position" && change.dragging === true);
    const drag = allowed.some((change) => change.type === "position") ? "drag" : null;
    set({ ...edited(state, nodes, edges, drag), ghosts });
    // The gesture is over when the drag ends: the next drag is an undo step of its own.
    if (drag !== null && !dragging) set({ coalesceKey: null });
  },

  onEdgesChange: (changes) => {
    const state = get();
    const allowed = changes.filter((change) => isLayoutOnly(change) || !state.readOnly);
    if (allowed.length === 0) return;
    const edges = applyEdgeChanges(allowed, state.edges);
    if (allowed.every(isLayoutOnly)) set({ edges, ...selectionOf(state, state.nodes, edges) });
    else set(edited(state, state.nodes, edges));
  },

  connect: (connection) => {
    const state = get();
    if (state.readOnly || connection.source === connection.target) return;
    const duplicate = state.edges.some(
      (edge) =>
        edge.source === connection.source &&
        edge.target === connection.target &&
        (edge.sourceHandle ?? null) === (connection.sourceHandle ?? null),
    );
    if (duplicate) return;
    const edge: FlowEdge = {
      id: freeId("edge", elementIds(state.nodes, state.edges)),
      type: "flow",
      source: connection.source,
      target: connection.target,
      sourceHandle: connection.sourceHandle ?? null,
      targetHandle: connection.targetHandle ?? null,
    };
    set(edited(state, state.nodes, [...state.edges, edge]));
  },

  addNode: (nodeType, position) => {
    const state = get();
    const node = newNode(nodeType, position, elementIds(state.nodes, state.edges));
    const nodes = [...state.nodes.map((other) => (other.selected === true ? { ...other, selected: false } : other)), node];
    set(edited(state, nodes, state.edges));
    return node.id;
  },

  updateNode: (nodeId, patch, coalesceKey) => {
    const state = get();
    if (state.readOnly) return;
    const nodes = state.nodes.map((node) => (node.id === nodeId ? { ...node, data: { ...node.data, ...patch } } : node));
    set(edited(state, nodes, state.edges, coalesceKey === undefined ? null : `${nodeId}:${coalesceKey}`));
  },

  moveNodes: (positions) => {
    const state = get();
    const nodes = state.nodes.map((node) => {
      const position = positions[node.id];
      return position === undefined ? node : { ...node, position };
    });
    set(edited(state, nodes, state.edges));
  },

  deleteSelection: () => {
    const state = get();
    if (state.readOnly) return;
    const doomed = new Set(state.selectedNodeIds);
    const doomedEdges = new Set(state.selectedEdgeIds);
    if (doomed.size === 0 && doomedEdges.size === 0) return;
    const nodes = state.nodes.filter((node) => !doomed.has(node.id));
    const edges = state.edges.filter(
      (edge) => !doomedEdges.has(edge.id) && !doomed.has(edge.source) && !doomed.has(edge.target),
    );
    set(edited(state, nodes, edges));
  },

  copySelection: () => {
    const state = get();
    const fragment = selectedFragment(state.nodes, state.edges);
    if (fragment.nodes.length > 0) set({ clipboard: fragment, pasteCount: 0 });
  },

  paste: () => {
    const state = get();
    if (state.readOnly || state.clipboard === null) return;
    const shift = PASTE_OFFSET * (state.pasteCount + 1);
    const copy = cloneFragment(state.clipboard, elementIds(state.nodes, state.edges), { x: shift, y: shift });
    const deselect = <T extends { selected?: boolean }>(element: T): T =>
      element.selected === true ? { ...element, selected: false } : element;
    const nodes = [...state.nodes.map(deselect), ...copy.nodes];
    const edges = [...state.edges.map(deselect), ...copy.edges];
    set({ ...edited(state, nodes, edges), pasteCount: state.pasteCount + 1 });
  },

  undo: () => {
    const state = get();
    const snapshot = state.past.at(-1);
    if (snapshot === undefined || state.readOnly) return;
    set({
      ...restored(state, snapshot),
      past: state.past.slice(0, -1),
      future: [...state.future, { nodes: state.nodes, edges: state.edges, revision: state.revision }],
    });
  },

  redo: () => {
    const state = get();
    const snapshot = state.future.at(-1);
    if (snapshot === undefined || state.readOnly) return;
    set({
      ...restored(state, snapshot),
      future: state.future.slice(0, -1),
      past: [...state.past, { nodes: state.nodes, edges: state.edges, revision: state.revision }],
    });
  },

  selectOnly: (nodeIds, edgeIds = []) => {
    const state = get();
    const wantedNodes = new Set(nodeIds);
    const wantedEdges = new Set(edgeIds);
    const nodes = state.nodes.map((node) =>
      (node.selected === true) === wantedNodes.has(node.id) ? node : { ...node, selected: wantedNodes.has(node.id) },
    );
    const edges = state.edges.map((edge) =>
      (edge.selected === true) === wantedEdges.has(edge.id) ? edge : { ...edge, selected: wantedEdges.has(edge.id) },
    );
    set({ nodes, edges, ...selectionOf(state, nodes, edges) });
  },

  focusElements: (nodeIds, edgeIds = []) => {
    get().selectOnly(nodeIds, edgeIds);
    const { edges, focus } = get();
    const ends = edges.filter((edge) => edgeIds.includes(edge.id)).flatMap((edge) => [edge.source, edge.target]);
    set({ focus: { nodeIds: [...nodeIds, ...ends], serial: (focus?.serial ?? 0) + 1 } });
  },

  setProblems: (problems) => {
    set({ problems: [...problems], problemIndex: indexProblems(problems) });
  },

  setCatalog: (nodeTypes) => {
    set({ catalog: Object.fromEntries(nodeTypes.map((nodeType) => [nodeType.type, nodeType])) });
  },

  setReadOnly: (readOnly) => {
    set({ readOnly });
  },

  setReferenceNames: (referenceNames) => {
    set({ referenceNames });
  },
}));

/** Replaces the canvas with a graph: history cleared, nothing to save. */
export function loadGraph(graph: ApiGraph): void {
  const revision = nextRevision();
  useEditorStore.setState({
    nodes: (graph.nodes ?? []).map(toFlowNode),
    edges: (graph.edges ?? []).map(toFlowEdge),
    settings: graph.settings,
    revision,
    savedRevision: revision,
    dirty: false,
    past: [],
    future: [],
    coalesceKey: null,
    pasteCount: 0,
    selectedNodeIds: [],
    selectedEdgeIds: [],
    problems: [],
    problemIndex: { byNode: {}, byEdge: {} },
  });
}

/** The canvas in the API's shape, ready to validate or save. */
export function currentGraph(): Schemas["Graph-Input"] {
  const { nodes, edges, settings } = useEditorStore.getState();
  const graph: Schemas["Graph-Input"] = { nodes: nodes.map(toApiNode), edges: edges.map(toApiEdge) };
  if (settings !== undefined) graph.settings = settings;
  return graph;
}

/** Highlights what a version changed: added and changed nodes tinted, removed ones drawn as ghosts; null clears. */
export function setDiffHighlight(highlight: DiffHighlight | null): void {
  const diffByNode: Record<string, "added" | "changed"> = {};
  for (const id of highlight?.added ?? []) diffByNode[id] = "added";
  for (const id of highlight?.changed ?? []) diffByNode[id] = "changed";
  useEditorStore.setState({ diffByNode, ghosts: ghostsOf(highlight?.removed ?? []) });
}

/** Colours nodes by their state in a run; null returns to editing colours. */
export function setNodeStates(states: Record<string, NodeRunState> | null): void {
  useEditorStore.setState({ nodeStates: states });
}

/**
 * Marks the canvas as saved. Pass the revision the saved graph was taken at (the store's `revision` when
 * the save began) so that edits made while the request ran stay unsaved; without it, the current one.
 */
export function markSaved(revision?: number): void {
  const state = useEditorStore.getState();
  const saved = revision ?? state.revision;
  useEditorStore.setState({ savedRevision: saved, dirty: saved !== state.revision });
}
