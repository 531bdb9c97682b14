import type { Schemas } from "../../api/client";

/** The graph a run ran, read from its detail, where the API types it as a plain object. */

type Graph = Schemas["Graph-Output"];
type GraphNode = Schemas["Node-Output"];
type GraphEdge = Schemas["Edge"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function recordsIn(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

function nodeOf(raw: Record<string, unknown>): GraphNode | null {
  const id = text(raw.id);
  const type = text(raw.type);
  if (id === null || type === null) return null;
  const position = isRecord(raw.position) ? raw.position : {};
  const { x, y } = position;
  return {
    id,
    type,
    label: text(raw.label),
    ...(typeof x === "number" && typeof y === "number" ? { position: { x, y } } : {}),
  };
}

function edgeOf(raw: Record<string, unknown>): GraphEdge | null {
  const id = text(raw.id);
  const source = text(raw.source);
  const target = text(raw.target);
  if (id === null || source === null || target === null) return null;
  return { id, source, target, source_handle: text(raw.source_handle), target_handle: text(raw.target_handle) };
}

/** The nodes (id, type, label, position) and edges of a run's graph; what is not shaped like one is left out. */
export function runGraphOf(graph: Readonly<Record<string, unknown>>): Graph {
  return {
    nodes: recordsIn(graph.nodes).flatMap((raw) => nodeOf(raw) ?? []),
    edges: recordsIn(graph.edges).flatMap((raw) => edgeOf(raw) ?? []),
  };
}
