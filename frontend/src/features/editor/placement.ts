import type { XYPosition } from "@xyflow/react";
import { NODE_SIZE } from "./autoLayout";

/** The drag-and-drop data type that carries a palette item's node type. */
export const NODE_TYPE_DRAG_FORMAT = "application/x-crewloom-node-type";

/** Where a node dropped at a point goes: centred under the pointer. */
export function placeAtPointer(point: XYPosition): XYPosition {
  return { x: point.x - NODE_SIZE.width / 2, y: point.y - NODE_SIZE.height / 2 };
}

/**
 * Where a node added from the keyboard goes: the middle of the visible canvas, nudged down for each node
 * already there so repeated additions do not stack exactly.
 */
export function placeAtCentre(centre: XYPosition, nodesAtCentre: number): XYPosition {
  const nudge = 24 * nodesAtCentre;
  return placeAtPointer({ x: centre.x + nudge, y: centre.y + nudge });
}
