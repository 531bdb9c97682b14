import { describe, expect, it } from "vitest";
import { invitationLink } from "../src/features/members/invitationLink";
import { initials, isOnlyAdmin, roleChoices } from "../src/features/members/roles";
import { navigation, type NavigationItem } from "../src/features/shell/navigation";
import { sidebarSections } from "../src/features/shell/sidebarSections";
import { formatRelative } from "../src/ui/dates";

describe("the sidebar", () => {
  const items: NavigationItem[] = [
    { to: "/members", label: "Members", group: "Workspace" },
    { to: "/flows", label: "Flows", group: "Build" },
    { to: "/audit", label: "Audit log", group: "Workspace", requires: { resource: "audit", action: "read" } },
    { to: "/chat", label: "Chat", group: "Run" },
    { to: "/api-keys", label: "API keys", group: "Workspace", requires: { resource: "api_keys", action: "read" } },
  ];
  const labels = (role: "admin" | "member" | "viewer" | undefined) =>
    sidebarSections(items, role).map((section) => [section.group, section.items.map((item) => item.label)]);

  it("orders sections build, run, workspace and keeps each section's order", () => {
    expect(labels("admin")).toEqual([
      ["Build", ["Flows"]],
      ["Run", ["Chat"]],
      ["Workspace", ["Members", "Audit log", "API keys"]],
    ]);
  });

  it("hides what a role may not use", () => {
    for (const role of ["member", "viewer"] as const) {
      expect(labels(role).at(-1)).toEqual(["Workspace", ["Members"]]);
    }
  });

  it("drops a section left empty", () => {
    const adminOnly: NavigationItem[] = [items[2] as NavigationItem, items[1] as NavigationItem];
    expect(sidebarSections(adminOnly, "viewer").map((section) => section.group)).toEqual(["Build"]);
  });

  it("shows no admin page of the real navigation to a viewer", () => {
    const shown = sidebarSections(navigation, "viewer").flatMap((section) => section.items.map((item) => item.to));
    expect(shown).toContain("/members");
    expect(shown).not.toContain("/api-keys");
    expect(shown).not.toContain("/audit");
  });
});

describe("members", () => {
  const members = [
    { user_id: "a", role: "admin" as const },
    { user_id: "b", role: "viewer" as const },
  ];

  it("knows the only admin, whom the API will not demote or remove", () => {
    expect(isOnlyAdmin(members, "a")).toBe(true);
    expect(isOnlyAdmin(members, "b")).toBe(false);
    expect(isOnlyAdmin([...members, { user_id: "c", role: "admin" }], "a")).toBe(false);
  });

  it("makes initials from the name, else the email", () => {
    expect(initials("Ada Lovelace King", "ada@example.com")).toBe("AL");
    expect(initials("  grace  ", "g@example.com")).toBe("G");
    expect(initials("", "bob@example.com")).toBe("B");
  });

  it("offers every role, optionally with what it may do", () => {
    expect(roleChoices().map((choice) => choice.label)).toEqual(["Admin", "Member", "Viewer"]);
    expect(roleChoices(true)[2]?.label).toMatch(/^Viewer — /);
  });

  it("builds an invitation link to this deployment's accept page with the token encoded", () => {
    expect(invitationLink("https://crewloom.example", "a+b/c=")).toBe(
      "https://crewloom.example/invitations/accept?token=a%2Bb%2Fc%3D",
    );
    const link = new URL(invitationLink("http://127.0.0.1:8000", "tok_en-1"));
    expect(link.pathname).toBe("/invitations/accept");
    expect(link.searchParams.get("token")).toBe("tok_en-1");
  });
});

describe("relative times", () => {
  const now = Date.parse("2025-06-01T12:00:00Z");
  const at = (offsetSeconds: number) => new Date(now + offsetSeconds * 1000).toISOString();

  it.each([
    [-10, "just now"],
    [-90, "2 minutes ago"],
    [-3 * 3600, "3 hours ago"],
    [-26 * 3600, "yesterday"],
    [3 * 24 * 3600, "in 3 days"],
    [-400 * 24 * 3600, "last year"],
  ])("%i seconds away reads %s", (offset, expected) => {
    expect(formatRelative(at(offset), now)).toBe(expected);
  });
});
