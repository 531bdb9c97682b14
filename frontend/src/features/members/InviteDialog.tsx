import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type SubmitEvent } from "react";
import { api } from "../../api/client";
import { fieldError, unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { ErrorMessage, TextField } from "../../ui/controls";
import { formatRelative } from "../../ui/dates";
import { DialogFooter, DialogOutcome } from "../../ui/DialogParts";
import { Icon } from "../../ui/icons";
import { Modal } from "../../ui/Modal";
import { SecretReveal } from "../../ui/SecretReveal";
import { invitationLink } from "./invitationLink";
import { RoleField } from "./RoleField";
import type { Role } from "./roles";

function InviteForm({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>("member");
  const invite = useMutation({
    mutationFn: (email: string) => unwrap(api.POST("/api/v1/invitations", { body: { email, role } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.invitations.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
    },
  });
  if (invite.data !== undefined) {
    const created = invite.data;
    return (
      <DialogOutcome onDone={onClose}>
        <p className="flex items-center gap-2 text-sm text-slate-700">
          <Icon name="check" className="size-4 text-emerald-600" />
          <span>
            Invitation for <strong>{created.email}</strong> created. Send them this link; it works once and
            expires {formatRelative(created.expires_at)}.
          </span>
        </p>
        <SecretReveal
          label="Invitation link"
          value={invitationLink(window.location.origin, created.token)}
          copyLabel="Copy invitation link"
          warning="This link is shown only now. If it is lost, revoke the invitation and invite again."
        />
      </DialogOutcome>
    );
  }
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = new FormData(event.currentTarget).get("email");
    invite.mutate(typeof email === "string" ? email : "");
  };
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="off"
        required
        autoFocus
        error={fieldError(invite.error, "email")}
      />
      <RoleField value={role} onChange={setRole} error={fieldError(invite.error, "role")} />
      {invite.error !== null && fieldError(invite.error, "email") === undefined && (
        <ErrorMessage message={invite.error.message} />
      )}
      <DialogFooter onCancel={onClose} busy={invite.isPending}>
        <Icon name="mail" />
        Create invitation
      </DialogFooter>
    </form>
  );
}

/** Invites someone by email with a role; the link to send them is shown once. */
export function InviteDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Invite a teammate"
      description="They join with the role you choose; you can change it later."
    >
      <InviteForm onClose={onClose} />
    </Modal>
  );
}
