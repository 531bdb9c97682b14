import { describe, expect, it } from "vitest";
import { autoLayout, NODE_SIZE } from "../src/features/editor/autoLayout";
import { toFlowEdge, toFlowNode } from "../src/features/editor/graphModel";
import { placeAtCentre, placeAtPointer } from "../src/features/editor/placement";

const node = (id: string) => toFlowNode({ id, type: "llm", position: { x: 0, y: 0 } });
const edge = (source: string, target: string) => toFlowEdge({ id: `${source}-${target}`, source, target });

describe("autoLayout", () => {
  it("places nodes left to right along the edges, branches apart", () => {
    const positions = autoLayout(
      ["in", "check", "yes", "no", "out"].map(node),
      [edge("in", "check"), edge("check", "yes"), edge("check", "no"), edge("yes", "out"), edge("no", "out")],
    );
    const x = (id: string) => positions[id]?.x ?? Number.NaN;
    expect(x("in")).toBeLessThan(x("check"));
    expect(x("check")).toBeLessThan(x("yes"));
    expect(x("yes")).toBe(x("no"));
    expect(positions.yes?.y).not.toBe(positions.no?.y);
    expect(x("yes")).toBeLessThan(x("out"));
  });

  it("ignores edges to missing nodes", () => {
    const positions = autoLayout([node("a")], [edge("a", "gone")]);
    expect(Object.keys(positions)).toEqual(["a"]);
    expect(Number.isFinite(positions.a?.x)).toBe(true);
  });
});

describe("placement", () => {
  it("centres a dropped node under the pointer and nudges nodes added at the centre", () => {
    const { width, height } = NODE_SIZE;
    expect(placeAtPointer({ x: 500, y: 300 })).toEqual({ x: 500 - width / 2, y: 300 - height / 2 });
    expect(placeAtCentre({ x: 500, y: 300 }, 2)).toEqual({ x: 548 - width / 2, y: 348 - height / 2 });
  });
});
