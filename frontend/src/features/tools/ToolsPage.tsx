import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { ButtonLink, ItemLink } from "../../ui/ButtonLink";
import { useCursorPages } from "../../ui/CursorPages";
import { ResourceListPage } from "../../ui/ResourceListPage";
import type { Column } from "../../ui/ResourceTable";
import { useListPage } from "../../ui/useListPage";
import { toolKindLabels } from "./toolForm";

type Tool = Schemas["ToolOut"];

const columns: Column<Tool>[] = [
  { header: "Name", cell: (tool) => <ItemLink to={`/tools/${tool.id}`}>{tool.name}</ItemLink> },
  { header: "Kind", cell: (tool) => toolKindLabels[tool.type] },
  { header: "Description", cell: (tool) => <span className="line-clamp-2">{tool.description}</span> },
  {
    header: "Secrets",
    cell: (tool) =>
      tool.secret_names.length === 0 ? (
        <span className="text-slate-400">none</span>
      ) : (
        tool.secret_names.map((name) => (
          <code key={name} className="mr-1 text-xs">
            {name}
          </code>
        ))
      ),
  },
];

export function ToolsPage() {
  const pages = useCursorPages();
  const canWrite = useCan("tools", "write");
  const tools = useListPage(pages, queryKeys.tools.list, (query) =>
    unwrap(api.GET("/api/v1/tools", { params: { query: { sort: "name", ...query } } })),
  );
  const newTool = canWrite ? (
    <ButtonLink to="/tools/new" look="primary">
      New tool
    </ButtonLink>
  ) : undefined;
  return (
    <ResourceListPage
      id="tools-title"
      title="Tools"
      plural="tools"
      pages={pages}
      list={tools}
      columns={columns}
      actions={newTool}
      emptyTitle="No tools yet"
      emptyText={
        canWrite
          ? "Tools give agents abilities: a built-in CrewAI tool, an HTTP API, your own Python run in a sandbox, a Docker image or an MCP server."
          : "Tools give agents abilities; members and admins of this workspace create them."
      }
      emptyAction={newTool}
    />
  );
}
