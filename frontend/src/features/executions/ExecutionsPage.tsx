import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { Button, ErrorMessage, focusRing, SelectField, TextField } from "../../ui/controls";
import { PageControls, useCursorPages } from "../../ui/CursorPages";
import { EmptyState } from "../../ui/EmptyState";
import { PageHeader } from "../../ui/PageHeader";
import {
  filtersFromParams,
  hasFilters,
  listQuery,
  paramsFromFilters,
  RUN_STATUSES,
  type ExecutionFilters,
} from "./executionFilters";
import { elapsed, formatCost, formatDuration, formatTime } from "./figures";
import { RunButton } from "./RunDialog";
import { SETTLED_STATUSES } from "./runState";
import { STATE_LOOKS, StatusBadge } from "./StatusBadge";
import { flowChoicesQuery } from "./flowQueries";
import { useNow } from "./useNow";

const PAGE_SIZE = 25;
// While a listed run has not settled, the list asks again this often so statuses move on by themselves.
const UNSETTLED_REFRESH_MS = 3000;

/** Ids begin with their creation time, so runs of one minute share a beginning: the end tells them apart. */
const shortId = (id: string) => id.slice(-8);

function useFlowNames() {
  const flows = useQuery(flowChoicesQuery);
  return flows.data?.items ?? [];
}

function Filters({ filters, flows, onChange }: { filters: ExecutionFilters; flows: readonly Schemas["FlowSummary"][]; onChange: (filters: ExecutionFilters) => void }) {
  return (
    <form role="search" aria-label="Filter runs" className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-5" onSubmit={(event) => { event.preventDefault(); }}>
      <SelectField
        label="Status"
        value={filters.status ?? ""}
        onChange={(event) => {
          onChange({ ...filters, status: RUN_STATUSES.find((status) => status === event.target.value) ?? null });
        }}
        choices={[{ value: "", label: "Any status" }, ...RUN_STATUSES.map((status) => ({ value: status, label: STATE_LOOKS[status].label }))]}
      />
      <SelectField
        label="Flow"
        value={filters.flowId ?? ""}
        onChange={(event) => {
          onChange({ ...filters, flowId: event.target.value || null });
        }}
        choices={[{ value: "", label: "Any flow" }, ...flows.map((flow) => ({ value: flow.id, label: flow.name }))]}
      />
      <TextField
        label="From"
        type="datetime-local"
        value={filters.from ?? ""}
        onChange={(event) => {
          onChange({ ...filters, from: event.target.value || null });
        }}
      />
      <TextField
        label="To"
        type="datetime-local"
        value={filters.to ?? ""}
        onChange={(event) => {
          onChange({ ...filters, to: event.target.value || null });
        }}
      />
      <div className="flex items-end">
        <Button
          disabled={!hasFilters(filters)}
          onClick={() => {
            onChange({ status: null, flowId: null, from: null, to: null });
          }}
        >
          Clear filters
        </Button>
      </div>
    </form>
  );
}

function ExecutionRows({ filters, flows }: { filters: ExecutionFilters; flows: readonly Schemas["FlowSummary"][] }) {
  const pages = useCursorPages();
  const query = listQuery(filters);
  const executions = useQuery({
    queryKey: queryKeys.executions.list({ ...query, cursor: pages.cursor }),
    queryFn: () =>
      unwrap(api.GET("/api/v1/executions", { params: { query: { ...query, cursor: pages.cursor, limit: PAGE_SIZE } } })),
    placeholderData: keepPreviousData,
    refetchInterval: (current) =>
      current.state.data?.items.some((execution) => !SETTLED_STATUSES.has(execution.status)) === true
        ? UNSETTLED_REFRESH_MS
        : false,
  });
  const items = executions.data?.items ?? [];
  const now = useNow(items.some((execution) => !SETTLED_STATUSES.has(execution.status)));
  const flowNames = new Map(flows.map((flow) => [flow.id, flow.name]));
  if (executions.isPending) return <p role="status">Loading runs…</p>;
  if (executions.error !== null) return <ErrorMessage message={executions.error.message} />;
  if (items.length === 0) {
    return hasFilters(filters) ? (
      <EmptyState title="No run matches these filters">Widen the time range, or clear the filters to see every run.</EmptyState>
    ) : (
      <EmptyState title="No runs yet" action={<RunButton label="Run a flow" />}>
        Runs appear here as soon as a flow starts, from the editor, the API or this page.
      </EmptyState>
    );
  }
  return (
    <>
      <table className="w-full overflow-hidden rounded-xl bg-white text-left text-sm shadow">
        <thead className="bg-slate-100 text-slate-700">
          <tr>
            <th scope="col" className="px-4 py-2">Run</th>
            <th scope="col" className="px-4 py-2">Status</th>
            <th scope="col" className="px-4 py-2">Flow</th>
            <th scope="col" className="px-4 py-2">Started</th>
            <th scope="col" className="px-4 py-2 text-right">Duration</th>
            <th scope="col" className="px-4 py-2 text-right">Cost</th>
          </tr>
        </thead>
        <tbody>
          {items.map((execution) => (
            <tr key={execution.id} className="border-t border-slate-100 hover:bg-slate-50">
              <td className="px-4 py-2">
                <Link
                  to={`/executions/${execution.id}`}
                  aria-label={`Open run ${shortId(execution.id)}`}
                  title={execution.id}
                  className={`font-mono text-indigo-700 hover:underline ${focusRing}`}
                >
                  {shortId(execution.id)}
                </Link>
              </td>
              <td className="px-4 py-2">
                <StatusBadge state={execution.status} />
              </td>
              <td className="px-4 py-2">
                {execution.flow_id === null
                  ? `A ${execution.kind} on its own`
                  : (flowNames.get(execution.flow_id) ?? "A deleted or unlisted flow")}
              </td>
              <td className="px-4 py-2">{formatTime(execution.started_at ?? execution.created_at)}</td>
              <td className="px-4 py-2 text-right tabular-nums">
                {formatDuration(execution.duration_ms ?? elapsed(execution.started_at ?? null, execution.finished_at ?? null, now))}
              </td>
              <td className="px-4 py-2 text-right tabular-nums">
                {SETTLED_STATUSES.has(execution.status) ? formatCost(execution.cost) : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <PageControls pages={pages} nextCursor={executions.data.next_cursor} />
    </>
  );
}

/** `/executions`: every run of the workspace, newest first, filtered by status, flow and time. */
export function ExecutionsPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const flows = useFlowNames();
  const filterKey = paramsFromFilters(filters).toString();
  return (
    <section aria-labelledby="executions-title">
      <PageHeader id="executions-title" title="Executions" actions={<RunButton label="New run" />} />
      <Filters
        filters={filters}
        flows={flows}
        onChange={(next) => {
          setParams(paramsFromFilters(next), { replace: true });
        }}
      />
      {/* Keyed by the filters: other filters start again at the first page. */}
      <ExecutionRows key={filterKey} filters={filters} flows={flows} />
    </section>
  );
}
