import { NavLink } from "react-router";
import { useSession } from "../../auth/session";
import { focusRing } from "../../ui/controls";
import { Icon, type IconName } from "../../ui/icons";
import { navigation } from "./navigation";
import { sidebarSections } from "./sidebarSections";

const icons: Record<string, IconName> = {
  "/flows": "flow",
  "/agents": "bot",
  "/crews": "layers",
  "/tools": "wrench",
  "/executions": "activity",
  "/chat": "chat",
  "/members": "users",
  "/api-keys": "key",
  "/providers": "chip",
  "/audit": "list",
  "/settings": "sliders",
};

/** The main navigation by section, showing only what the member's role may use. On small screens it is a
 * drawer the header's menu button opens. */
export function Sidebar({ id, open, onClose }: { id: string; open: boolean; onClose: () => void }) {
  const role = useSession((state) => state.identity?.role);
  return (
    <nav
      id={id}
      aria-label="Main"
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
      className={`${open ? "fixed top-14 bottom-0 left-0 z-50 w-72 shadow-2xl" : "hidden"} overflow-y-auto border-r border-slate-200 bg-white px-3 py-4 lg:sticky lg:top-14 lg:bottom-auto lg:z-auto lg:block lg:h-[calc(100vh-3.5rem)] lg:w-60 lg:shrink-0 lg:shadow-none`}
    >
      {sidebarSections(navigation, role).map((section) => (
        <div key={section.group} className="mb-5">
          <h2 className="px-3 pb-1.5 text-[11px] font-semibold tracking-wider text-slate-400 uppercase">
            {section.group}
          </h2>
          <ul className="space-y-0.5">
            {section.items.map((item) => (
              <li key={item.to}>
                <NavLink
                  to={item.to}
                  onClick={onClose}
                  className={({ isActive }) =>
                    `group flex items-center gap-2.5 rounded-lg px-3 py-2 text-sm font-medium transition-colors ${isActive ? "bg-indigo-50 text-indigo-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"} ${focusRing}`
                  }
                >
                  <Icon name={icons[item.to] ?? "dot"} className="size-4 opacity-80" />
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}
