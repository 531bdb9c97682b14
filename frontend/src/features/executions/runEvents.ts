import type { SseMessage } from "./sse";

/** One event of an execution's replayable log (backend events/record.py): `data` holds the fields of its type. */
export interface RunEvent {
  id: number;
  type: string;
  nodeId: string | null;
  data: Readonly<Record<string, unknown>>;
  at: string;
}

export const TERMINAL_EVENT_TYPES: ReadonlySet<string> = new Set(["run_succeeded", "run_failed", "run_cancelled"]);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The event an SSE message carries, or null when its data is not one (the stream goes on without it). */
export function decodeRunEvent(message: SseMessage): RunEvent | null {
  let document: unknown;
  try {
    document = JSON.parse(message.data);
  } catch {
    return null;
  }
  if (!isRecord(document)) return null;
  const { id, type, node_id: nodeId, data, at } = document;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || typeof type !== "string" || typeof at !== "string") {
    return null;
  }
  if (nodeId !== null && typeof nodeId !== "string") return null;
  return { id, type, nodeId, data: isRecord(data) ? data : {}, at };
}

/** A text field of an event's data; other values are shown as their JSON. */
export function textOf(data: Readonly<Record<string, unknown>>, field: string): string {
  const value = data[field];
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

export function numberOf(data: Readonly<Record<string, unknown>>, field: string): number | null {
  const value = data[field];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function recordOf(data: Readonly<Record<string, unknown>>, field: string): Record<string, unknown> {
  const value = data[field];
  return isRecord(value) ? value : {};
}

export interface Usage {
  tokensIn: number;
  tokensOut: number;
  cost: number | null;
}

export function usageOf(data: Readonly<Record<string, unknown>>): Usage {
  const usage = recordOf(data, "usage");
  return {
    tokensIn: numberOf(usage, "tokens_in") ?? 0,
    tokensOut: numberOf(usage, "tokens_out") ?? 0,
    cost: numberOf(usage, "cost"),
  };
}
