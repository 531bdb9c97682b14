import type { ReactNode } from "react";
import { Button } from "../../ui/controls";
import { elapsed, formatCost, formatDuration, formatTime } from "./figures";
import { JsonBlock, OutputView } from "./OutputView";
import type { AgentStep, NodeJournal, NodeRun, NodeState } from "./runState";
import { StatusBadge } from "./StatusBadge";

const STEP_TITLES: Readonly<Record<AgentStep["kind"], string>> = {
  thought: "Thought",
  tool_call: "Tool call",
  tool_result: "Tool result",
  task_output: "Task output",
};

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="border-t border-slate-200 px-5 py-4">
      <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h3>
      {children}
    </section>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-sm font-medium text-slate-900">{value}</dd>
    </div>
  );
}

function AgentSteps({ steps }: { steps: readonly AgentStep[] }) {
  return (
    <ol className="space-y-2">
      {steps.map((step) => (
        <li key={step.id}>
          <details className="rounded-md border border-slate-200 bg-white">
            <summary className="cursor-pointer px-3 py-2 text-sm">
              <span className="font-medium">{STEP_TITLES[step.kind]}</span>
              {step.subject !== "" && <span className="text-slate-700">: {step.subject}</span>}
              {step.agent !== null && <span className="text-slate-500"> · {step.agent}</span>}
            </summary>
            <pre className="max-h-72 overflow-auto whitespace-pre-wrap border-t border-slate-100 px-3 py-2 font-mono text-xs text-slate-800">
              {step.text}
            </pre>
          </details>
        </li>
      ))}
    </ol>
  );
}

/** Everything known of one node in the run: state, error, streamed text, output, inputs, steps and logs. */
export function NodeRunDrawer({
  nodeId,
  label,
  nodeType,
  state,
  run,
  journal,
  now,
  onClose,
}: {
  nodeId: string;
  label: string;
  nodeType: string;
  state: NodeState;
  run: NodeRun | undefined;
  journal: NodeJournal | undefined;
  now: number;
  onClose: () => void;
}) {
  const titleId = `node-drawer-${nodeId}`;
  const steps = journal?.steps ?? [];
  const logs = journal?.logs ?? [];
  return (
    <aside
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
      className="flex max-h-full w-[28rem] shrink-0 flex-col overflow-y-auto border-l border-slate-200 bg-white"
    >
      <div className="flex items-start justify-between gap-3 px-5 py-4">
        <div className="min-w-0">
          <h2 id={titleId} className="truncate text-lg font-semibold">
            {label}
          </h2>
          <p className="text-xs text-slate-500">
            {nodeType} · <span className="font-mono">{nodeId}</span>
          </p>
        </div>
        <Button look="quiet" aria-label="Close node details" onClick={onClose}>
          ✕
        </Button>
      </div>
      <div className="px-5 pb-4">
        <StatusBadge state={state} />
        {run?.retrying === true && <span className="ml-2 text-xs text-amber-700">Retrying</span>}
        {run?.reused === true && <p className="mt-2 text-xs text-slate-600">Reused from the run this one retries.</p>}
        <dl className="mt-3 grid grid-cols-3 gap-3">
          <Figure label="Attempts" value={String(run?.attempts ?? 0)} />
          <Figure label="Duration" value={formatDuration(elapsed(run?.startedAt ?? null, run?.finishedAt ?? null, now))} />
          <Figure label="Started" value={formatTime(run?.startedAt)} />
          <Figure label="Tokens in" value={String(run?.tokensIn ?? 0)} />
          <Figure label="Tokens out" value={String(run?.tokensOut ?? 0)} />
          <Figure label="Cost" value={formatCost(run?.cost)} />
          {run?.modelCalls !== null && run?.modelCalls !== undefined && (
            <Figure label="Model calls" value={String(run.modelCalls)} />
          )}
        </dl>
      </div>
      {run?.error !== null && run?.error !== undefined && (
        <Section title={state === "skipped" ? "Why it was skipped" : "Error"}>
          <p
            role={state === "failed" ? "alert" : undefined}
            className={`whitespace-pre-wrap rounded-md p-3 text-sm ${state === "skipped" ? "bg-amber-50 text-amber-900" : "bg-red-50 text-red-800"}`}
          >
            {run.error}
          </p>
        </Section>
      )}
      {state === "running" && (
        <Section title="Streaming">
          <p aria-label="Streamed text" className="whitespace-pre-wrap rounded-md bg-sky-50 p-3 font-mono text-xs text-slate-800">
            {journal?.streamed === undefined || journal.streamed === "" ? "Waiting for the first tokens…" : journal.streamed}
          </p>
        </Section>
      )}
      {state === "succeeded" && run !== undefined && (
        <Section title="Output">
          <OutputView value={run.output} />
        </Section>
      )}
      {run !== undefined && Object.keys(run.inputs).length > 0 && (
        <Section title="Inputs">
          <JsonBlock value={run.inputs} label="Inputs" />
        </Section>
      )}
      {steps.length > 0 && (
        <Section title={`Agent steps (${String(steps.length)})`}>
          <AgentSteps steps={steps} />
        </Section>
      )}
      {logs.length > 0 && (
        <Section title="Logs">
          <ol aria-label="Logs" className="space-y-1 font-mono text-xs">
            {logs.map((line) => (
              <li key={line.id} className={line.tone === "error" ? "text-red-700" : "text-slate-700"}>
                <time className="mr-2 text-slate-400" dateTime={line.at}>
                  {new Date(line.at).toLocaleTimeString()}
                </time>
                {line.message}
              </li>
            ))}
          </ol>
        </Section>
      )}
      {run !== undefined && Object.keys(run.details).length > 0 && (
        <Section title="Details">
          <JsonBlock value={run.details} label="Details" />
        </Section>
      )}
      {run === undefined && (
        <Section title="Not started">
          <p className="text-sm text-slate-600">
            {state === "queued" ? "This node runs once the nodes before it are done." : "This node did not run."}
          </p>
        </Section>
      )}
    </aside>
  );
}
