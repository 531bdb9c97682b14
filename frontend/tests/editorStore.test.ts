import { beforeEach, describe, expect, it } from "vitest";
import type { Schemas } from "../src/api/client";
import {
  currentGraph,
  HISTORY_LIMIT,
  loadGraph,
  markSaved,
  PASTE_OFFSET,
  setDiffHighlight,
  setNodeStates,
  useEditorStore,
} from "../src/features/editor/store";

const graph: Schemas["Graph-Input"] = {
  nodes: [
    { id: "in", type: "input", position: { x: 0, y: 0 }, config: { fields: [{ name: "topic", type: "string", required: true, description: "" }] } },
    { id: "ask", type: "llm", label: "Ask", position: { x: 300, y: 0 }, config: { prompt: "Hi" }, retry: { attempts: 2, backoff_seconds: 1 } },
    { id: "check", type: "condition", position: { x: 600, y: 0 }, config: { expression: "true" }, timeout_seconds: 30 },
    { id: "out", type: "output", position: { x: 900, y: 0 }, config: { value: "{{ nodes.ask }}" } },
  ],
  edges: [
    { id: "e1", source: "in", target: "ask", source_handle: null, target_handle: null },
    { id: "e2", source: "ask", target: "check", source_handle: "output", target_handle: null },
    { id: "e3", source: "check", target: "out", source_handle: "true", target_handle: null },
  ],
  settings: { failure_policy: "continue" },
};

const store = () => useEditorStore.getState();
const ids = () => store().nodes.map((node) => node.id);
const positionOf = (id: string) => store().nodes.find((node) => node.id === id)?.position;

function drag(id: string, x: number, y: number, dragging: boolean) {
  store().onNodesChange([{ type: "position", id, position: { x, y }, dragging }]);
}

beforeEach(() => {
  store().setReadOnly(false);
  setDiffHighlight(null);
  setNodeStates(null);
  useEditorStore.setState({ clipboard: null });
  loadGraph(graph);
});

describe("loading and serializing", () => {
  it("loads a graph with nothing to save or undo, and gives it back in the API's shape", () => {
    expect(store().dirty).toBe(false);
    expect(store().past).toEqual([]);
    expect(currentGraph()).toEqual(graph);
  });

  it("replaces the canvas and clears the history on a second load", () => {
    store().addNode("llm", { x: 1, y: 1 });
    loadGraph({ nodes: [], edges: [] });
    expect(ids()).toEqual([]);
    expect(store().past).toEqual([]);
    expect(store().dirty).toBe(false);
  });
});

describe("undo and redo", () => {
  it("undoes an added node back to the saved state, and redoes it", () => {
    const id = store().addNode("llm", { x: 10, y: 20 });
    expect(id).toBe("llm_1");
    expect(store().dirty).toBe(true);
    store().undo();
    expect(ids()).not.toContain("llm_1");
    expect(store().dirty).toBe(false);
    store().redo();
    expect(ids()).toContain("llm_1");
    expect(store().dirty).toBe(true);
  });

  it("makes one drag one undo step, however many moves it has", () => {
    drag("ask", 310, 5, true);
    drag("ask", 320, 10, true);
    drag("ask", 330, 15, true);
    drag("ask", 340, 20, false);
    expect(positionOf("ask")).toEqual({ x: 340, y: 20 });
    expect(store().past).toHaveLength(1);
    drag("ask", 400, 40, true);
    drag("ask", 410, 40, false);
    expect(store().past).toHaveLength(2);
    store().undo();
    expect(positionOf("ask")).toEqual({ x: 340, y: 20 });
    store().undo();
    expect(positionOf("ask")).toEqual({ x: 300, y: 0 });
  });

  it("coalesces typing in one field, not across fields", () => {
    store().updateNode("ask", { config: { prompt: "Hi t" } }, "config.prompt");
    store().updateNode("ask", { config: { prompt: "Hi there" } }, "config.prompt");
    store().updateNode("ask", { config: { prompt: "Hi there", model: "m" } }, "config.model");
    expect(store().past).toHaveLength(2);
    store().undo();
    expect(store().nodes[1]?.data.config).toEqual({ prompt: "Hi there" });
    store().undo();
    expect(store().nodes[1]?.data.config).toEqual({ prompt: "Hi" });
  });

  it("drops the redo steps when a new edit follows an undo", () => {
    store().addNode("llm", { x: 0, y: 0 });
    store().undo();
    store().addNode("tool", { x: 0, y: 0 });
    expect(store().future).toEqual([]);
    store().redo();
    expect(ids()).toContain("tool_1");
    expect(ids()).not.toContain("llm_1");
  });

  it("keeps at most the history limit of steps", () => {
    for (let step = 0; step < HISTORY_LIMIT + 20; step += 1) store().moveNodes({ ask: { x: step, y: 0 } });
    expect(store().past).toHaveLength(HISTORY_LIMIT);
  });

  it("does not record selection or measuring as edits", () => {
    store().onNodesChange([{ type: "select", id: "ask", selected: true }]);
    store().onNodesChange([{ type: "dimensions", id: "ask", dimensions: { width: 240, height: 90 } }]);
    expect(store().selectedNodeIds).toEqual(["ask"]);
    expect(store().past).toEqual([]);
    expect(store().dirty).toBe(false);
  });
});

