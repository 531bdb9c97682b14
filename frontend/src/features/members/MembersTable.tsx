import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { useSession } from "../../auth/session";
import { ConfirmButton } from "../../ui/ConfirmButton";
import { ErrorMessage, focusRing } from "../../ui/controls";
import { PageControls, SearchBox, useCursorPages } from "../../ui/CursorPages";
import { EmptyState } from "../../ui/EmptyState";
import { Icon } from "../../ui/icons";
import { RelativeTime } from "../../ui/RelativeTime";
import { ResourceTable, type Column } from "../../ui/ResourceTable";
import { LoadingNote, SuccessNote } from "../../ui/StatusNotes";
import { Avatar } from "./Avatar";
import { RoleBadge } from "./RoleBadge";
import { isOnlyAdmin, isRole, roleChoices, roleLabel, type Role } from "./roles";

type Member = Schemas["MemberOut"];

const PAGE_SIZE = 50;

function matches(member: Member, search: string): boolean {
  const needle = search.trim().toLowerCase();
  return needle === "" || `${member.display_name} ${member.email}`.toLowerCase().includes(needle);
}

function memberName(member: Member): string {
  return member.display_name || member.email;
}

function RoleSelect({ member, disabled, onChange }: { member: Member; disabled: boolean; onChange: (role: Role) => void }) {
  return (
    <select
      aria-label={`Role for ${memberName(member)}`}
      value={member.role}
      disabled={disabled}
      onChange={(event) => {
        if (isRole(event.target.value)) onChange(event.target.value);
      }}
      className={`rounded-md border border-slate-300 bg-white py-1 pr-8 pl-2 text-sm disabled:bg-slate-100 disabled:text-slate-500 ${focusRing}`}
    >
      {roleChoices().map((choice) => (
        <option key={choice.value} value={choice.value}>
          {choice.label}
        </option>
      ))}
    </select>
  );
}

/** The workspace's members; admins change roles and remove members here. */
export function MembersTable() {
  const pages = useCursorPages();
  const queryClient = useQueryClient();
  const canManage = useCan("members", "write");
  const myId = useSession((state) => state.identity?.user?.id);
  const [saved, setSaved] = useState<string | null>(null);
  const members = useQuery({
    queryKey: queryKeys.members.list({ cursor: pages.cursor }),
    queryFn: () => unwrap(api.GET("/api/v1/members", { params: { query: { limit: PAGE_SIZE, cursor: pages.cursor } } })),
    placeholderData: keepPreviousData,
  });
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.members.all });
    void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
  };
  const changeRole = useMutation({
    mutationFn: ({ member, role }: { member: Member; role: Role }) =>
      unwrap(api.PATCH("/api/v1/members/{user_id}", { params: { path: { user_id: member.user_id } }, body: { role } })),
    onMutate: () => {
      setSaved(null);
    },
    onSuccess: (member) => {
      setSaved(`${memberName(member)} is now ${roleLabel(member.role).toLowerCase()}.`);
      changed();
    },
  });
  const remove = useMutation({
    mutationFn: (member: Member) =>
      unwrap(api.DELETE("/api/v1/members/{user_id}", { params: { path: { user_id: member.user_id } } })),
    onMutate: () => {
      setSaved(null);
    },
    onSuccess: (_, member) => {
      setSaved(`${memberName(member)} was removed from the workspace.`);
      changed();
    },
  });
  const everyone = members.data?.items ?? [];
  const shown = everyone.filter((member) => matches(member, pages.search)).map((member) => ({ ...member, id: member.user_id }));
  const locked = (member: Member) => member.user_id === myId || isOnlyAdmin(everyone, member.user_id);
  const columns: Column<Member & { id: string }>[] = [
    {
      header: "Member",
      cell: (member) => (
        <div className="flex items-center gap-3">
          <Avatar name={member.display_name} email={member.email} />
          <div className="min-w-0">
            <p className="truncate font-medium text-slate-900">
              {memberName(member)}
              {member.user_id === myId && <span className="ml-2 text-xs font-normal text-slate-500">(you)</span>}
            </p>
            <p className="truncate font-normal text-slate-500">{member.email}</p>
          </div>
        </div>
      ),
    },
    {
      header: "Role",
      cell: (member) =>
        canManage ? (
          <RoleSelect
            member={member}
            disabled={locked(member) || changeRole.isPending}
            onChange={(role) => {
              changeRole.mutate({ member, role });
            }}
          />
        ) : (
          <RoleBadge role={member.role} />
        ),
    },
    { header: "Joined", cell: (member) => <RelativeTime iso={member.joined_at} /> },
  ];
  if (canManage) {
    columns.push({
      header: "Actions",
      className: "text-right",
      cell: (member) =>
        !locked(member) && (
          <ConfirmButton
            look="quiet"
            label={
              <>
                <Icon name="trash" />
                Remove<span className="sr-only"> {memberName(member)}</span>
              </>
            }
            title={`Remove ${memberName(member)}?`}
            question="They lose access to this workspace at once. What they built stays."
            confirmLabel="Remove member"
            busy={remove.isPending && remove.variables.user_id === member.user_id}
            onConfirm={() => {
              remove.mutate(member);
            }}
          />
        ),
    });
  }
  return (
    <section aria-labelledby="members-list-title" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
          <h2 id="members-list-title" className="text-base font-semibold">
            People
          </h2>
          <SuccessNote message={saved} />
        </div>
        <SearchBox label="Filter members" pages={pages} />
      </div>
      <ErrorMessage message={changeRole.error?.message ?? remove.error?.message ?? members.error?.message} />
      {members.isPending && <LoadingNote>Loading members…</LoadingNote>}
      {members.data !== undefined && shown.length === 0 && (
        <EmptyState title="No member matches">Try part of a name or an email address.</EmptyState>
      )}
      {shown.length > 0 && <ResourceTable caption="Members" items={shown} columns={columns} />}
      {canManage && (
        <p className="text-xs text-slate-500">
          You cannot change your own role or remove yourself, and a workspace always keeps one admin.
        </p>
      )}
      <PageControls pages={pages} nextCursor={members.data?.next_cursor} />
    </section>
  );
}
