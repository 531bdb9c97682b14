import { describe, expect, it } from "vitest";
import type { Schemas } from "../src/api/client";
import {
  filtersFromParams,
  hasFilters,
  listQuery,
  paramsFromFilters,
} from "../src/features/executions/executionFilters";
import { formatCost, formatDuration } from "../src/features/executions/figures";
import { layeredPositions, runCanvas } from "../src/features/executions/runCanvasModel";
import { runGraphOf } from "../src/features/executions/runGraph";
import { structureFromDetail } from "../src/features/executions/runState";

const FLOW = "0b9c2c5e-8d0e-4e43-9f5a-6f0a3c1d2e4f";
const AT = "2025-01-01T00:00:00Z";

const runningDetail: Schemas["ExecutionDetail"] = {
  id: "e1",
  kind: "flow",
  flow_id: FLOW,
  flow_version_id: null,
  crew_id: null,
  retry_of: null,
  status: "running",
  error: null,
  attempts: 1,
  created_by: null,
  created_at: AT,
  started_at: AT,
  finished_at: null,
  duration_ms: null,
  tokens_in: 0,
  tokens_out: 0,
  cost: null,
  graph: {},
  inputs: {},
  outputs: null,
  last_event_id: 9,
  totals: { tokens_in: 0, tokens_out: 0, cost: null, model_calls: 0 },
  nodes: [],
};

function runOf(nodeId: string): Schemas["NodeRunOut"] {
  return {
    node_id: nodeId,
    node_type: "llm",
    status: "running",
    inputs: {},
    output: null,
    details: {},
    error: null,
    attempts: 1,
    reused: false,
    tokens_in: 0,
    tokens_out: 0,
    cost: null,
    model_calls: 0,
    started_at: AT,
    finished_at: null,
    duration_ms: null,
  };
}

describe("the executions list's filters", () => {
  it("survive a round trip through the address", () => {
    const filters = { status: "failed" as const, flowId: FLOW, from: "2025-01-02T08:30", to: null };
    const params = paramsFromFilters(filters);
    expect(params.toString()).toBe(`status=failed&flow=${FLOW}&from=2025-01-02T08%3A30`);
    expect(filtersFromParams(params)).toEqual(filters);
    expect(hasFilters(filters)).toBe(true);
  });

  it("ignore values the API would refuse", () => {
    const filters = filtersFromParams(new URLSearchParams("status=exploded&flow=abc&from=yesterday&to=2025-13-45T99:99"));
    expect(filters).toEqual({ status: null, flowId: null, from: null, to: null });
    expect(hasFilters(filters)).toBe(false);
  });

  it("ask the API for instants", () => {
    const query = listQuery({ status: "running", flowId: null, from: "2025-01-02T08:30", to: null });
    expect(query).toEqual({
      status: "running",
      flow_id: null,
      since: new Date("2025-01-02T08:30").toISOString(),
      until: null,
    });
  });
});

