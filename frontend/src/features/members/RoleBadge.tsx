import { roleLabel, type Role } from "./roles";

const looks: Record<Role, string> = {
  admin: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  member: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  viewer: "bg-slate-100 text-slate-700 ring-slate-200",
};

export function RoleBadge({ role }: { role: Role }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${looks[role]}`}>
      {roleLabel(role)}
    </span>
  );
}
