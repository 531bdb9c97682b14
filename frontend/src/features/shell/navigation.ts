import type { Action, Resource } from "../../auth/permissions";

/** The sections of the sidebar, in the order a user meets the product: build, run, then manage the workspace. */
export const navigationGroups = ["Build", "Run", "Workspace"] as const;
export type NavigationGroup = (typeof navigationGroups)[number];

export interface NavigationItem {
  to: string;
  label: string;
  group: NavigationGroup;
  /** Hidden from roles the API would refuse this permission. */
  requires?: { resource: Resource; action: Action };
}

export const navigation: readonly NavigationItem[] = [
  { to: "/flows", label: "Flows", group: "Build" },
  { to: "/agents", label: "Agents", group: "Build" },
  { to: "/crews", label: "Crews", group: "Build" },
  { to: "/tools", label: "Tools", group: "Build" },
  { to: "/executions", label: "Executions", group: "Run" },
  { to: "/chat", label: "Chat", group: "Run" },
  { to: "/members", label: "Members", group: "Workspace" },
  { to: "/api-keys", label: "API keys", group: "Workspace", requires: { resource: "api_keys", action: "read" } },
  { to: "/providers", label: "LLM providers", group: "Workspace" },
  { to: "/audit", label: "Audit log", group: "Workspace", requires: { resource: "audit", action: "read" } },
  { to: "/settings", label: "Settings", group: "Workspace" },
];