describe("the graph a run used", () => {
  it("is read from the run's detail: nodes with their positions, and edges with their handles", () => {
    const kickoff = {
      nodes: [
        { id: "in", type: "input", label: "Inputs", position: { x: 0, y: 0 }, config: { fields: [] } },
        { id: "crew", type: "crew", position: { x: 320, y: 0 } },
        { id: "out", type: "output", label: null },
      ],
      edges: [
        { id: "e1", source: "in", target: "crew" },
        { id: "e2", source: "crew", target: "out", source_handle: "output", target_handle: null },
      ],
      settings: { failure_policy: "stop" },
    };
    expect(runGraphOf(kickoff)).toEqual({
      nodes: [
        { id: "in", type: "input", label: "Inputs", position: { x: 0, y: 0 } },
        { id: "crew", type: "crew", label: null, position: { x: 320, y: 0 } },
        { id: "out", type: "output", label: null },
      ],
      edges: [
        { id: "e1", source: "in", target: "crew", source_handle: null, target_handle: null },
        { id: "e2", source: "crew", target: "out", source_handle: "output", target_handle: null },
      ],
    });
  });

  it("leaves out what is not shaped like a node or an edge", () => {
    const odd = {
      nodes: [{ id: "in" }, "out", { id: 7, type: "llm" }, { id: "ok", type: "llm", position: { x: "0", y: 0 } }],
      edges: { e1: { id: "e1", source: "in", target: "ok" } },
    };
    expect(runGraphOf(odd)).toEqual({ nodes: [{ id: "ok", type: "llm", label: null }], edges: [] });
    expect(runGraphOf({})).toEqual({ nodes: [], edges: [] });
  });

  it("is laid out in columns by the longest path when saved without positions", () => {
    const positions = layeredPositions(
      ["in", "check", "yes", "no", "out"],
      [
        { source: "in", target: "check" },
        { source: "check", target: "yes" },
        { source: "check", target: "no" },
        { source: "yes", target: "out" },
        { source: "no", target: "out" },
        { source: "in", target: "out" },
        { source: "gone", target: "out" },
      ],
    );
    expect(Object.fromEntries(Object.entries(positions).map(([id, { x }]) => [id, x / 300]))).toEqual({
      in: 0,
      check: 1,
      yes: 2,
      no: 2,
      out: 3,
    });
    expect(positions.yes?.y).toBe(-(positions.no?.y ?? 0));
  });
});

describe("run figures", () => {
  it("read as people expect", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(420)).toBe("420 ms");
    expect(formatDuration(4200)).toBe("4.2 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatCost(null)).toBe("—");
    expect(formatCost(0.000123)).toBe("$0.00012");
    expect(formatCost(1.5)).toBe("$1.50");
  });
});

describe("the run's canvas", () => {
  const graph = {
    nodes: [
      { id: "in", type: "input", label: "Question", position: { x: 0, y: 0 } },
      { id: "check", type: "condition", position: { x: 300, y: 0 } },
      { id: "yes", type: "llm", position: { x: 600, y: -80 } },
      { id: "no", type: "output", position: { x: 600, y: 80 } },
    ],
    edges: [
      { id: "e1", source: "in", target: "check" },
      { id: "e2", source: "check", target: "yes", source_handle: "true" },
      { id: "e3", source: "check", target: "no", source_handle: "false" },
    ],
  };
  const structure = structureFromDetail({
    ...runningDetail,
    nodes: [
      { ...runOf("in"), status: "succeeded" },
      { ...runOf("check"), status: "succeeded" },
      { ...runOf("yes"), status: "running" },
      { ...runOf("stray"), status: "failed", error: "boom" },
    ],
  });
  const journal = { through: 9, nodes: { yes: { streamed: "x".repeat(300), logs: [], steps: [] } } };

  it("draws each node with its state, the end of its streamed text, and the branch handles its edges use", () => {
    const { nodes, edges } = runCanvas(graph, structure, journal, "yes");
    const byId = Object.fromEntries(nodes.map((node) => [node.id, node.data]));
    expect(byId.in).toMatchObject({ label: "Question", state: "succeeded", selected: false });
    expect(byId.yes).toMatchObject({ label: "yes", state: "running", selected: true, streamedTail: "x".repeat(180) });
    expect(byId.no).toMatchObject({ state: "queued", targetHandles: [null] });
    expect(byId.check?.sourceHandles).toEqual(["true", "false"]);
    expect(edges.map((edge) => [edge.id, edge.label, edge.animated])).toEqual([
      ["e1", undefined, false],
      ["e2", "true", true],
      ["e3", "false", false],
    ]);
  });

  it("draws nodes that ran but are not in the graph below it, and all of them when the graph is empty", () => {
    const { nodes } = runCanvas(graph, structure, journal, null);
    expect(nodes.find((node) => node.id === "stray")).toMatchObject({
      position: { x: 0, y: 80 + 140 * 1.5 },
      data: { state: "failed", error: "boom" },
    });
    expect(runCanvas(runGraphOf({}), structure, journal, null).nodes.map((node) => node.id)).toEqual(["in", "check", "yes", "stray"]);
  });
});
