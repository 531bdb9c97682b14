import type { Schemas } from "../../api/client";
import { numberOf, recordOf, textOf, usageOf, type RunEvent } from "./runEvents";

/** A run as the page shows it, rebuilt from two sources that may overlap:
 * - the structure (statuses, inputs, outputs, usage) comes from the execution's detail, which reflects every
 *   event up to its `last_event_id`, then from the events after that;
 * - the journal (streamed tokens, logs, agent steps) exists only in events, so it is kept with the id of the
 *   last event it holds, in the tab's storage, and survives a reload.
 * Each part takes an event only when its id is newer than the last it holds, so a replayed event never counts twice. */

export type RunStatus = Schemas["ExecutionSummary"]["status"];
export type NodeRunStatus = Schemas["NodeRunOut"]["status"];
/** What a node shows: its run's status, or queued / not run when it has no run (yet). */
export type NodeState = NodeRunStatus | "queued" | "not_run";

export const SETTLED_STATUSES: ReadonlySet<RunStatus> = new Set(["succeeded", "failed", "cancelled"]);

export interface NodeRun {
  nodeId: string;
  nodeType: string;
  status: NodeRunStatus;
  inputs: Record<string, unknown>;
  output: unknown;
  details: Record<string, unknown>;
  error: string | null;
  /** The last attempt failed and another one follows. */
  retrying: boolean;
  attempts: number;
  reused: boolean;
  tokensIn: number;
  tokensOut: number;
  cost: number | null;
  /** Known from the execution's detail only. */
  modelCalls: number | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunStructure {
  /** The id of the last event reflected here. */
  through: number;
  status: RunStatus;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  outputs: Record<string, unknown> | null;
  nodes: Readonly<Record<string, NodeRun>>;
}

export interface LogLine {
  id: number;
  at: string;
  message: string;
  tone: "info" | "error";
}

export type AgentStepKind = "thought" | "tool_call" | "tool_result" | "task_output";

export interface AgentStep {
  id: number;
  at: string;
  kind: AgentStepKind;
  agent: string | null;
  /** The tool or task the step is about; empty for a thought. */
  subject: string;
  text: string;
}

export interface NodeJournal {
  /** Tokens of the running attempt; the node's output replaces them once it succeeds. */
  streamed: string;
  logs: LogLine[];
  steps: AgentStep[];
}

export interface RunJournal {
  through: number;
  nodes: Readonly<Record<string, NodeJournal>>;
}

export interface LiveRun {
  structure: RunStructure | null;
  journal: RunJournal;
}

export const emptyJournal = (): RunJournal => ({ through: 0, nodes: {} });

export function initialLiveRun(journal: RunJournal | null): LiveRun {
  return { structure: null, journal: journal ?? emptyJournal() };
}

function nodeRunFromDetail(run: Schemas["NodeRunOut"]): NodeRun {
  return {
    nodeId: run.node_id,
    nodeType: run.node_type,
    status: run.status,
    inputs: run.inputs,
    output: run.output,
    details: run.details,
    error: run.error,
    retrying: false,
    attempts: run.attempts,
    reused: run.reused,
    tokensIn: run.tokens_in,
    tokensOut: run.tokens_out,
    cost: run.cost ?? null,
    modelCalls: run.model_calls,
    startedAt: run.started_at ?? null,
    finishedAt: run.finished_at ?? null,
  };
}

export function structureFromDetail(detail: Schemas["ExecutionDetail"]): RunStructure {
  return {
    through: detail.last_event_id,
    status: detail.status,
    error: detail.error ?? null,
    startedAt: detail.started_at ?? null,
    finishedAt: detail.finished_at ?? null,
    outputs: detail.outputs ?? null,
    nodes: Object.fromEntries(detail.nodes.map((run) => [run.node_id, nodeRunFromDetail(run)])),
  };
}

/** Takes the detail as the structure unless what the page holds is newer (a stale cached detail). */
export function adoptDetail(run: LiveRun, detail: Schemas["ExecutionDetail"]): LiveRun {
  if (run.structure !== null && run.structure.through > detail.last_event_id) return run;
  return { ...run, structure: structureFromDetail(detail) };
}

function blankNodeRun(nodeId: string): NodeRun {
  return {
    nodeId,
    nodeType: "",
    status: "running",
    inputs: {},
    output: null,
    details: {},
    error: null,
    retrying: false,
    attempts: 0,
    reused: false,
    tokensIn: 0,
    tokensOut: 0,
    cost: null,
    modelCalls: null,
    startedAt: null,
    finishedAt: null,
  };
}

function nodeChange(event: RunEvent, node: NodeRun): Partial<NodeRun> | null {
  const { data, at } = event;
  const attempt = numberOf(data, "attempt") ?? node.attempts;
  switch (event.type) {
    case "node_started":
      return {
        status: "running",
        attempts: attempt,
        inputs: recordOf(data, "inputs"),
        error: null,
        retrying: false,
        startedAt: node.startedAt ?? at,
        finishedAt: null,
      };
    case "node_succeeded": {
      const usage = usageOf(data);
      return {
        status: "succeeded",
        output: data.output ?? null,
        details: recordOf(data, "details"),
        reused: data.reused === true,
        attempts: attempt,
        retrying: false,
        tokensIn: usage.tokensIn,
        tokensOut: usage.tokensOut,
        cost: usage.cost,
        startedAt: node.startedAt ?? at,
        finishedAt: at,
      };
    }
    case "node_failed":
      return data.will_retry === true
        ? { error: textOf(data, "error"), attempts: attempt, retrying: true }
        : { error: textOf(data, "error"), attempts: attempt, retrying: false, status: "failed", finishedAt: at };
    case "node_skipped":
      return { status: "skipped", error: textOf(data, "reason"), finishedAt: at };
    case "node_cancelled":
      return { status: "cancelled", retrying: false, finishedAt: at };
    default:
      return null;
  }
}

function runChange(event: RunEvent, structure: RunStructure): Partial<RunStructure> | null {
  switch (event.type) {
    case "run_started":
      return { status: "running", startedAt: structure.startedAt ?? event.at };
    case "run_succeeded":
      return { status: "succeeded", outputs: recordOf(event.data, "outputs"), finishedAt: event.at };
    case "run_failed":
      return { status: "failed", error: textOf(event.data, "error"), finishedAt: event.at };
    case "run_cancelled":
      return { status: "cancelled", finishedAt: event.at };
    default:
      return null;
  }
}

function applyToStructure(structure: RunStructure, event: RunEvent): RunStructure {
  const moved = { ...structure, through: event.id };
  if (event.nodeId === null) {
    const change = runChange(event, structure);
    return change === null ? moved : { ...moved, ...change };
  }
  const node = structure.nodes[event.nodeId] ?? blankNodeRun(event.nodeId);
  const change = nodeChange(event, node);
  if (change === null) return moved;
  return { ...moved, nodes: { ...structure.nodes, [event.nodeId]: { ...node, ...change } } };
}

const STEP_KINDS: Readonly<Record<string, AgentStepKind>> = {
  agent_thought: "thought",
  tool_called: "tool_call",
  tool_returned: "tool_result",
  task_completed: "task_output",
};

function stepOf(event: RunEvent, kind: AgentStepKind): AgentStep {
  const { data } = event;
  const agent = typeof data.agent === "string" ? data.agent : null;
  const texts: Record<AgentStepKind, [subject: string, text: string]> = {
    thought: ["", textOf(data, "text")],
    tool_call: [textOf(data, "tool"), textOf(data, "arguments")],
    tool_result: [textOf(data, "tool"), textOf(data, "output")],
    task_output: [textOf(data, "task"), textOf(data, "output")],
  };
  const [subject, text] = texts[kind];
  return { id: event.id, at: event.at, kind, agent, subject, text };
}

function journalChange(event: RunEvent, node: NodeJournal): NodeJournal | null {
  const stepKind = STEP_KINDS[event.type];
  if (stepKind !== undefined) return { ...node, steps: [...node.steps, stepOf(event, stepKind)] };
  const log = (message: string, tone: LogLine["tone"]): NodeJournal => ({
    ...node,
    logs: [...node.logs, { id: event.id, at: event.at, message, tone }],
  });
  switch (event.type) {
    case "node_token":
      return { ...node, streamed: node.streamed + textOf(event.data, "text") };
    case "node_log":
      return log(textOf(event.data, "message"), "info");
    case "node_started":
      return node.streamed === "" ? null : { ...node, streamed: "" };
    case "node_succeeded":
      return node.streamed === "" ? null : { ...node, streamed: "" };
    case "node_failed": {
      const attempt = numberOf(event.data, "attempt") ?? 1;
      const retry = event.data.will_retry === true ? "; retrying" : "";
      return log(`Attempt ${String(attempt)} failed${retry}: ${textOf(event.data, "error")}`, "error");
    }
    default:
      return null;
  }
}

const emptyNodeJournal = (): NodeJournal => ({ streamed: "", logs: [], steps: [] });

function applyToJournal(journal: RunJournal, event: RunEvent): RunJournal {
  const moved = { ...journal, through: event.id };
  if (event.nodeId === null) return moved;
  const change = journalChange(event, journal.nodes[event.nodeId] ?? emptyNodeJournal());
  return change === null ? moved : { ...moved, nodes: { ...journal.nodes, [event.nodeId]: change } };
}

/** The run with these events (in id order) applied; each part skips what it already holds. */
export function applyEvents(run: LiveRun, events: readonly RunEvent[]): LiveRun {
  let { structure, journal } = run;
  for (const event of events) {
    if (structure !== null && event.id > structure.through) structure = applyToStructure(structure, event);
    if (event.id > journal.through) journal = applyToJournal(journal, event);
  }
  return structure === run.structure && journal === run.journal ? run : { structure, journal };
}

/** Where the event stream resumes: after the last event both parts hold. */
export function resumeAfter(run: LiveRun): number {
  return Math.min(run.journal.through, run.structure?.through ?? 0);
}

/** Whether events may still change the run: it is not settled, or the journal lacks some of its events. */
export function awaitsEvents(run: LiveRun): boolean {
  const { structure, journal } = run;
  if (structure === null) return false;
  return !SETTLED_STATUSES.has(structure.status) || journal.through < structure.through;
}

export function nodeState(structure: RunStructure, nodeId: string): NodeState {
  const node = structure.nodes[nodeId];
  if (node !== undefined) return node.status;
  return SETTLED_STATUSES.has(structure.status) ? "not_run" : "queued";
}

export interface RunTotals {
  tokensIn: number;
  tokensOut: number;
  cost: number | null;
}

/** Tokens and cost of the nodes that ran in this execution (reused ones ran and were counted in an earlier one). */
export function runTotals(structure: RunStructure): RunTotals {
  const ran = Object.values(structure.nodes).filter((node) => !node.reused);
  const costs = ran.flatMap((node) => (node.cost === null ? [] : [node.cost]));
  return {
    tokensIn: ran.reduce((sum, node) => sum + node.tokensIn, 0),
    tokensOut: ran.reduce((sum, node) => sum + node.tokensOut, 0),
    cost: costs.length > 0 ? costs.reduce((sum, cost) => sum + cost, 0) : null,
  };
}
