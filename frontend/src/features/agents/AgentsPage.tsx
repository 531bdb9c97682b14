import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { ButtonLink, ItemLink } from "../../ui/ButtonLink";
import { useCursorPages } from "../../ui/CursorPages";
import { ResourceListPage } from "../../ui/ResourceListPage";
import type { Column } from "../../ui/ResourceTable";
import { useListPage } from "../../ui/useListPage";
import { useProviderChoices } from "../../ui/useWorkspaceChoices";

type Agent = Schemas["AgentOut"];

export function AgentsPage() {
  const pages = useCursorPages();
  const canWrite = useCan("agents", "write");
  const providers = useProviderChoices();
  const agents = useListPage(pages, queryKeys.agents.list, (query) =>
    unwrap(api.GET("/api/v1/agents", { params: { query: { sort: "name", ...query } } })),
  );
  const providerName = (id: string) => providers.data?.find((provider) => provider.id === id)?.name;
  const columns: Column<Agent>[] = [
    { header: "Name", cell: (agent) => <ItemLink to={`/agents/${agent.id}`}>{agent.name}</ItemLink> },
    { header: "Role", cell: (agent) => <span className="line-clamp-2">{agent.role}</span> },
    {
      header: "Model",
      cell: (agent) => (
        <>
          <code className="text-xs">{agent.model}</code>
          <span className="block text-xs text-slate-500">{providerName(agent.provider_id)}</span>
        </>
      ),
    },
    { header: "Tools", cell: (agent) => agent.tool_ids.length, className: "w-20 text-right" },
  ];
  const newAgent = canWrite ? (
    <ButtonLink to="/agents/new" look="primary">
      New agent
    </ButtonLink>
  ) : undefined;
  return (
    <ResourceListPage
      id="agents-title"
      title="Agents"
      plural="agents"
      pages={pages}
      list={agents}
      columns={columns}
      actions={newAgent}
      emptyTitle="No agents yet"
      emptyText={
        canWrite
          ? "An agent is a role with a goal, a model and tools; create one, then put it to work in a crew or a flow."
          : "An agent is a role with a goal, a model and tools; members and admins of this workspace create them."
      }
      emptyAction={newAgent}
    />
  );
}
