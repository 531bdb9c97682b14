import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { ConfirmButton } from "../../ui/ConfirmButton";
import { ErrorMessage } from "../../ui/controls";
import { PageControls, useCursorPages } from "../../ui/CursorPages";
import { EmptyState } from "../../ui/EmptyState";
import { RelativeTime } from "../../ui/RelativeTime";
import { ResourceTable, type Column } from "../../ui/ResourceTable";
import { LoadingNote } from "../../ui/StatusNotes";
import { RoleBadge } from "./RoleBadge";

type Invitation = Schemas["InvitationOut"];

/** Invitations not yet accepted; an admin revokes one so its link stops working. */
export function InvitationsSection() {
  const pages = useCursorPages();
  const queryClient = useQueryClient();
  const invitations = useQuery({
    queryKey: queryKeys.invitations.list({ cursor: pages.cursor }),
    queryFn: () =>
      unwrap(api.GET("/api/v1/invitations", { params: { query: { limit: 25, cursor: pages.cursor } } })),
    placeholderData: keepPreviousData,
  });
  const revoke = useMutation({
    mutationFn: (invitation: Invitation) =>
      unwrap(api.DELETE("/api/v1/invitations/{invitation_id}", { params: { path: { invitation_id: invitation.id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.invitations.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
    },
  });
  const items = invitations.data?.items ?? [];
  const columns: Column<Invitation>[] = [
    { header: "Email", cell: (invitation) => invitation.email },
    { header: "Role", cell: (invitation) => <RoleBadge role={invitation.role} /> },
    { header: "Invited", cell: (invitation) => <RelativeTime iso={invitation.created_at} /> },
    { header: "Expires", cell: (invitation) => <RelativeTime iso={invitation.expires_at} /> },
    {
      header: "Actions",
      className: "text-right",
      cell: (invitation) => (
        <ConfirmButton
          look="quiet"
          label={
            <>
              Revoke<span className="sr-only"> the invitation for {invitation.email}</span>
            </>
          }
          title={`Revoke the invitation for ${invitation.email}?`}
          question="Its link stops working at once. You can invite them again later."
          confirmLabel="Revoke invitation"
          busy={revoke.isPending && revoke.variables.id === invitation.id}
          onConfirm={() => {
            revoke.mutate(invitation);
          }}
        />
      ),
    },
  ];
  return (
    <section aria-labelledby="invitations-title" className="space-y-3">
      <h2 id="invitations-title" className="text-base font-semibold">
        Pending invitations
      </h2>
      <ErrorMessage message={revoke.error?.message ?? invitations.error?.message} />
      {invitations.isPending && <LoadingNote>Loading invitations…</LoadingNote>}
      {invitations.data !== undefined && items.length === 0 && (
        <EmptyState title="No pending invitations">
          Invite teammates by email; each gets a single-use link and joins with the role you pick.
        </EmptyState>
      )}
      {items.length > 0 && <ResourceTable caption="Pending invitations" items={items} columns={columns} />}
      <PageControls pages={pages} nextCursor={invitations.data?.next_cursor} />
    </section>
  );
}
