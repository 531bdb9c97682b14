import { useSession } from "../../auth/session";
import { formatDateTime } from "../../ui/dates";
import { Avatar } from "../members/Avatar";
import { RoleBadge } from "../members/RoleBadge";
import { SettingsCard } from "./SettingsCard";

/** The signed-in account as the API knows it. */
export function ProfileSection() {
  const identity = useSession((state) => state.identity);
  const user = identity?.user ?? null;
  return (
    <SettingsCard id="profile" title="Your profile" description="Your account is shared by every workspace you belong to.">
      {user === null || identity === null ? (
        <p className="text-sm text-slate-600">This session is an API key, which has no profile.</p>
      ) : (
        <div className="flex flex-wrap items-start gap-5">
          <Avatar name={user.display_name} email={user.email} />
          <dl className="grid flex-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-500">Name</dt>
            <dd className="font-medium">{user.display_name || "—"}</dd>
            <dt className="text-slate-500">Email</dt>
            <dd>{user.email}</dd>
            <dt className="text-slate-500">Role here</dt>
            <dd>
              <RoleBadge role={identity.role} />
            </dd>
            <dt className="text-slate-500">Member since</dt>
            <dd>{formatDateTime(user.created_at)}</dd>
          </dl>
        </div>
      )}
    </SettingsCard>
  );
}
