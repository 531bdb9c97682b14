import { useEffect } from "react";
import { Navigate, Outlet, useLocation } from "react-router";
import { resumeSession, useSession } from "../../auth/session";

/** Shows its routes to a signed-in user; resumes the tab's session first, else sends to log in. */
export function RequireSession() {
  const status = useSession((state) => state.status);
  const location = useLocation();
  useEffect(() => {
    if (status === "unknown") void resumeSession();
  }, [status]);
  if (status === "unknown") {
    return (
      <p role="status" className="p-8 text-slate-600">
        Loading…
      </p>
    );
  }
  if (status === "signed-out") {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <Outlet />;
}
