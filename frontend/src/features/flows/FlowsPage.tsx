import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { ItemLink } from "../../ui/ButtonLink";
import { ConfirmButton } from "../../ui/ConfirmButton";
import { ErrorMessage } from "../../ui/controls";
import { useCursorPages } from "../../ui/CursorPages";
import { RelativeTime } from "../../ui/RelativeTime";
import { ResourceListPage } from "../../ui/ResourceListPage";
import type { Column } from "../../ui/ResourceTable";
import { useListPage } from "../../ui/useListPage";
import { NewFlowButton } from "./NewFlowDialog";

type Flow = Schemas["FlowSummary"];

function DeleteFlow({ flow }: { flow: Flow }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/flows/{flow_id}", { params: { path: { flow_id: flow.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.flows.all }),
  });
  return (
    <div className="flex flex-col items-end gap-1">
      <ConfirmButton
        look="quiet"
        label={<span className="text-red-700">Delete</span>}
        title={`Delete “${flow.name}”?`}
        question="The flow and all its versions are deleted. Past runs keep their records."
        confirmLabel="Delete flow"
        busy={remove.isPending}
        onConfirm={() => {
          remove.mutate();
        }}
      />
      <ErrorMessage message={remove.error?.message} />
    </div>
  );
}

function versionText(flow: Flow): string {
  return flow.latest_version === 0 ? "Not saved yet" : `v${String(flow.latest_version)}`;
}

export function FlowsPage() {
  const pages = useCursorPages();
  const canWrite = useCan("flows", "write");
  const canDelete = useCan("flows", "delete");
  const flows = useListPage(pages, queryKeys.flows.list, (query) =>
    unwrap(api.GET("/api/v1/flows", { params: { query } })),
  );
  const columns: Column<Flow>[] = [
    {
      header: "Name",
      cell: (flow) => (
        <>
          <ItemLink to={`/flows/${flow.id}`}>{flow.name}</ItemLink>
          {flow.description !== "" && (
            <span className="line-clamp-1 block text-xs font-normal text-slate-500">{flow.description}</span>
          )}
        </>
      ),
    },
    { header: "Latest", cell: versionText, className: "w-28" },
    {
      header: "Published",
      cell: (flow) => (flow.published_version === null ? "—" : `v${String(flow.published_version)}`),
      className: "w-28",
    },
    { header: "Updated", cell: (flow) => <RelativeTime iso={flow.updated_at} />, className: "w-36" },
    ...(canDelete
      ? [{ header: "Actions", cell: (flow: Flow) => <DeleteFlow flow={flow} />, className: "w-32 text-right" }]
      : []),
  ];
  const newFlow = canWrite ? <NewFlowButton /> : undefined;
  return (
    <ResourceListPage
      id="flows-title"
      title="Flows"
      plural="flows"
      pages={pages}
      list={flows}
      columns={columns}
      actions={newFlow}
      emptyTitle="No flows yet"
      emptyText={
        canWrite
          ? "A flow wires inputs, model calls, agents, crews, tools and branches into one workflow you can run and chat with. Create one and build it on the canvas."
          : "A flow wires model calls, agents and crews into one workflow; members and admins of this workspace build them."
      }
      emptyAction={newFlow}
    />
  );
}
