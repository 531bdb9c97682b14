/** The audit log's filters as the page's address holds them, and as the API's query takes them. */
export interface AuditFilters {
  actor: string;
  action: string;
  resource: string;
  /** Local date-time text from a datetime-local field, e.g. "2025-03-01T09:30". */
  since: string;
  until: string;
}

const FILTER_NAMES = ["actor", "action", "resource", "since", "until"] as const;

export const noFilters: AuditFilters = { actor: "", action: "", resource: "", since: "", until: "" };

export function filtersFromSearch(search: URLSearchParams): AuditFilters {
  const filters = { ...noFilters };
  for (const name of FILTER_NAMES) filters[name] = search.get(name) ?? "";
  return filters;
}

/** The address's query for these filters; empty ones are left out so links stay short. */
export function filtersToSearch(filters: AuditFilters): URLSearchParams {
  const search = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name] !== "") search.set(name, filters[name]);
  return search;
}

export function hasFilters(filters: AuditFilters): boolean {
  return FILTER_NAMES.some((name) => filters[name] !== "");
}

/** A local date-time as an ISO instant, or null when blank or not a date. */
export function localTimeToIso(local: string): string | null {
  if (local === "") return null;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

export interface AuditQuery {
  actor_id: string | null;
  action: string | null;
  resource_type: string | null;
  since: string | null;
  until: string | null;
}

export function auditQuery(filters: AuditFilters): AuditQuery {
  return {
    actor_id: filters.actor || null,
    action: filters.action || null,
    resource_type: filters.resource || null,
    since: localTimeToIso(filters.since),
    until: localTimeToIso(filters.until),
  };
}
