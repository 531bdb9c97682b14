import type { Schemas } from "../../api/client";

export type Role = Schemas["Role"];

export const roles: readonly Role[] = ["admin", "member", "viewer"];

const roleLabels: Record<Role, string> = { admin: "Admin", member: "Member", viewer: "Viewer" };

const roleSummaries: Record<Role, string> = {
  admin: "Everything, including members, API keys, providers and the audit log",
  member: "Builds and runs flows, agents, crews and tools",
  viewer: "Reads everything, changes nothing",
};

export function roleLabel(role: Role): string {
  return roleLabels[role];
}

/** Choices for a role picker; `described` adds what each role may do. */
export function roleChoices(described = false): { value: Role; label: string }[] {
  return roles.map((role) => ({
    value: role,
    label: described ? `${roleLabels[role]} — ${roleSummaries[role]}` : roleLabels[role],
  }));
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** Whether this member is the workspace's only admin, whom the API will not demote or remove. */
export function isOnlyAdmin(members: readonly { user_id: string; role: Role }[], userId: string): boolean {
  const admins = members.filter((member) => member.role === "admin");
  return admins.length === 1 && admins[0]?.user_id === userId;
}

/** Up to two initials for an avatar, from the display name or else the email. */
export function initials(displayName: string, email: string): string {
  const words = displayName.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 0 ? words.slice(0, 2).map((word) => word[0] ?? "") : [email[0] ?? "?"];
  return letters.join("").toUpperCase();
}
