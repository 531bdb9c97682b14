import { useState } from "react";
import { useCan } from "../../auth/permissions";
import { Button } from "../../ui/controls";
import { Icon } from "../../ui/icons";
import { PageHeader } from "../../ui/PageHeader";
import { InvitationsSection } from "./InvitationsSection";
import { InviteDialog } from "./InviteDialog";
import { MembersTable } from "./MembersTable";

export function MembersPage() {
  const canInvite = useCan("invitations", "write");
  const canSeeInvitations = useCan("invitations", "read");
  const [inviting, setInviting] = useState(false);
  return (
    <section aria-labelledby="members-title" className="space-y-8">
      <div>
        <PageHeader
          id="members-title"
          title="Members"
          actions={
            canInvite ? (
              <Button
                look="primary"
                onClick={() => {
                  setInviting(true);
                }}
              >
                <Icon name="plus" />
                Invite member
              </Button>
            ) : undefined
          }
        />
        <p className="-mt-4 text-sm text-slate-600">
          Everyone in this workspace and what their role lets them do: admins manage the workspace, members build
          and run, viewers read.
        </p>
      </div>
      <MembersTable />
      {canSeeInvitations && <InvitationsSection />}
      <InviteDialog
        open={inviting}
        onClose={() => {
          setInviting(false);
        }}
      />
    </section>
  );
}
