import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { ErrorMessage } from "../../ui/controls";
import { PageControls, SearchBox, useCursorPages } from "../../ui/CursorPages";
import { EmptyState } from "../../ui/EmptyState";
import { PageHeader } from "../../ui/PageHeader";

export function AgentsPage() {
  const pages = useCursorPages();
  const agents = useQuery({
    queryKey: queryKeys.agents.list({ q: pages.search, cursor: pages.cursor }),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/agents", {
          params: { query: { sort: "name", q: pages.search || null, cursor: pages.cursor, limit: 25 } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <section aria-labelledby="agents-title">
      <PageHeader id="agents-title" title="Agents" actions={<SearchBox label="Search agents" pages={pages} />} />
      {agents.isPending && <p role="status">Loading agents…</p>}
      <ErrorMessage message={agents.error?.message} />
      {agents.data?.items.length === 0 && (
        <EmptyState title={pages.search ? "No agent matches" : "No agents yet"}>
          An agent is a role with a goal, a model and tools; crews and flows put agents to work.
        </EmptyState>
      )}
      {agents.data && agents.data.items.length > 0 && (
        <table className="w-full overflow-hidden rounded-xl bg-white text-left text-sm shadow">
          <thead className="bg-slate-100 text-slate-700">
            <tr>
              <th scope="col" className="px-4 py-2">Name</th>
              <th scope="col" className="px-4 py-2">Role</th>
              <th scope="col" className="px-4 py-2">Model</th>
            </tr>
          </thead>
          <tbody>
            {agents.data.items.map((agent) => (
              <tr key={agent.id} className="border-t border-slate-100">
                <td className="px-4 py-2 font-medium">{agent.name}</td>
                <td className="px-4 py-2">{agent.role}</td>
                <td className="px-4 py-2">{agent.model}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PageControls pages={pages} nextCursor={agents.data?.next_cursor} />
    </section>
  );
}
