import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isAllowed, rolesFor, type Action, type Resource } from "../src/auth/permissions";

type Role = "admin" | "member" | "viewer";

const A: readonly Role[] = ["admin"];
const E: readonly Role[] = ["admin", "member"];
const ALL: readonly Role[] = ["admin", "member", "viewer"];
const NONE: readonly Role[] = [];

/** backend/src/crewloom/auth/permissions.py's MATRIX, written out: read, write, delete, execute. */
const matrix: Record<Resource, [read: readonly Role[], write: readonly Role[], del: readonly Role[], execute: readonly Role[]]> = {
  tenant: [ALL, A, A, NONE],
  members: [ALL, A, A, NONE],
  invitations: [A, A, A, NONE],
  api_keys: [A, A, A, NONE],
  audit: [A, NONE, NONE, NONE],
  llm_providers: [ALL, A, A, E],
  executions: [ALL, NONE, NONE, E],
  agents: [ALL, E, E, E],
  crews: [ALL, E, E, E],
  tools: [ALL, E, E, E],
  flows: [ALL, E, E, E],
  chat: [ALL, E, E, E],
};

const actions: readonly Action[] = ["read", "write", "delete", "execute"];
const roles: readonly Role[] = ["admin", "member", "viewer"];

const cases = Object.entries(matrix).flatMap(([resource, allowed]) =>
  actions.flatMap((action, index) =>
    roles.map((role) => ({ resource: resource as Resource, action, role, allowed: (allowed[index] ?? NONE).includes(role) })),
  ),
);

describe("the UI's permission matrix", () => {
  it.each(cases)("$role may $action $resource: $allowed", ({ resource, action, role, allowed }) => {
    expect(isAllowed(role, resource, action)).toBe(allowed);
  });

  it("lists the allowed roles in the API's order", () => {
    expect(rolesFor("flows", "write")).toEqual(["admin", "member"]);
    expect(rolesFor("audit", "read")).toEqual(["admin"]);
  });

  it("allows nothing to someone without a role", () => {
    expect(isAllowed(undefined, "agents", "read")).toBe(false);
  });

  it("covers every resource the API declares (the session one is each caller's own)", () => {
    const source = readFileSync(new URL("../../backend/src/crewloom/auth/permissions.py", import.meta.url), "utf8");
    const enumBody = /class Resource\(StrEnum\):\n([\s\S]*?)\n\n/.exec(source)?.[1] ?? "";
    const declared = Array.from(enumBody.matchAll(/^\s+(\w+) = "\w+"$/gm), (match) => match[1]);
    expect(declared.filter((name) => name !== "session").sort()).toEqual(Object.keys(matrix).sort());
  });
});
