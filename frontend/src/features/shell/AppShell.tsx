import { useQueryClient } from "@tanstack/react-query";
import { NavLink, Outlet, useNavigate } from "react-router";
import { signOut, useSession } from "../../auth/session";
import { focusRing } from "../../ui/controls";
import { navigation } from "./navigation";


export function AppShell() {
  const identity = useSession((state) => state.identity);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const leave = async () => {
    await signOut();
    queryClient.clear();
    await navigate("/login", { replace: true });
  };
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-6 py-3">
        <div className="flex items-center gap-6">
          <span className="text-lg font-bold">Crewloom</span>
          <span className="text-sm text-slate-600" aria-label="Workspace">
            {identity?.tenant.name}
          </span>
        </div>
        <div className="flex items-center gap-4 text-sm">
          <span className="text-slate-600">{identity?.user?.email}</span>
          <button
            type="button"
            onClick={() => void leave()}
            className={`rounded-md border border-slate-300 px-3 py-1.5 font-medium hover:bg-slate-100 ${focusRing}`}
          >
            Sign out
          </button>
        </div>
      </header>
      <div className="flex flex-1">
        <nav aria-label="Main" className="w-48 border-r border-slate-200 bg-white p-3">
          <ul className="space-y-1">
            {navigation.map((item) => (
              <li key={item.to}>
                <NavLink
                  to={item.to}
                  className={({ isActive }) =>
                    `block rounded-md px-3 py-2 text-sm font-medium ${isActive ? "bg-indigo-50 text-indigo-800" : "text-slate-700 hover:bg-slate-100"} ${focusRing}`
                  }
                >
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main className="flex-1 p-8">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
