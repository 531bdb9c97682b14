import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type SubmitEvent } from "react";
import { api } from "../../api/client";
import { fieldError, unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { ErrorMessage, TextField } from "../../ui/controls";
import { DialogFooter, DialogOutcome } from "../../ui/DialogParts";
import { Icon } from "../../ui/icons";
import { Modal } from "../../ui/Modal";
import { SecretReveal } from "../../ui/SecretReveal";
import { RoleField } from "../members/RoleField";
import type { Role } from "../members/roles";

function CreateKeyForm({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>("member");
  const create = useMutation({
    mutationFn: (name: string) => unwrap(api.POST("/api/v1/api-keys", { body: { name, role } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
    },
  });
  if (create.data !== undefined) {
    return (
      <DialogOutcome onDone={onClose}>
        <SecretReveal
          label={`API key “${create.data.name}”`}
          value={create.data.key}
          copyLabel="Copy API key"
          warning="Store this key somewhere safe now: it will not be shown again. If it is lost, revoke it and create another."
        />
        <div className="rounded-lg bg-slate-900 px-4 py-3 font-mono text-xs leading-relaxed text-slate-100">
          <p className="text-slate-400"># Call the API with it</p>
          <p className="break-all">
            curl -H &quot;Authorization: Bearer {create.data.prefix}_…&quot; {window.location.origin}/api/v1/me
          </p>
        </div>
      </DialogOutcome>
    );
  }
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = new FormData(event.currentTarget).get("name");
    create.mutate(typeof name === "string" ? name : "");
  };
  const nameError = fieldError(create.error, "name");
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <TextField
        label="Name"
        name="name"
        required
        autoFocus
        autoComplete="off"
        placeholder="e.g. CI pipeline"
        hint="Say where the key is used, so you know what breaks when you revoke it."
        error={nameError}
      />
      <RoleField
        value={role}
        onChange={setRole}
        hint="The key acts with this role in this workspace. Give it the least it needs."
        error={fieldError(create.error, "role")}
      />
      {create.error !== null && nameError === undefined && <ErrorMessage message={create.error.message} />}
      <DialogFooter onCancel={onClose} busy={create.isPending}>
        <Icon name="key" />
        Create key
      </DialogFooter>
    </form>
  );
}

/** Creates an API key; the whole key is shown once, with a copy button. */
export function CreateKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Create an API key"
      description="Scripts and services use a key instead of a password. It belongs to this workspace only."
    >
      <CreateKeyForm onClose={onClose} />
    </Modal>
  );
}
