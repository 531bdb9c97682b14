import type { Schemas } from "../../../api/client";
import type { DiffHighlight } from "../store";

export type GraphDiff = Schemas["GraphDiff"];
export type DiffNode = Schemas["Node-Output"];
type DiffEdge = Schemas["Edge"];
type FieldChanges = Record<string, Schemas["FieldChange"]>;

export type ChangeKind = "added" | "removed" | "changed";

export interface FieldChangeLine {
  path: string;
  label: string;
  before: string;
  after: string;
}

export interface ChangeEntry {
  kind: ChangeKind;
  id: string;
  title: string;
  fields: FieldChangeLine[];
}

export interface DiffSummary {
  nodes: ChangeEntry[];
  edges: ChangeEntry[];
  settings: FieldChangeLine[];
  counts: Record<ChangeKind, number>;
  isEmpty: boolean;
}

/** Names of the current graph's nodes, so that entries can name them by label rather than by id. */
export type NodeNames = ReadonlyMap<string, string>;

const VALUE_LENGTH = 160;
const KIND_ORDER: Record<ChangeKind, number> = { added: 0, changed: 1, removed: 2 };

/** What the canvas marks: nodes added since the compared version, its nodes since removed, nodes changed. */
export function diffHighlight(diff: GraphDiff): DiffHighlight {
  return {
    added: diff.nodes.added.map((node) => node.id),
    removed: diff.nodes.removed,
    changed: diff.nodes.changed.map((change) => change.id),
  };
}

export function nodeTitle(node: Pick<DiffNode, "id" | "type" | "label">): string {
  const label = node.label?.trim();
  return label ? `${label} (${node.type})` : `${node.id} (${node.type})`;
}

export function nodeNames(nodes: readonly Pick<DiffNode, "id" | "type" | "label">[]): Map<string, string> {
  return new Map(nodes.map((node) => [node.id, nodeTitle(node)]));
}

function isPosition(value: unknown): value is { x: number; y: number } {
  return (
    typeof value === "object" &&
    value !== null &&
    "x" in value &&
    "y" in value &&
    typeof value.x === "number" &&
    typeof value.y === "number"
  );
}

/** A value of a field as one short line: absent fields as a dash, long text cut with an ellipsis. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "—";
  if (isPosition(value)) return `(${String(Math.round(value.x))}, ${String(Math.round(value.y))})`;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > VALUE_LENGTH ? `${line.slice(0, VALUE_LENGTH - 1)}…` : line;
}

function fieldLabel(path: string): string {
  if (path === "position") return "position (moved)";
  return path.startsWith("config.") ? path.slice("config.".length) : path;
}

function fieldLines(fields: FieldChanges): FieldChangeLine[] {
  return Object.entries(fields)
    .map(([path, change]) => ({
      path,
      label: fieldLabel(path),
      before: formatValue(change.before),
      after: formatValue(change.after),
    }))
    .sort((left, right) => left.path.localeCompare(right.path));
}

function byKindThenTitle(left: ChangeEntry, right: ChangeEntry): number {
  return KIND_ORDER[left.kind] - KIND_ORDER[right.kind] || left.title.localeCompare(right.title);
}

function edgeTitle(edge: DiffEdge, names: NodeNames): string {
  const handle = edge.source_handle ? ` [${edge.source_handle}]` : "";
  return `${names.get(edge.source) ?? edge.source}${handle} → ${names.get(edge.target) ?? edge.target}`;
}

/** The diff as lists a reader scans: nodes and edges by kind, each changed one with its changed fields.
 * Nodes the diff carries whole (added and removed ones) are named from it, the others from ``currentNames``. */
export function describeDiff(diff: GraphDiff, currentNames: NodeNames): DiffSummary {
  const names = new Map([...currentNames, ...nodeNames([...diff.nodes.added, ...diff.nodes.removed])]);
  const nodes: ChangeEntry[] = [
    ...diff.nodes.added.map((node) => ({ kind: "added" as const, id: node.id, title: nodeTitle(node), fields: [] })),
    ...diff.nodes.removed.map((node) => ({ kind: "removed" as const, id: node.id, title: nodeTitle(node), fields: [] })),
    ...diff.nodes.changed.map((change) => ({
      kind: "changed" as const,
      id: change.id,
      title: names.get(change.id) ?? change.id,
      fields: fieldLines(change.fields),
    })),
  ].sort(byKindThenTitle);
  const edges: ChangeEntry[] = [
    ...diff.edges.added.map((edge) => ({ kind: "added" as const, id: edge.id, title: edgeTitle(edge, names), fields: [] })),
    ...diff.edges.removed.map((edge) => ({
      kind: "removed" as const,
      id: edge.id,
      title: edgeTitle(edge, names),
      fields: [],
    })),
    ...diff.edges.changed.map((change) => ({
      kind: "changed" as const,
      id: change.id,
      title: change.id,
      fields: fieldLines(change.fields),
    })),
  ].sort(byKindThenTitle);
  const settings = fieldLines(diff.settings);
  const counts: Record<ChangeKind, number> = {
    added: diff.nodes.added.length,
    removed: diff.nodes.removed.length,
    changed: diff.nodes.changed.length,
  };
  return { nodes, edges, settings, counts, isEmpty: nodes.length + edges.length + settings.length === 0 };
}
