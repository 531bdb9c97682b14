import { describe, expect, it } from "vitest";
import {
  describeDiff,
  diffHighlight,
  formatValue,
  nodeNames,
  type DiffNode,
  type GraphDiff,
} from "../src/features/editor/history/diffHighlight";

const node = (id: string, type: string, label?: string): DiffNode => ({
  id,
  type,
  position: { x: 0, y: 0 },
  config: {},
  ...(label === undefined ? {} : { label }),
});

const emptyDiff: GraphDiff = {
  base: 1,
  target: 2,
  nodes: { added: [], removed: [], changed: [] },
  edges: { added: [], removed: [], changed: [] },
  settings: {},
};

/** v1: in → draft → out; v2: draft removed, summary and review added, out's value changed and out moved. */
const diff: GraphDiff = {
  ...emptyDiff,
  nodes: {
    added: [node("summary", "llm", "Summarise"), node("review", "condition")],
    removed: [node("draft", "llm", "Draft")],
    changed: [
      {
        id: "out",
        fields: {
          "config.value": { before: "{{ nodes.draft.output }}", after: "{{ nodes.summary.output }}" },
          position: { before: { x: 400, y: 0 }, after: { x: 640.4, y: 80 } },
        },
      },
    ],
  },
  edges: {
    added: [{ id: "e2", source: "in", target: "summary" }],
    removed: [{ id: "e1", source: "in", target: "draft" }],
    changed: [{ id: "e3", fields: { source_handle: { before: "true", after: "false" } } }],
  },
  settings: { failure_policy: { before: "stop", after: "continue" } },
};

const names = nodeNames([node("in", "input"), node("out", "output", "Answer")]);

describe("diffHighlight", () => {
  it("marks added and changed nodes by id and hands over removed nodes whole, to draw as ghosts", () => {
    expect(diffHighlight(diff)).toEqual({
      added: ["summary", "review"],
      removed: [node("draft", "llm", "Draft")],
      changed: ["out"],
    });
  });

  it("marks nothing when the versions have the same graph", () => {
    expect(diffHighlight(emptyDiff)).toEqual({ added: [], removed: [], changed: [] });
    expect(describeDiff(emptyDiff, names).isEmpty).toBe(true);
  });
});

describe("describeDiff", () => {
  const summary = describeDiff(diff, names);

  it("lists nodes added first, then changed, then removed, each named by label or id with its type", () => {
    expect(summary.nodes.map((entry) => [entry.kind, entry.title])).toEqual([
      ["added", "review (condition)"],
      ["added", "Summarise (llm)"],
      ["changed", "Answer (output)"],
      ["removed", "Draft (llm)"],
    ]);
    expect(summary.counts).toEqual({ added: 2, removed: 1, changed: 1 });
    expect(summary.isEmpty).toBe(false);
  });

  it("gives each changed field its before and after, config fields by their own name, a move as a position", () => {
    const changed = summary.nodes.find((entry) => entry.kind === "changed");
    expect(changed?.fields).toEqual([
      { path: "config.value", label: "value", before: "{{ nodes.draft.output }}", after: "{{ nodes.summary.output }}" },
      { path: "position", label: "position (moved)", before: "(400, 0)", after: "(640, 80)" },
    ]);
  });

  it("names edges by the nodes they join, added and removed nodes included, and keeps graph settings apart", () => {
    expect(summary.edges.map((entry) => [entry.kind, entry.title])).toEqual([
      ["added", "in (input) → Summarise (llm)"],
      ["changed", "e3"],
      ["removed", "in (input) → Draft (llm)"],
    ]);
    expect(summary.settings).toEqual([
      { path: "failure_policy", label: "failure_policy", before: "stop", after: "continue" },
    ]);
  });

  it("falls back to the id of a node it has no name for", () => {
    const unnamed = describeDiff(diff, new Map());
    expect(unnamed.nodes.find((entry) => entry.kind === "changed")?.title).toBe("out");
  });
});

describe("formatValue", () => {
  it("shows absent values as a dash and objects as JSON on one line", () => {
    expect(formatValue(undefined)).toBe("—");
    expect(formatValue(null)).toBe("—");
    expect(formatValue({ attempts: 3 })).toBe('{"attempts":3}');
    expect(formatValue("two\n  lines")).toBe("two lines");
  });

  it("cuts long text with an ellipsis", () => {
    const shown = formatValue("x".repeat(500));
    expect(shown).toHaveLength(160);
    expect(shown.endsWith("…")).toBe(true);
  });
});
