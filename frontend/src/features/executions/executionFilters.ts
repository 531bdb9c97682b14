import type { RunStatus } from "./runState";

/** The executions list's filters, kept in the address's query so that a reload or a shared link shows the same
 * list. Times are the values of datetime-local inputs (the viewer's local time). */
export interface ExecutionFilters {
  status: RunStatus | null;
  flowId: string | null;
  from: string | null;
  to: string | null;
}

export const RUN_STATUSES: readonly RunStatus[] = ["queued", "running", "succeeded", "failed", "cancelled"];

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function localTime(value: string | null): string | null {
  return value !== null && LOCAL_TIME.test(value) && !Number.isNaN(new Date(value).getTime()) ? value : null;
}

/** The filters of an address; values the API would refuse are ignored rather than shown as an error. */
export function filtersFromParams(params: URLSearchParams): ExecutionFilters {
  const status = params.get("status");
  const flowId = params.get("flow");
  return {
    status: RUN_STATUSES.find((candidate) => candidate === status) ?? null,
    flowId: flowId !== null && UUID.test(flowId) ? flowId : null,
    from: localTime(params.get("from")),
    to: localTime(params.get("to")),
  };
}

export function paramsFromFilters(filters: ExecutionFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status !== null) params.set("status", filters.status);
  if (filters.flowId !== null) params.set("flow", filters.flowId);
  if (filters.from !== null) params.set("from", filters.from);
  if (filters.to !== null) params.set("to", filters.to);
  return params;
}

export function hasFilters(filters: ExecutionFilters): boolean {
  return Object.values(filters).some((value) => value !== null);
}

/** The list API's query for these filters: local times as instants. */
export function listQuery(filters: ExecutionFilters) {
  return {
    status: filters.status,
    flow_id: filters.flowId,
    since: filters.from === null ? null : new Date(filters.from).toISOString(),
    until: filters.to === null ? null : new Date(filters.to).toISOString(),
  };
}
