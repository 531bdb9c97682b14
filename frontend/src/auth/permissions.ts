import type { Schemas } from "../api/client";
import { useSession } from "./session";

type Role = Schemas["Role"];
export type Resource =
  | "tenant"
  | "members"
  | "invitations"
  | "api_keys"
  | "audit"
  | "llm_providers"
  | "agents"
  | "crews"
  | "tools"
  | "flows"
  | "executions"
  | "chat";
export type Action = "read" | "write" | "delete" | "execute";

const everyone: readonly Role[] = ["admin", "member", "viewer"];
const admins: readonly Role[] = ["admin"];
const editors: readonly Role[] = ["admin", "member"];
const adminOnly: readonly Resource[] = ["invitations", "api_keys"];
const authoring: readonly Resource[] = ["agents", "crews", "tools", "flows", "chat"];

/** The API's permission matrix (backend/src/crewloom/auth/permissions.py), so the UI hides what a role may not do. */
export function rolesFor(resource: Resource, action: Action): readonly Role[] {
  if (adminOnly.includes(resource)) return action === "execute" ? [] : admins;
  // The audit trail is written by the API itself; admins only read it.
  if (resource === "audit") return action === "read" ? admins : [];
  if (authoring.includes(resource)) return action === "read" ? everyone : editors;
  if (resource === "executions") return action === "read" ? everyone : action === "execute" ? editors : [];
  if (resource === "llm_providers") return action === "read" ? everyone : action === "execute" ? editors : admins;
  return action === "read" ? everyone : action === "execute" ? [] : admins;
}

export function isAllowed(role: Role | undefined, resource: Resource, action: Action): boolean {
  return role !== undefined && rolesFor(resource, action).includes(role);
}

/** Whether the signed-in member's role may do this; use it to hide or disable controls. */
export function useCan(resource: Resource, action: Action): boolean {
  const role = useSession((state) => state.identity?.role);
  return isAllowed(role, resource, action);
}
