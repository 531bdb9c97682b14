import { describe, expect, it } from "vitest";
import type { Schemas } from "../src/api/client";
import type { RunEvent } from "../src/features/executions/runEvents";
import {
  adoptDetail,
  applyEvents,
  awaitsEvents,
  initialLiveRun,
  nodeState,
  resumeAfter,
  runTotals,
  type LiveRun,
} from "../src/features/executions/runState";

const AT = "2025-01-01T10:00:00Z";

function detail(overrides: Partial<Schemas["ExecutionDetail"]> = {}): Schemas["ExecutionDetail"] {
  return {
    id: "e1",
    kind: "flow",
    flow_id: "f1",
    flow_version_id: "v1",
    crew_id: null,
    retry_of: null,
    status: "queued",
    error: null,
    attempts: 0,
    created_by: null,
    created_at: AT,
    started_at: null,
    finished_at: null,
    duration_ms: null,
    tokens_in: 0,
    tokens_out: 0,
    cost: null,
    graph: {},
    inputs: { topic: "bees" },
    outputs: null,
    last_event_id: 0,
    totals: { tokens_in: 0, tokens_out: 0, cost: null, model_calls: 0 },
    nodes: [],
    ...overrides,
  };
}

/** The events of input -> llm -> output, the llm streaming "Hello bees" in three tokens. */
const run: RunEvent[] = [
  { id: 1, type: "run_started", nodeId: null, data: { inputs: { topic: "bees" } }, at: AT },
  { id: 2, type: "node_started", nodeId: "in", data: { attempt: 1, inputs: { topic: "bees" } }, at: AT },
  {
    id: 3,
    type: "node_succeeded",
    nodeId: "in",
    data: { output: { topic: "bees" }, usage: { tokens_in: 0, tokens_out: 0, cost: null }, attempt: 1, details: {}, reused: false },
    at: AT,
  },
  { id: 4, type: "node_started", nodeId: "llm", data: { attempt: 1, inputs: { prompt: "Hi bees" } }, at: AT },
  { id: 5, type: "node_token", nodeId: "llm", data: { text: "Hello" }, at: AT },
  { id: 6, type: "node_log", nodeId: "llm", data: { message: "calling mock-1" }, at: AT },
  { id: 7, type: "node_token", nodeId: "llm", data: { text: " be" }, at: AT },
  { id: 8, type: "node_token", nodeId: "llm", data: { text: "es" }, at: AT },
  {
    id: 9,
    type: "node_succeeded",
    nodeId: "llm",
    data: { output: "Hello bees", usage: { tokens_in: 3, tokens_out: 2, cost: 0.5 }, attempt: 1, details: {}, reused: false },
    at: AT,
  },
  { id: 10, type: "run_succeeded", nodeId: null, data: { outputs: { answer: "Hello bees" }, usage: {} }, at: AT },
];

const upTo = (id: number) => run.filter((event) => event.id <= id);
const after = (id: number) => run.filter((event) => event.id > id);

function live(events: readonly RunEvent[], start: LiveRun = adoptDetail(initialLiveRun(null), detail())): LiveRun {
  return applyEvents(start, events);
}

