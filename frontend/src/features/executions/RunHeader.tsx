import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { ConfirmButton } from "../../ui/ConfirmButton";
import { Button, ErrorMessage, focusRing } from "../../ui/controls";
import type { ConnectionState } from "./eventStream";
import { elapsed, formatCost, formatDuration, formatTime, formatTokens } from "./figures";
import { RunButton } from "./RunDialog";
import { runTotals, SETTLED_STATUSES, type RunStructure } from "./runState";
import { StatusBadge } from "./StatusBadge";

const CONNECTION_WORDS: Readonly<Record<ConnectionState, string>> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  ended: "Finished",
};

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-sm font-semibold text-slate-900">{value}</dd>
    </div>
  );
}

function RunActions({ execution, structure }: { execution: Schemas["ExecutionDetail"]; structure: RunStructure }) {
  const canOperate = useCan("executions", "execute");
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const path = { params: { path: { execution_id: execution.id } } };
  const cancel = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/executions/{execution_id}/cancel", path)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.executions.all }),
  });
  const retry = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/executions/{execution_id}/retry", path)),
    onSuccess: async (started) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.executions.all });
      await navigate(`/executions/${started.id}`);
    },
  });
  if (!canOperate) return null;
  const settled = SETTLED_STATUSES.has(structure.status);
  const cancelling = cancel.isSuccess && !settled;
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex items-center gap-2">
        {!settled && (
          <ConfirmButton
            label={cancelling ? "Cancelling…" : "Cancel run"}
            title="Cancel this run?"
            question="Running nodes stop at their next step; nodes that finished keep their results, and the run can be retried."
            confirmLabel="Cancel run"
            busy={cancel.isPending}
            disabled={cancelling}
            onConfirm={() => {
              cancel.mutate();
            }}
          />
        )}
        {(structure.status === "failed" || structure.status === "cancelled") && (
          <Button
            look="primary"
            busy={retry.isPending}
            onClick={() => {
              retry.mutate();
            }}
          >
            Retry
          </Button>
        )}
        {settled && execution.flow_id !== null && (
          <RunButton flowId={execution.flow_id} initialInputs={execution.inputs} label="Run again" look="secondary" />
        )}
      </div>
      <ErrorMessage message={cancel.error?.message ?? retry.error?.message} />
    </div>
  );
}

/** The run's title, state, figures and actions. */
export function RunHeader({
  execution,
  structure,
  flowName,
  connection,
  now,
}: {
  execution: Schemas["ExecutionDetail"];
  structure: RunStructure;
  flowName: string | null;
  connection: ConnectionState | null;
  now: number;
}) {
  const totals = runTotals(structure);
  const what = execution.kind === "flow" ? (flowName ?? "a flow") : `a ${execution.kind}`;
  return (
    <header className="border-b border-slate-200 bg-white px-6 py-4">
      <Link to="/executions" className={`text-sm text-indigo-700 hover:underline ${focusRing}`}>
        ← Executions
      </Link>
      <div className="mt-1 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 id="execution-title" className="text-2xl font-bold">
              Run of {what}
            </h1>
            <span role="status" aria-label="Run status">
              <StatusBadge state={structure.status} />
            </span>
            {connection !== null && (
              <span className="inline-flex items-center gap-1.5 text-xs text-slate-600">
                <span
                  aria-hidden="true"
                  className={`h-2 w-2 rounded-full ${connection === "live" ? "bg-emerald-500 motion-safe:animate-pulse" : "bg-amber-400"}`}
                />
                {CONNECTION_WORDS[connection]}
              </span>
            )}
          </div>
          <p className="mt-1 font-mono text-xs text-slate-500">{execution.id}</p>
          {execution.retry_of !== null && (
            <p className="mt-1 text-sm">
              Retry of{" "}
              <Link to={`/executions/${execution.retry_of}`} className={`text-indigo-700 hover:underline ${focusRing}`}>
                an earlier run
              </Link>
            </p>
          )}
        </div>
        <RunActions execution={execution} structure={structure} />
      </div>
      <dl className="mt-4 flex flex-wrap gap-x-10 gap-y-2">
        <Figure label="Started" value={formatTime(structure.startedAt ?? execution.created_at)} />
        <Figure label="Duration" value={formatDuration(elapsed(structure.startedAt, structure.finishedAt, now))} />
        <Figure label="Tokens" value={formatTokens(totals.tokensIn, totals.tokensOut)} />
        <Figure label="Cost" value={formatCost(totals.cost)} />
        {SETTLED_STATUSES.has(structure.status) && (
          <Figure label="Model calls" value={String(execution.totals.model_calls)} />
        )}
      </dl>
      {structure.status === "failed" && structure.error !== null && (
        <p role="alert" className="mt-3 whitespace-pre-wrap rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {structure.error}
        </p>
      )}
    </header>
  );
}