describe("the dirty flag", () => {
  it("is cleared by markSaved, and stays set for edits made while a save was under way", () => {
    store().addNode("llm", { x: 0, y: 0 });
    const savedAt = store().revision;
    store().addNode("tool", { x: 0, y: 0 });
    markSaved(savedAt);
    expect(store().dirty).toBe(true);
    store().undo();
    expect(store().dirty).toBe(false);
    markSaved();
    store().redo();
    store().undo();
    expect(store().dirty).toBe(false);
  });
});

describe("connecting", () => {
  it("adds an edge from a handle, and refuses loops and duplicates", () => {
    store().connect({ source: "check", sourceHandle: "false", target: "ask", targetHandle: null });
    const added = store().edges.at(-1);
    expect(added).toMatchObject({ id: "edge_1", source: "check", sourceHandle: "false", target: "ask" });
    store().connect({ source: "check", sourceHandle: "false", target: "ask", targetHandle: null });
    store().connect({ source: "ask", sourceHandle: "output", target: "ask", targetHandle: null });
    expect(store().edges).toHaveLength(4);
    expect(currentGraph().edges?.at(-1)).toEqual({
      id: "edge_1",
      source: "check",
      target: "ask",
      source_handle: "false",
      target_handle: null,
    });
  });
});

describe("deleting", () => {
  it("removes the selected nodes with their edges, and selected edges", () => {
    store().selectOnly(["check"], ["e1"]);
    store().deleteSelection();
    expect(ids()).toEqual(["in", "ask", "out"]);
    expect(store().edges).toEqual([]);
    store().undo();
    expect(store().edges.map((edge) => edge.id)).toEqual(["e1", "e2", "e3"]);
  });

  it("does nothing when nothing is selected", () => {
    store().deleteSelection();
    expect(store().past).toEqual([]);
  });
});

describe("copy and paste", () => {
  it("pastes copies with new ids, moved, keeping only the edges between copied nodes", () => {
    store().selectOnly(["ask", "check"]);
    store().copySelection();
    store().paste();
    const pasted = store().nodes.slice(-2);
    expect(pasted.map((node) => node.id)).toEqual(["llm_1", "condition_1"]);
    expect(pasted[0]?.position).toEqual({ x: 300 + PASTE_OFFSET, y: PASTE_OFFSET });
    expect(pasted[0]?.data).toEqual(store().nodes[1]?.data);
    expect(pasted[0]?.data.config).not.toBe(store().nodes[1]?.data.config);
    const pastedEdges = store().edges.slice(3);
    expect(pastedEdges).toHaveLength(1);
    expect(pastedEdges[0]).toMatchObject({ source: "llm_1", target: "condition_1", sourceHandle: "output" });
    expect(pastedEdges[0]?.id).not.toBe("e2");
    expect(store().selectedNodeIds).toEqual(["llm_1", "condition_1"]);
  });

  it("moves each further paste a step further, and undoes a paste in one step", () => {
    store().selectOnly(["ask"]);
    store().copySelection();
    store().paste();
    store().paste();
    expect(positionOf("llm_2")).toEqual({ x: 300 + 2 * PASTE_OFFSET, y: 2 * PASTE_OFFSET });
    store().undo();
    expect(ids()).not.toContain("llm_2");
    expect(ids()).toContain("llm_1");
  });

  it("copies nothing when nothing is selected, and keeps what was copied across loaded flows", () => {
    store().copySelection();
    store().paste();
    expect(store().nodes).toHaveLength(4);
    store().selectOnly(["ask"]);
    store().copySelection();
    store().selectOnly([]);
    store().copySelection();
    loadGraph({ nodes: [], edges: [] });
    store().paste();
    expect(ids()).toEqual(["llm_1"]);
  });
});

