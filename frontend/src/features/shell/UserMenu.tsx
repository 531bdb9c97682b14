import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { signOut, useSession } from "../../auth/session";
import { Button } from "../../ui/controls";
import { Icon } from "../../ui/icons";
import { Menu, MenuDivider, MenuLink, MenuSection } from "../../ui/Menu";
import { Avatar } from "../members/Avatar";
import { roleLabel } from "../members/roles";

/** Who is signed in, where their profile lives, and signing out. */
export function UserMenu() {
  const identity = useSession((state) => state.identity);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  if (identity === null) return null;
  const user = identity.user;
  const name = user?.display_name || user?.email || "API key";
  const leave = async () => {
    await signOut();
    queryClient.clear();
    await navigate("/login", { replace: true });
  };
  return (
    <div className="flex items-center gap-1">
      <Menu
        label="Your account"
        triggerClassName="flex items-center gap-2.5 rounded-lg px-1.5 py-1 text-left hover:bg-slate-100"
        trigger={
          <>
            <Avatar name={user?.display_name ?? ""} email={user?.email ?? "?"} size="sm" />
            <span className="hidden min-w-0 leading-tight md:block">
              <span className="block max-w-60 truncate text-sm font-medium text-slate-900">{name}</span>
              <span className="block max-w-60 truncate text-xs text-slate-500">{user?.email}</span>
            </span>
            <Icon name="chevronDown" className="hidden size-4 text-slate-500 md:block" />
          </>
        }
      >
        <MenuSection>
          Signed in as <span className="font-semibold text-slate-700">{user?.email ?? name}</span>
          <span className="mt-0.5 block font-normal">
            {roleLabel(identity.role)} in {identity.tenant.name}
          </span>
        </MenuSection>
        <MenuDivider />
        <MenuLink to="/settings#profile">
          <Icon name="users" className="size-4 text-slate-500" />
          Your profile
        </MenuLink>
        <MenuLink to="/settings">
          <Icon name="sliders" className="size-4 text-slate-500" />
          Settings
        </MenuLink>
      </Menu>
      <Button look="quiet" onClick={() => void leave()} aria-label="Sign out" title="Sign out" className="px-2">
        <Icon name="signOut" />
        <span className="hidden xl:inline">Sign out</span>
      </Button>
    </div>
  );
}