describe("a live run", () => {
  it("moves nodes from queued to running to succeeded, streaming tokens while they run", () => {
    const midway = live(upTo(7));
    const structure = midway.structure;
    expect(structure?.status).toBe("running");
    expect(structure && nodeState(structure, "in")).toBe("succeeded");
    expect(structure && nodeState(structure, "llm")).toBe("running");
    expect(structure && nodeState(structure, "out")).toBe("queued");
    expect(midway.journal.nodes.llm?.streamed).toBe("Hello be");
    expect(midway.journal.nodes.llm?.logs.map((line) => line.message)).toEqual(["calling mock-1"]);

    const done = live(run);
    expect(done.structure?.status).toBe("succeeded");
    expect(done.structure?.nodes.llm?.output).toBe("Hello bees");
    expect(done.journal.nodes.llm?.streamed).toBe("");
    expect(done.structure && nodeState(done.structure, "out")).toBe("not_run");
    expect(done.structure && runTotals(done.structure)).toEqual({ tokensIn: 3, tokensOut: 2, cost: 0.5 });
  });

  it("never counts a replayed event twice: tokens are not duplicated", () => {
    const once = live(upTo(8));
    const replayed = applyEvents(applyEvents(once, upTo(8)), upTo(8).slice(3));
    expect(replayed).toBe(once);
    expect(replayed.journal.nodes.llm?.streamed).toBe("Hello bees");
  });

  it("after a reload, rebuilds the same state from the detail, the stored journal and the resumed events", () => {
    const before = live(upTo(7));
    // The page reloads: the journal was stored at event 7, the detail has meanwhile reached event 8.
    const detailAt8 = detail({
      status: "running",
      started_at: AT,
      last_event_id: 8,
      nodes: [
        { ...nodeRun("in", "succeeded"), output: { topic: "bees" } },
        { ...nodeRun("llm", "running"), inputs: { prompt: "Hi bees" } },
      ],
    });
    const reloaded = adoptDetail(initialLiveRun(before.journal), detailAt8);
    expect(resumeAfter(reloaded)).toBe(7);
    const resumed = applyEvents(reloaded, after(7));
    expect(resumed.journal).toEqual(live(run).journal);
    expect(resumed.structure?.status).toBe("succeeded");
    expect(resumed.structure?.nodes.llm?.output).toBe("Hello bees");

    const midway = applyEvents(reloaded, after(7).slice(0, 1));
    expect(midway.journal.nodes.llm?.streamed).toBe("Hello bees");
  });

  it("ignores a detail older than what it already holds, and resumes after the older of both parts", () => {
    const current = live(upTo(9));
    expect(adoptDetail(current, detail({ last_event_id: 3 }))).toBe(current);
    const journalAhead = adoptDetail(initialLiveRun(current.journal), detail({ status: "running", last_event_id: 4 }));
    expect(resumeAfter(journalAhead)).toBe(4);
    const caughtUp = applyEvents(journalAhead, after(4));
    expect(caughtUp.journal.through).toBe(10);
    expect(caughtUp.journal.nodes.llm?.logs).toHaveLength(1);
    expect(caughtUp.structure?.nodes.llm?.output).toBe("Hello bees");
    expect(caughtUp.structure?.status).toBe("succeeded");
  });

  it("needs no stream for a settled run whose events it holds, and replays one it has not seen", () => {
    const settled = detail({ status: "succeeded", last_event_id: 10 });
    expect(awaitsEvents(adoptDetail(initialLiveRun(live(run).journal), settled))).toBe(false);
    const firstVisit = adoptDetail(initialLiveRun(null), settled);
    expect(awaitsEvents(firstVisit)).toBe(true);
    expect(resumeAfter(firstVisit)).toBe(0);
    expect(awaitsEvents(applyEvents(firstVisit, run))).toBe(false);
    expect(awaitsEvents(initialLiveRun(null))).toBe(false);
  });

  it("shows a retried attempt as running with its error, and a final failure as failed", () => {
    const failing: RunEvent[] = [
      ...upTo(5),
      { id: 6, type: "node_failed", nodeId: "llm", data: { error: "rate limited", attempt: 1, will_retry: true }, at: AT },
      { id: 7, type: "node_started", nodeId: "llm", data: { attempt: 2, inputs: {} }, at: AT },
      { id: 8, type: "node_token", nodeId: "llm", data: { text: "Hi" }, at: AT },
      { id: 9, type: "node_failed", nodeId: "llm", data: { error: "boom", attempt: 2, will_retry: false }, at: AT },
      { id: 10, type: "run_failed", nodeId: null, data: { error: "node llm failed: boom", usage: {} }, at: AT },
    ];
    const retrying = live(failing.slice(0, 6));
    expect(retrying.structure?.nodes.llm).toMatchObject({ status: "running", retrying: true, error: "rate limited" });
    const second = live(failing.slice(0, 8));
    expect(second.structure?.nodes.llm).toMatchObject({ status: "running", retrying: false, attempts: 2, error: null });
    expect(second.journal.nodes.llm?.streamed).toBe("Hi");
    const failed = live(failing);
    expect(failed.structure?.nodes.llm).toMatchObject({ status: "failed", error: "boom", attempts: 2 });
    expect(failed.structure).toMatchObject({ status: "failed", error: "node llm failed: boom" });
    expect(failed.journal.nodes.llm?.logs.map((line) => line.tone)).toEqual(["error", "error"]);
  });

  it("records agent steps, skipped and cancelled nodes", () => {
    const steps: RunEvent[] = [
      ...upTo(1),
      { id: 2, type: "node_started", nodeId: "crew", data: { attempt: 1 }, at: AT },
      { id: 3, type: "agent_thought", nodeId: "crew", data: { agent: "Writer", text: "Think first" }, at: AT },
      { id: 4, type: "tool_called", nodeId: "crew", data: { agent: "Writer", tool: "search", arguments: { q: "bees" } }, at: AT },
      { id: 5, type: "tool_returned", nodeId: "crew", data: { agent: "Writer", tool: "search", output: "many" }, at: AT },
      { id: 6, type: "task_completed", nodeId: "crew", data: { agent: "Writer", task: "write", output: "Done" }, at: AT },
      { id: 7, type: "node_skipped", nodeId: "else", data: { reason: "the condition was false" }, at: AT },
      { id: 8, type: "node_cancelled", nodeId: "crew", data: {}, at: AT },
      { id: 9, type: "run_cancelled", nodeId: null, data: { usage: {} }, at: AT },
    ];
    const result = live(steps);
    expect(result.journal.nodes.crew?.steps.map((step) => [step.kind, step.subject, step.text])).toEqual([
      ["thought", "", "Think first"],
      ["tool_call", "search", JSON.stringify({ q: "bees" }, null, 2)],
      ["tool_result", "search", "many"],
      ["task_output", "write", "Done"],
    ]);
    expect(result.structure?.nodes.else).toMatchObject({ status: "skipped", error: "the condition was false" });
    expect(result.structure?.nodes.crew?.status).toBe("cancelled");
    expect(result.structure?.status).toBe("cancelled");
  });

  it("counts tokens and cost of reused nodes only in the run where they ran", () => {
    const retried = adoptDetail(
      initialLiveRun(null),
      detail({
        status: "succeeded",
        last_event_id: 5,
        nodes: [
          { ...nodeRun("a", "succeeded"), reused: true, tokens_in: 10, tokens_out: 10, cost: 1 },
          { ...nodeRun("b", "succeeded"), tokens_in: 1, tokens_out: 2, cost: null },
        ],
      }),
    );
    expect(retried.structure && runTotals(retried.structure)).toEqual({ tokensIn: 1, tokensOut: 2, cost: null });
  });
});

function nodeRun(nodeId: string, status: Schemas["NodeRunOut"]["status"]): Schemas["NodeRunOut"] {
  return {
    node_id: nodeId,
    node_type: nodeId,
    status,
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
    finished_at: status === "running" ? null : AT,
    duration_ms: null,
  };
}
