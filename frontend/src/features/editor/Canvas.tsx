import {
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type EdgeTypes,
  type IsValidConnection,
  type NodeTypes,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useEffect, useMemo, type DragEvent, type RefObject } from "react";
import { DotGrid } from "./DotGrid";
import { FlowEdgeView } from "./FlowEdgeView";
import { withEstimatedHandles } from "./estimatedHandles";
import { OUTPUT_HANDLE, type FlowEdge, type FlowNode } from "./graphModel";
import { FlowNodeCard, GhostNodeCard } from "./nodes/FlowNodeCard";
import type { GhostNode } from "./overlays";
import { NODE_TYPE_DRAG_FORMAT, placeAtPointer } from "./placement";
import { useEditorStore } from "./store";
import { openingNodes, useFitNodes } from "./viewportFit";

const nodeTypes: NodeTypes = { flow: FlowNodeCard, ghost: GhostNodeCard };
const edgeTypes: EdgeTypes = { flow: FlowEdgeView };
const defaultEdgeOptions = { type: "flow" };

/** Above this many nodes only those in view are drawn, so large flows pan and drag smoothly. */
const VIRTUALIZE_FROM = 150;

const isValidConnection: IsValidConnection<FlowEdge> = (connection) => connection.source !== connection.target;

const miniMapColor = (node: FlowNode | GhostNode) => (node.type === "ghost" ? "#fca5a5" : "#94a3b8");

/** The flow's canvas: nodes and edges from the editor store, nodes dropped from the palette, focus on request. */
export function Canvas({ canvasRef }: { canvasRef: RefObject<HTMLDivElement | null> }) {
  const nodes = useEditorStore((state) => state.nodes);
  const ghosts = useEditorStore((state) => state.ghosts);
  const edges = useEditorStore((state) => state.edges);
  const readOnly = useEditorStore((state) => state.readOnly);
  const focus = useEditorStore((state) => state.focus);
  const onNodesChange = useEditorStore((state) => state.onNodesChange);
  const onEdgesChange = useEditorStore((state) => state.onEdgesChange);
  const connect = useEditorStore((state) => state.connect);
  const addNode = useEditorStore((state) => state.addNode);
  const flow = useReactFlow<FlowNode | GhostNode, FlowEdge>();
  const fitNodes = useFitNodes();
  const catalog = useEditorStore((state) => state.catalog);
  const virtualized = nodes.length > VIRTUALIZE_FROM;
  const shown = useMemo<(FlowNode | GhostNode)[]>(() => {
    const drawn = virtualized
      ? nodes.map((node) => withEstimatedHandles(node, catalog[node.data.nodeType]?.outputs ?? [OUTPUT_HANDLE]))
      : nodes;
    return ghosts.length === 0 ? drawn : [...drawn, ...ghosts];
  }, [nodes, ghosts, catalog, virtualized]);

  useEffect(() => {
    if (focus === null) return;
    const wanted = new Set(focus.nodeIds);
    const focused = useEditorStore.getState().nodes.filter((node) => wanted.has(node.id));
    if (focused.length > 0) fitNodes(focused);
  }, [focus, fitNodes]);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(NODE_TYPE_DRAG_FORMAT)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const nodeType = event.dataTransfer.getData(NODE_TYPE_DRAG_FORMAT);
      if (nodeType === "" || readOnly) return;
      event.preventDefault();
      addNode(nodeType, placeAtPointer(flow.screenToFlowPosition({ x: event.clientX, y: event.clientY })));
      canvasRef.current?.focus();
    },
    [addNode, canvasRef, flow, readOnly],
  );

  return (
    <div
      ref={canvasRef}
      tabIndex={-1}
      role="region"
      aria-label="Flow canvas"
      className="h-full w-full outline-none"
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <ReactFlow<FlowNode | GhostNode, FlowEdge>
        nodes={shown}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        isValidConnection={isValidConnection}
        onPaneClick={() => canvasRef.current?.focus()}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={null}
        onlyRenderVisibleElements={virtualized}
        minZoom={0.05}
        onInit={() => {
          // A loaded graph opens fitted into view (a large one on its start); an empty one keeps the
          // default zoom, so the first node dropped stays where it was dropped.
          const { nodes: loaded } = useEditorStore.getState();
          if (loaded.length > 0) fitNodes(loaded.length > VIRTUALIZE_FROM ? openingNodes(loaded) : loaded, 0);
        }}
      >
        <DotGrid />
        <MiniMap<FlowNode | GhostNode>
          pannable
          zoomable
          nodeColor={miniMapColor}
          nodeBorderRadius={0}
          nodeStrokeWidth={0}
          ariaLabel="Minimap"
        />
        <Controls showInteractive={false} showFitView={false} aria-label="Zoom controls" />
      </ReactFlow>
    </div>
  );
}
