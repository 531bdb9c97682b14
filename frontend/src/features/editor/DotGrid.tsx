import { useStore, type ReactFlowState } from "@xyflow/react";
import { shallow } from "zustand/shallow";

const GAP = 20;
/** Below this spacing (in screen pixels) the dots would be a grey haze, so none are drawn. */
const MIN_SPACING = 8;

const viewport = (state: ReactFlowState) => state.transform;

/**
 * The canvas's dot grid, drawn once on its own layer and only shifted while panning. React Flow's
 * Background repaints its pattern over the whole canvas on every frame of a pan, which costs more than
 * the rest of the frame together on large flows.
 */
export function DotGrid() {
  const [x, y, zoom] = useStore(viewport, shallow);
  const spacing = GAP * zoom;
  if (spacing < MIN_SPACING) return null;
  return (
    <div
      aria-hidden="true"
      className="pointer-events-none absolute -z-10 will-change-transform"
      style={{
        inset: -spacing,
        backgroundImage: "radial-gradient(circle, #cbd5e1 1px, transparent 1.5px)",
        backgroundSize: `${String(spacing)}px ${String(spacing)}px`,
        transform: `translate(${String(x % spacing)}px, ${String(y % spacing)}px)`,
      }}
    />
  );
}
