import { useState, type SubmitEvent } from "react";
import { fieldError } from "../../api/problems";
import { useSession } from "../../auth/session";
import { Button, ErrorMessage, TextField } from "../../ui/controls";
import { Icon } from "../../ui/icons";
import { Modal } from "../../ui/Modal";
import { useMe } from "../shell/useMe";
import { useDeleteWorkspace } from "./deleteWorkspace";
import { SettingsCard } from "./SettingsCard";

function DeleteForm({ name, onCancel }: { name: string; onCancel: () => void }) {
  const tenantId = useSession((state) => state.identity?.tenant.id);
  const me = useMe();
  const otherWorkspace = me.data?.memberships.find((membership) => membership.tenant_id !== tenantId);
  const remove = useDeleteWorkspace(otherWorkspace);
  const [typed, setTyped] = useState("");
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    remove.mutate(typed);
  };
  const confirmError = fieldError(remove.error, "confirm");
  return (
    <form onSubmit={submit} className="space-y-4">
      <p className="text-sm text-slate-700">
        Every flow, agent, crew, tool, provider, run, chat and audit event of <strong>{name}</strong> is deleted for good,
        and every member loses access. This cannot be undone.
      </p>
      <p className="text-sm text-slate-700">
        {otherWorkspace === undefined
          ? "It is your only workspace, so you will be signed out."
          : `You will continue in ${otherWorkspace.tenant_name}.`}
      </p>
      <TextField
        label={`Type “${name}” to confirm`}
        value={typed}
        autoComplete="off"
        spellCheck={false}
        error={confirmError}
        onChange={(event) => {
          setTyped(event.target.value);
        }}
      />
      {remove.error !== null && confirmError === undefined && <ErrorMessage message={remove.error.message} />}
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" look="danger" busy={remove.isPending} disabled={typed !== name}>
          <Icon name="trash" />
          Delete this workspace
        </Button>
      </div>
    </form>
  );
}

/** Deleting the workspace, behind a confirmation that asks for its exact name. */
export function DangerZone() {
  const name = useSession((state) => state.identity?.tenant.name ?? "");
  const [confirming, setConfirming] = useState(false);
  const close = () => {
    setConfirming(false);
  };
  return (
    <SettingsCard id="danger-zone" title="Danger zone" description="Actions here cannot be undone." danger>
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div className="text-sm">
          <p className="font-medium text-slate-900">Delete this workspace</p>
          <p className="text-slate-600">Removes all of its data and every member&apos;s access.</p>
        </div>
        <Button
          look="danger"
          onClick={() => {
            setConfirming(true);
          }}
        >
          Delete workspace…
        </Button>
      </div>
      <Modal open={confirming} onClose={close} title={`Delete ${name}?`}>
        <DeleteForm name={name} onCancel={close} />
      </Modal>
    </SettingsCard>
  );
}
