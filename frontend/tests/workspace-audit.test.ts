import { describe, expect, it } from "vitest";
import type { Schemas } from "../src/api/client";
import {
  auditQuery,
  filtersFromSearch,
  filtersToSearch,
  hasFilters,
  localTimeToIso,
  noFilters,
} from "../src/features/audit/auditFilters";
import { actionLabel, actorName, describeEvent, resourceLabel, type Names } from "../src/features/audit/describeEvent";

const names: Names = {
  members: new Map([
    ["u-ada", "Ada"],
    ["u-bob", "Bob"],
  ]),
  apiKeys: new Map([["k-ci", "CI"]]),
};

function event(action: string, resourceType: string, detail: Record<string, unknown>, extra: Partial<Schemas["AuditEventOut"]> = {}) {
  return {
    id: "e1",
    created_at: "2025-06-01T12:00:00Z",
    actor_id: "u-ada",
    actor_kind: "user",
    action,
    resource_type: resourceType,
    resource_id: "u-bob",
    detail,
    client_address: "127.0.0.1",
    ...extra,
  };
}

describe("audit filters", () => {
  it("round-trips through the address and leaves empty filters out", () => {
    const filters = { ...noFilters, action: "api_key.create", since: "2025-06-01T09:30" };
    const search = filtersToSearch(filters);
    expect(search.toString()).toBe("action=api_key.create&since=2025-06-01T09%3A30");
    expect(filtersFromSearch(search)).toEqual(filters);
    expect(hasFilters(filters)).toBe(true);
    expect(hasFilters(filtersFromSearch(new URLSearchParams()))).toBe(false);
  });

  it("sends the API instants for local times and null for what is not filtered", () => {
    const local = "2025-06-01T09:30";
    const query = auditQuery({ ...noFilters, actor: "u-ada", resource: "member", since: local });
    expect(query).toEqual({
      actor_id: "u-ada",
      action: null,
      resource_type: "member",
      since: new Date(local).toISOString(),
      until: null,
    });
  });

  it("ignores a time that is not one", () => {
    expect(localTimeToIso("")).toBeNull();
    expect(localTimeToIso("not a time")).toBeNull();
  });
});

describe("audit events read as sentences", () => {
  it.each([
    [event("invitation.create", "invitation", { email: "c@example.com", role: "viewer" }), "invited c@example.com as viewer"],
    [event("member.role_change", "member", { from: "viewer", to: "member" }), "changed the role of Bob from viewer to member"],
    [event("member.remove", "member", { role: "viewer" }, { resource_id: "u-gone" }), "removed a former member (viewer) from the workspace"],
    [event("api_key.create", "api_key", { name: "CI", role: "member", prefix: "cl_x" }), "created API key “CI” with the member role"],
    [event("api_key.revoke", "api_key", { name: "CI", prefix: "cl_x" }), "revoked API key “CI”"],
    [event("tenant.rename", "tenant", { from: "Old", to: "New" }), "renamed the workspace from “Old” to “New”"],
    [event("provider.create", "llm_provider", { name: "Mock", type: "mock" }), "created LLM provider “Mock”"],
    [event("flow.publish", "flow", { number: 3, previous: 2 }), "published version 3 of a flow"],
    [event("flow.update", "flow", { description: "x" }), "updated a flow"],
    [event("widget.frobnicate", "widget_thing", {}), "frobnicate a widget thing"],
  ])("%#: %s", (audited, sentence) => {
    expect(describeEvent(audited, names)).toBe(sentence);
  });

  it("names the actor: a member, an API key, someone gone, or the system", () => {
    expect(actorName(event("x.y", "flow", {}), names)).toBe("Ada");
    expect(actorName(event("x.y", "flow", {}, { actor_kind: "api_key", actor_id: "k-ci" }), names)).toBe("API key “CI”");
    expect(actorName(event("x.y", "flow", {}, { actor_kind: "api_key", actor_id: "k-old" }), names)).toBe("An API key");
    expect(actorName(event("x.y", "flow", {}, { actor_id: "u-gone" }), names)).toBe("A former member");
    expect(actorName(event("x.y", "flow", {}, { actor_id: null }), names)).toBe("The system");
  });

  it("labels actions and resources for the filters", () => {
    expect(actionLabel("api_key.create")).toBe("API key: create");
    expect(actionLabel("provider.key_change")).toBe("LLM provider: key change");
    expect(resourceLabel("tenant")).toBe("Workspace");
  });
});
