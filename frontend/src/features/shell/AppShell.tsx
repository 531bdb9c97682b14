import { Suspense, useId, useState, type MouseEvent } from "react";
import { Link, Outlet } from "react-router";
import { useSession } from "../../auth/session";
import { Button, focusRing } from "../../ui/controls";
import { Icon } from "../../ui/icons";
import { Sidebar } from "./Sidebar";
import { TenantSwitcher } from "./TenantSwitcher";
import { UserMenu } from "./UserMenu";

const MAIN_ID = "main-content";

function skipToContent(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  document.getElementById(MAIN_ID)?.focus();
}

function Logo() {
  return (
    <Link to="/" className={`flex items-center gap-2 rounded-md ${focusRing}`}>
      <span aria-hidden="true" className="grid size-7 place-items-center rounded-lg bg-gradient-to-br from-indigo-600 to-violet-600 text-white shadow-sm">
        <Icon name="flow" className="size-4" />
      </span>
      <span className="hidden text-[15px] font-bold tracking-tight text-slate-900 sm:inline">Crewloom</span>
    </Link>
  );
}

function ShellLayout() {
  const [navigationOpen, setNavigationOpen] = useState(false);
  const navigationId = useId();
  const closeNavigation = () => {
    setNavigationOpen(false);
  };
  return (
    <div className="min-h-screen bg-slate-50 text-slate-900">
      <a
        href={`#${MAIN_ID}`}
        onClick={skipToContent}
        className="sr-only z-[60] rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b border-slate-200 bg-white/90 px-3 backdrop-blur sm:px-4">
        <Button
          look="quiet"
          className="px-2 lg:hidden"
          aria-label={navigationOpen ? "Close navigation" : "Open navigation"}
          aria-expanded={navigationOpen}
          aria-controls={navigationId}
          onClick={() => {
            setNavigationOpen(!navigationOpen);
          }}
        >
          <Icon name={navigationOpen ? "close" : "menu"} className="size-5" />
        </Button>
        <Logo />
        <span aria-hidden="true" className="text-slate-300">
          /
        </span>
        <TenantSwitcher />
        <div className="ml-auto shrink-0">
          <UserMenu />
        </div>
      </header>
      <div className="flex">
        {navigationOpen && (
          <div aria-hidden="true" onClick={closeNavigation} className="fixed inset-x-0 top-14 bottom-0 z-40 bg-slate-900/30 lg:hidden" />
        )}
        <Sidebar id={navigationId} open={navigationOpen} onClose={closeNavigation} />
        <main id={MAIN_ID} tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 focus:outline-none sm:px-8 sm:py-8">
          <Suspense
            fallback={
              <p role="status" className="text-sm text-slate-500">
                Loading…
              </p>
            }
          >
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}

/** The signed-in frame around every page. Switching workspace remounts it, so no page keeps the old
 * workspace's state. */
export function AppShell() {
  const tenantId = useSession((state) => state.identity?.tenant.id);
  return <ShellLayout key={tenantId} />;
}
