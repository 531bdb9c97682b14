import { isRecord } from "./runEvents";
import type { AgentStep, LogLine, NodeJournal, RunJournal } from "./runState";

/** Each execution's journal (and with it the id of its last event) in the tab's sessionStorage, so a reload
 * resumes the event stream where it stopped and still shows what streamed before. */

type JournalStorage = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

const PREFIX = "crewloom.run.";

const keyOf = (executionId: string) => `${PREFIX}${executionId}`;

function isLogLine(value: unknown): value is LogLine {
  return (
    isRecord(value) &&
    typeof value.id === "number" &&
    typeof value.at === "string" &&
    typeof value.message === "string" &&
    (value.tone === "info" || value.tone === "error")
  );
}

function isAgentStep(value: unknown): value is AgentStep {
  return (
    isRecord(value) &&
    typeof value.id === "number" &&
    typeof value.at === "string" &&
    typeof value.kind === "string" &&
    ["thought", "tool_call", "tool_result", "task_output"].includes(value.kind) &&
    (value.agent === null || typeof value.agent === "string") &&
    typeof value.subject === "string" &&
    typeof value.text === "string"
  );
}

function isNodeJournal(value: unknown): value is NodeJournal {
  return (
    isRecord(value) &&
    typeof value.streamed === "string" &&
    Array.isArray(value.logs) &&
    value.logs.every(isLogLine) &&
    Array.isArray(value.steps) &&
    value.steps.every(isAgentStep)
  );
}

/** The stored journal, or null when there is none or it is not one (then the stream replays from the start). */
export function loadJournal(executionId: string, storage: JournalStorage | null = globalThis.sessionStorage): RunJournal | null {
  let document: unknown;
  try {
    document = JSON.parse(storage?.getItem(keyOf(executionId)) ?? "null");
  } catch {
    return null;
  }
  if (!isRecord(document) || typeof document.through !== "number" || !isRecord(document.nodes)) return null;
  const nodes: Record<string, NodeJournal> = {};
  for (const [nodeId, node] of Object.entries(document.nodes)) {
    if (!isNodeJournal(node)) return null;
    nodes[nodeId] = node;
  }
  return { through: document.through, nodes };
}

function otherJournalKeys(storage: JournalStorage, executionId: string): string[] {
  const keys: string[] = [];
  for (let index = 0; index < storage.length; index += 1) {
    const key = storage.key(index);
    if (key !== null && key.startsWith(PREFIX) && key !== keyOf(executionId)) keys.push(key);
  }
  return keys;
}

/** Stores the journal; when the storage is full, other runs' journals make room, and failing that none is kept
 * (a missing journal replays the stream from the start, a partial one would lose what it lacks). */
export function saveJournal(
  executionId: string,
  journal: RunJournal,
  storage: JournalStorage | null = globalThis.sessionStorage,
): void {
  if (storage === null) return;
  const text = JSON.stringify(journal);
  try {
    storage.setItem(keyOf(executionId), text);
    return;
  } catch {
    for (const key of otherJournalKeys(storage, executionId)) storage.removeItem(key);
  }
  try {
    storage.setItem(keyOf(executionId), text);
  } catch {
    storage.removeItem(keyOf(executionId));
  }
}
