import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { ConfirmButton } from "../../ui/ConfirmButton";
import { Button, ErrorMessage } from "../../ui/controls";
import { PageControls, useCursorPages } from "../../ui/CursorPages";
import { EmptyState } from "../../ui/EmptyState";
import { Icon } from "../../ui/icons";
import { NotAllowed } from "../../ui/NotAllowed";
import { PageHeader } from "../../ui/PageHeader";
import { RelativeTime } from "../../ui/RelativeTime";
import { ResourceTable, type Column } from "../../ui/ResourceTable";
import { LoadingNote } from "../../ui/StatusNotes";
import { RoleBadge } from "../members/RoleBadge";
import { useMemberNames } from "../members/useMemberNames";
import { CreateKeyDialog } from "./CreateKeyDialog";

type ApiKey = Schemas["ApiKeyOut"];

function KeyStatus({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.revoked_at !== null) {
    return (
      <span className="inline-flex items-center gap-1.5 text-slate-500">
        <Icon name="close" className="size-3.5" />
        Revoked <RelativeTime iso={apiKey.revoked_at} />
      </span>
    );
  }
  return (
    <span className="inline-flex items-center gap-1.5 text-emerald-700">
      <Icon name="check" className="size-3.5" />
      Active
    </span>
  );
}

function KeysTable({ keys, onRevoke, revoking }: { keys: ApiKey[]; onRevoke: (key: ApiKey) => void; revoking: string | null }) {
  const names = useMemberNames();
  const columns: Column<ApiKey>[] = [
    {
      header: "Name",
      cell: (apiKey) => <span className={apiKey.revoked_at === null ? "" : "text-slate-500 line-through"}>{apiKey.name}</span>,
    },
    {
      header: "Key",
      cell: (apiKey) => (
        <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">{apiKey.prefix}_…</code>
      ),
    },
    { header: "Role", cell: (apiKey) => <RoleBadge role={apiKey.role} /> },
    {
      header: "Created",
      cell: (apiKey) => (
        <>
          <RelativeTime iso={apiKey.created_at} />
          {apiKey.created_by !== null && (
            <span className="block text-xs text-slate-500">by {names.get(apiKey.created_by) ?? "a former member"}</span>
          )}
        </>
      ),
    },
    {
      header: "Last used",
      cell: (apiKey) => (apiKey.last_used_at === null ? "Never" : <RelativeTime iso={apiKey.last_used_at} />),
    },
    { header: "Status", cell: (apiKey) => <KeyStatus apiKey={apiKey} /> },
    {
      header: "Actions",
      className: "text-right",
      cell: (apiKey) =>
        apiKey.revoked_at === null && (
          <ConfirmButton
            look="quiet"
            label={
              <>
                Revoke<span className="sr-only"> {apiKey.name}</span>
              </>
            }
            title={`Revoke “${apiKey.name}”?`}
            question="Anything still using this key is refused from now on. Revoking cannot be undone."
            confirmLabel="Revoke key"
            busy={revoking === apiKey.id}
            onConfirm={() => {
              onRevoke(apiKey);
            }}
          />
        ),
    },
  ];
  return <ResourceTable caption="API keys" items={keys} columns={columns} />;
}

function ApiKeys() {
  const pages = useCursorPages();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const keys = useQuery({
    queryKey: queryKeys.apiKeys.list({ cursor: pages.cursor }),
    queryFn: () => unwrap(api.GET("/api/v1/api-keys", { params: { query: { limit: 25, cursor: pages.cursor } } })),
    placeholderData: keepPreviousData,
  });
  const revoke = useMutation({
    mutationFn: (apiKey: ApiKey) =>
      unwrap(api.DELETE("/api/v1/api-keys/{key_id}", { params: { path: { key_id: apiKey.id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
    },
  });
  const startCreating = () => {
    setCreating(true);
  };
  const items = keys.data?.items ?? [];
  return (
    <>
      <PageHeader
        id="api-keys-title"
        title="API keys"
        actions={
          <Button look="primary" onClick={startCreating}>
            <Icon name="plus" />
            Create API key
          </Button>
        }
      />
      <p className="-mt-4 mb-6 text-sm text-slate-600">
        Keys let scripts and services call the API as this workspace, with the role you give them. Send one as{" "}
        <code className="rounded bg-slate-100 px-1 font-mono text-xs">Authorization: Bearer cl_…</code>.
      </p>
      <ErrorMessage message={revoke.error?.message ?? keys.error?.message} />
      {keys.isPending && <LoadingNote>Loading API keys…</LoadingNote>}
      {keys.data !== undefined && items.length === 0 && (
        <EmptyState
          title="No API keys yet"
          action={
            <Button look="primary" onClick={startCreating}>
              Create your first key
            </Button>
          }
        >
          Create a key for each script or service that calls Crewloom, so you can revoke one without breaking the others.
        </EmptyState>
      )}
      {items.length > 0 && (
        <KeysTable keys={items} onRevoke={revoke.mutate} revoking={revoke.isPending ? revoke.variables.id : null} />
      )}
      <PageControls pages={pages} nextCursor={keys.data?.next_cursor} />
      <CreateKeyDialog
        open={creating}
        onClose={() => {
          setCreating(false);
        }}
      />
    </>
  );
}

export function ApiKeysPage() {
  const canRead = useCan("api_keys", "read");
  return (
    <section aria-labelledby="api-keys-title">
      {canRead ? (
        <ApiKeys />
      ) : (
        <>
          <PageHeader id="api-keys-title" title="API keys" />
          <NotAllowed title="Only admins manage API keys">
            Your role in this workspace cannot see or create API keys. Ask an admin if a script needs one.
          </NotAllowed>
        </>
      )}
    </section>
  );
}
