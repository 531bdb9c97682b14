import { Position, type NodeHandle } from "@xyflow/react";
import { NODE_SIZE } from "./autoLayout";
import type { FlowNode } from "./graphModel";

const HANDLE = 12;

const estimates = new WeakMap<FlowNode, FlowNode>();

function handlesOf(node: FlowNode, outputs: readonly string[]): NodeHandle[] {
  const { width, height } = NODE_SIZE;
  const target: NodeHandle[] =
    node.data.nodeType === "input"
      ? []
      : [{ id: null, type: "target", position: Position.Left, x: -HANDLE / 2, y: height / 2 - HANDLE / 2, width: HANDLE, height: HANDLE }];
  const sources = outputs.map(
    (id, index): NodeHandle => ({
      id,
      type: "source",
      position: Position.Right,
      x: width - HANDLE / 2,
      y: ((index + 1) * height) / (outputs.length + 1) - HANDLE / 2,
      width: HANDLE,
      height: HANDLE,
    }),
  );
  return [...target, ...sources];
}

/**
 * A node the canvas has not measured yet, with its size and handles estimated. The canvas otherwise draws
 * every unmeasured node once just to measure it, which for a large flow means hundreds of nodes off
 * screen; with estimates only the visible ones are drawn. Once measured, the node is passed as it is.
 * The estimate is kept per node object, so the canvas sees the same object until the node changes.
 */
export function withEstimatedHandles(node: FlowNode, outputs: readonly string[]): FlowNode {
  if (node.measured !== undefined) return node;
  let estimated = estimates.get(node);
  if (estimated === undefined) {
    estimated = { ...node, initialWidth: NODE_SIZE.width, initialHeight: NODE_SIZE.height, handles: handlesOf(node, outputs) };
    estimates.set(node, estimated);
  }
  return estimated;
}
