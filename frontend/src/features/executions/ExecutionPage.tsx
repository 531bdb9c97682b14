import { useMemo } from "react";
import { useParams, useSearchParams } from "react-router";
import { ApiError } from "../../api/problems";
import { ErrorMessage } from "../../ui/controls";
import { useFlowName } from "./flowQueries";
import { NodeRunDrawer } from "./NodeRunDrawer";
import { RunCanvas } from "./RunCanvas";
import { runGraphOf } from "./runGraph";
import { RunHeader } from "./RunHeader";
import { nodeState, SETTLED_STATUSES, structureFromDetail } from "./runState";
import { useLiveRun } from "./useLiveRun";
import { useNow } from "./useNow";

function LiveExecution({ executionId }: { executionId: string }) {
  const { detail, run, connection, streamError } = useLiveRun(executionId);
  const flowName = useFlowName(detail.data?.flow_id ?? null);
  const savedGraph = detail.data?.graph;
  const graph = useMemo(() => runGraphOf(savedGraph ?? {}), [savedGraph]);
  // The open node is part of the address, so a reload (or a shared link) shows the same drawer.
  const [params, setParams] = useSearchParams();
  const selectedNodeId = params.get("node");
  const structure = run.structure ?? (detail.data === undefined ? null : structureFromDetail(detail.data));
  const now = useNow(structure !== null && !SETTLED_STATUSES.has(structure.status));

  if (detail.isPending) return <p role="status">Loading the run…</p>;
  if (detail.error !== null || structure === null) {
    const message =
      detail.error instanceof ApiError && detail.error.status === 404
        ? "There is no such run in this workspace."
        : detail.error?.message;
    return (
      <section aria-label="Run">
        <ErrorMessage message={message ?? "The run could not be loaded."} />
      </section>
    );
  }
  const openNode = (nodeId: string | null) => {
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (nodeId === null) next.delete("node");
        else next.set("node", nodeId);
        return next;
      },
      { replace: true },
    );
  };
  const graphNode = graph.nodes?.find((node) => node.id === selectedNodeId);
  const selectedRun = selectedNodeId === null ? undefined : structure.nodes[selectedNodeId];
  return (
    <section aria-labelledby="execution-title" className="overflow-hidden rounded-xl bg-white shadow">
      <RunHeader
        execution={detail.data}
        structure={structure}
        flowName={flowName}
        connection={connection}
        now={now}
      />
      <ErrorMessage message={streamError} />
      <div className="flex h-[68vh] min-h-[28rem]">
        <div className="min-w-0 flex-1 bg-slate-50">
          <RunCanvas
            graph={graph}
            structure={structure}
            journal={run.journal}
            selectedNodeId={selectedNodeId}
            onOpenNode={openNode}
          />
        </div>
        {selectedNodeId !== null && (
          <NodeRunDrawer
            key={selectedNodeId}
            nodeId={selectedNodeId}
            label={graphNode?.label ?? selectedNodeId}
            nodeType={graphNode?.type ?? selectedRun?.nodeType ?? ""}
            state={nodeState(structure, selectedNodeId)}
            run={selectedRun}
            journal={run.journal.nodes[selectedNodeId]}
            now={now}
            onClose={() => {
              openNode(null);
            }}
          />
        )}
      </div>
    </section>
  );
}

/** `/executions/:executionId`: a run live, its graph coloured by state, a node's details in a drawer. */
export function ExecutionPage() {
  const { executionId = "" } = useParams();
  return <LiveExecution key={executionId} executionId={executionId} />;
}
