import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type SubmitEvent } from "react";
import { api } from "../../api/client";
import { fieldError, unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { useSession } from "../../auth/session";
import { Button, ErrorMessage, TextField } from "../../ui/controls";
import { formatDateTime } from "../../ui/dates";
import { LoadingNote, SuccessNote } from "../../ui/StatusNotes";
import { SettingsCard } from "./SettingsCard";

function renamedInSession(name: string): void {
  useSession.setState((state) =>
    state.identity === null ? state : { identity: { ...state.identity, tenant: { ...state.identity.tenant, name } } },
  );
}

/** The workspace's name (admins rename it) and the facts support asks for. */
export function WorkspaceSection() {
  const queryClient = useQueryClient();
  const canRename = useCan("tenant", "write");
  const [saved, setSaved] = useState(false);
  const tenant = useQuery({ queryKey: queryKeys.tenant, queryFn: () => unwrap(api.GET("/api/v1/tenant")) });
  const rename = useMutation({
    mutationFn: (name: string) => unwrap(api.PATCH("/api/v1/tenant", { body: { name } })),
    onMutate: () => {
      setSaved(false);
    },
    onSuccess: (renamed) => {
      setSaved(true);
      queryClient.setQueryData(queryKeys.tenant, renamed);
      renamedInSession(renamed.name);
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
    },
  });
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = new FormData(event.currentTarget).get("name");
    rename.mutate(typeof name === "string" ? name : "");
  };
  const nameError = fieldError(rename.error, "name");
  return (
    <SettingsCard id="workspace" title="Workspace" description="How this workspace is named for everyone in it.">
      {tenant.isPending && <LoadingNote>Loading the workspace…</LoadingNote>}
      <ErrorMessage message={tenant.error?.message} />
      {tenant.data !== undefined && (
        <div className="space-y-5">
          {canRename ? (
            <form onSubmit={submit} className="flex flex-wrap items-start gap-3" noValidate>
              <div className="min-w-64 flex-1">
                <TextField
                  label="Workspace name"
                  name="name"
                  defaultValue={tenant.data.name}
                  required
                  maxLength={200}
                  error={nameError}
                  onChange={() => {
                    setSaved(false);
                  }}
                />
              </div>
              <Button type="submit" look="primary" busy={rename.isPending} className="mt-6">
                Save
              </Button>
              <SuccessNote message={saved ? "Workspace renamed." : null} className="mt-7" />
            </form>
          ) : (
            <p className="text-sm">
              <span className="text-slate-500">Name: </span>
              <span className="font-medium">{tenant.data.name}</span>
              <span className="block text-xs text-slate-500">Only admins can rename the workspace.</span>
            </p>
          )}
          {rename.error !== null && nameError === undefined && <ErrorMessage message={rename.error.message} />}
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-500">Created</dt>
            <dd>{formatDateTime(tenant.data.created_at)}</dd>
            <dt className="text-slate-500">Workspace ID</dt>
            <dd className="font-mono text-xs break-all">{tenant.data.id}</dd>
            <dt className="text-slate-500">Data version</dt>
            <dd className="font-mono text-xs">{tenant.data.schema_version ?? "—"}</dd>
          </dl>
        </div>
      )}
    </SettingsCard>
  );
}
