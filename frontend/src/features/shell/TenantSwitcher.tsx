import { useSession } from "../../auth/session";
import { ErrorMessage } from "../../ui/controls";
import { Icon } from "../../ui/icons";
import { Menu, MenuItem, MenuSection } from "../../ui/Menu";
import { RoleBadge } from "../members/RoleBadge";
import { useSwitchWorkspace } from "./enterWorkspace";
import { useMe } from "./useMe";

function WorkspaceMark({ name }: { name: string }) {
  return (
    <span
      aria-hidden="true"
      data-initial={name.trim().charAt(0).toUpperCase() || "?"}
      className="inline-flex size-6 shrink-0 items-center justify-center rounded-md bg-slate-900 text-xs font-semibold text-white before:content-[attr(data-initial)]"
    />
  );
}

/** The current workspace, and a menu to move to another of the user's workspaces without leaving the page. */
export function TenantSwitcher() {
  const identity = useSession((state) => state.identity);
  const me = useMe();
  const switchWorkspace = useSwitchWorkspace();
  if (identity === null) return null;
  const memberships = me.data?.memberships ?? [];
  return (
    <div className="flex min-w-0 items-center gap-2">
      <Menu
        label={`Workspace: ${identity.tenant.name}`}
        align="start"
        onOpen={() => void me.refetch()}
        triggerClassName="flex min-w-0 items-center gap-2 rounded-lg px-2 py-1.5 text-sm font-semibold text-slate-900 hover:bg-slate-100"
        trigger={
          <>
            <WorkspaceMark name={identity.tenant.name} />
            <span className="truncate">{identity.tenant.name}</span>
            <Icon name="chevronDown" className="size-4 text-slate-500" />
          </>
        }
      >
        <MenuSection>Your workspaces</MenuSection>
        {me.isPending && <p className="px-2.5 py-2 text-sm text-slate-500">Loading…</p>}
        {memberships.map((membership) => {
          const current = membership.tenant_id === identity.tenant.id;
          return (
            <MenuItem
              key={membership.tenant_id}
              checked={current}
              onSelect={() => {
                if (!current) switchWorkspace.mutate(membership.tenant_id);
              }}
            >
              <WorkspaceMark name={membership.tenant_name} />
              <span className="min-w-0 flex-1 truncate font-medium">{membership.tenant_name}</span>
              <RoleBadge role={membership.role} />
              <Icon name="check" className={`size-4 text-indigo-600 ${current ? "" : "invisible"}`} />
            </MenuItem>
          );
        })}
        {memberships.length === 1 && (
          <p className="px-2.5 pt-1 pb-2 text-xs text-slate-500">
            Workspaces you are invited to appear here once you accept the invitation.
          </p>
        )}
      </Menu>
      <span className="hidden sm:inline-flex">
        <RoleBadge role={identity.role} />
      </span>
      {switchWorkspace.isPending && (
        <span role="status" className="text-xs text-slate-500">
          Switching…
        </span>
      )}
      {switchWorkspace.error !== null && (
        <div className="absolute top-14 left-4 z-40">
          <ErrorMessage message={`Could not switch workspace: ${switchWorkspace.error.message}`} />
        </div>
      )}
    </div>
  );
}
