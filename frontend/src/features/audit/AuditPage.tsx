import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { ErrorMessage } from "../../ui/controls";
import { PageControls, useCursorPages } from "../../ui/CursorPages";
import { EmptyState } from "../../ui/EmptyState";
import { NotAllowed } from "../../ui/NotAllowed";
import { PageHeader } from "../../ui/PageHeader";
import { LoadingNote } from "../../ui/StatusNotes";
import { useApiKeyNames } from "../apikeys/useApiKeyNames";
import { useMemberNames } from "../members/useMemberNames";
import { AuditFilterBar } from "./AuditFilterBar";
import { auditQuery, filtersFromSearch, filtersToSearch, hasFilters, type AuditFilters } from "./auditFilters";
import { AuditRow } from "./AuditRow";
import type { Names } from "./describeEvent";

const PAGE_SIZE = 50;

/** One filtered listing; it is remounted when the filters change, so paging starts again at the newest. */
function AuditEvents({ filters, names }: { filters: AuditFilters; names: Names }) {
  const pages = useCursorPages();
  const query = auditQuery(filters);
  const events = useQuery({
    queryKey: queryKeys.audit.list({ ...query, cursor: pages.cursor }),
    queryFn: () =>
      unwrap(api.GET("/api/v1/audit", { params: { query: { ...query, limit: PAGE_SIZE, cursor: pages.cursor } } })),
    placeholderData: keepPreviousData,
  });
  const items = events.data?.items ?? [];
  return (
    <>
      <ErrorMessage message={events.error?.message} />
      {events.isPending && <LoadingNote>Loading the audit log…</LoadingNote>}
      {events.data !== undefined && items.length === 0 && (
        <EmptyState title={hasFilters(filters) ? "No event matches these filters" : "Nothing recorded yet"}>
          {hasFilters(filters)
            ? "Widen the time range or clear a filter."
            : "Changes to members, keys, providers, agents, crews, tools and flows appear here as they happen."}
        </EmptyState>
      )}
      {items.length > 0 && (
        <ol aria-label="Audit events" className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm">
          {items.map((event) => (
            <AuditRow key={event.id} event={event} names={names} />
          ))}
        </ol>
      )}
      <PageControls pages={pages} nextCursor={events.data?.next_cursor} />
    </>
  );
}

function AuditLog() {
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(search);
  const members = useMemberNames();
  const apiKeys = useApiKeyNames();
  const actors = [
    ...Array.from(members, ([id, name]) => ({ value: id, label: name })),
    ...Array.from(apiKeys, ([id, name]) => ({ value: id, label: `API key “${name}”` })),
  ];
  return (
    <>
      <AuditFilterBar
        filters={filters}
        actors={actors}
        onChange={(next) => {
          setSearch(filtersToSearch(next), { replace: true });
        }}
      />
      <AuditEvents key={filtersToSearch(filters).toString()} filters={filters} names={{ members, apiKeys }} />
    </>
  );
}

export function AuditPage() {
  const canRead = useCan("audit", "read");
  return (
    <section aria-labelledby="audit-title">
      <PageHeader id="audit-title" title="Audit log" />
      {canRead ? (
        <>
          <p className="-mt-4 mb-6 text-sm text-slate-600">
            Who changed what in this workspace, newest first. Filters stay in the address, so a view can be shared.
          </p>
          <AuditLog />
        </>
      ) : (
        <NotAllowed title="Only admins read the audit log">
          Your role in this workspace cannot see the audit log. Ask an admin what changed.
        </NotAllowed>
      )}
    </section>
  );
}
