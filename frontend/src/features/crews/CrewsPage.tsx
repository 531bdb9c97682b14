import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { ButtonLink, ItemLink } from "../../ui/ButtonLink";
import { useCursorPages } from "../../ui/CursorPages";
import { ResourceListPage } from "../../ui/ResourceListPage";
import type { Column } from "../../ui/ResourceTable";
import { useListPage } from "../../ui/useListPage";

type Crew = Schemas["CrewOut"];

const columns: Column<Crew>[] = [
  { header: "Name", cell: (crew) => <ItemLink to={`/crews/${crew.id}`}>{crew.name}</ItemLink> },
  { header: "Process", cell: (crew) => crew.process },
  { header: "Agents", cell: (crew) => crew.agent_ids.length, className: "w-20 text-right" },
  { header: "Tasks", cell: (crew) => crew.tasks.length, className: "w-20 text-right" },
  {
    header: "Inputs",
    cell: (crew) =>
      crew.inputs.map((input) => (
        <code key={input} className="mr-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs">
          {input}
        </code>
      )),
  },
];

export function CrewsPage() {
  const pages = useCursorPages();
  const canWrite = useCan("crews", "write");
  const crews = useListPage(pages, queryKeys.crews.list, (query) =>
    unwrap(api.GET("/api/v1/crews", { params: { query: { sort: "name", ...query } } })),
  );
  const create = canWrite ? (
    <>
      <ButtonLink to="/crews/import">Import CrewAI project</ButtonLink>
      <ButtonLink to="/crews/new" look="primary">
        New crew
      </ButtonLink>
    </>
  ) : undefined;
  return (
    <ResourceListPage
      id="crews-title"
      title="Crews"
      plural="crews"
      pages={pages}
      list={crews}
      columns={columns}
      actions={create}
      emptyTitle="No crews yet"
      emptyText={
        canWrite
          ? "A crew puts agents to work on ordered tasks. Create one from your agents, or import a CrewAI project."
          : "A crew puts agents to work on ordered tasks; members and admins of this workspace create them."
      }
      emptyAction={create}
    />
  );
}
