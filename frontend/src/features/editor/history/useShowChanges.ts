import { getViewportForBounds, useNodesInitialized, useReactFlow, useStoreApi } from "@xyflow/react";
import { useEffect, useRef, type RefObject } from "react";
import { GHOST_PREFIX } from "../overlays";
import { setDiffHighlight } from "../store";
import { diffHighlight, type GraphDiff } from "./diffHighlight";

const MARGIN = 48;
const MAX_ZOOM = 1.1;

function pixels(value: number): `${number}px` {
  return `${String(Math.round(value))}px` as `${number}px`;
}

/**
 * Marks a diff on the canvas and, once the removed nodes' ghosts are measured, brings the changed nodes into
 * view beside the history drawer, which covers the canvas's right edge. The marks go when the diff does.
 */
export function useShowChanges(diff: GraphDiff | undefined, drawer: RefObject<HTMLElement | null>): void {
  const { getInternalNode, getNodesBounds, setViewport } = useReactFlow();
  const store = useStoreApi();
  const measured = useNodesInitialized({ includeHiddenNodes: true });
  const toShow = useRef<string[] | null>(null);

  useEffect(() => {
    if (diff === undefined) return;
    const highlight = diffHighlight(diff);
    setDiffHighlight(highlight);
    toShow.current = [
      ...highlight.added,
      ...highlight.changed,
      ...highlight.removed.map((node) => GHOST_PREFIX + node.id),
    ];
    return () => {
      toShow.current = null;
      setDiffHighlight(null);
    };
  }, [diff]);

  useEffect(() => {
    const ids = toShow.current;
    if (!measured || ids === null || ids.some((id) => getInternalNode(id)?.measured.width === undefined)) return;
    toShow.current = null;
    if (ids.length === 0) return;
    const { width, height, minZoom, domNode } = store.getState();
    const canvas = domNode?.getBoundingClientRect();
    const drawerBox = drawer.current?.getBoundingClientRect();
    const covered = canvas && drawerBox ? Math.max(0, canvas.right - drawerBox.left) : 0;
    const padding = { x: pixels(MARGIN), y: pixels(MARGIN), right: pixels(covered + MARGIN) };
    const viewport = getViewportForBounds(getNodesBounds(ids), width, height, minZoom, MAX_ZOOM, padding);
    void setViewport(viewport, { duration: 300 });
  }, [diff, measured, drawer, getInternalNode, getNodesBounds, setViewport, store]);
}