describe("read-only", () => {
  it("ignores edits but lets nodes be selected", () => {
    store().setReadOnly(true);
    store().updateNode("ask", { label: "Changed" });
    store().connect({ source: "in", sourceHandle: "output", target: "out", targetHandle: null });
    drag("ask", 1, 1, false);
    store().onNodesChange([{ type: "select", id: "ask", selected: true }]);
    store().deleteSelection();
    expect(currentGraph()).toEqual(graph);
    expect(store().selectedNodeIds).toEqual(["ask"]);
  });
});

describe("overlays", () => {
  it("highlights a diff and draws removed nodes as ghosts that are never saved", () => {
    const removed: Schemas["Node-Output"] = { id: "old", type: "tool", position: { x: 5, y: 5 }, config: {} };
    setDiffHighlight({ added: ["ask"], changed: ["out"], removed: [removed] });
    expect(store().diffByNode).toEqual({ ask: "added", out: "changed" });
    expect(store().ghosts.map((ghost) => [ghost.id, ghost.type, ghost.selectable])).toEqual([["ghost:old", "ghost", false]]);
    expect(currentGraph()).toEqual(graph);
    setDiffHighlight(null);
    expect(store().diffByNode).toEqual({});
    expect(store().ghosts).toEqual([]);
  });

  it("keeps ghost measurements apart from the graph", () => {
    setDiffHighlight({ added: [], changed: [], removed: [{ id: "old", type: "tool" }] });
    store().onNodesChange([{ type: "dimensions", id: "ghost:old", dimensions: { width: 240, height: 80 } }]);
    expect(store().ghosts[0]?.measured).toEqual({ width: 240, height: 80 });
    expect(store().dirty).toBe(false);
  });

  it("sets and clears the run states of nodes", () => {
    setNodeStates({ ask: { status: "running" }, check: { status: "failed", detail: "boom" } });
    expect(store().nodeStates?.check).toEqual({ status: "failed", detail: "boom" });
    setNodeStates(null);
    expect(store().nodeStates).toBeNull();
  });

  it("indexes problems by the nodes and edges they name", () => {
    store().setProblems([
      { code: "invalid_config", message: "Field required", node_id: "ask", field: "config.model" },
      { code: "dangling_edge", message: "no such node", edge_id: "e3" },
      { code: "cycle", message: "a cycle", node_ids: ["ask", "check"] },
    ]);
    expect(store().problemIndex.byNode.ask?.map((problem) => problem.code)).toEqual(["invalid_config", "cycle"]);
    expect(store().problemIndex.byNode.check?.map((problem) => problem.code)).toEqual(["cycle"]);
    expect(store().problemIndex.byEdge.e3?.map((problem) => problem.code)).toEqual(["dangling_edge"]);
  });

  it("selects what a problem names and asks the canvas to show it, edge ends included", () => {
    store().focusElements([], ["e3"]);
    expect(store().selectedEdgeIds).toEqual(["e3"]);
    expect(store().focus?.nodeIds).toEqual(["check", "out"]);
    const serial = store().focus?.serial ?? 0;
    store().focusElements(["ask"]);
    expect(store().selectedNodeIds).toEqual(["ask"]);
    expect(store().focus).toEqual({ nodeIds: ["ask"], serial: serial + 1 });
  });
});
