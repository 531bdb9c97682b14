import type { Schemas } from "../../api/client";

type AuditEvent = Schemas["AuditEventOut"];

/** Names of people and API keys by id, to show who acted and on whom. */
export interface Names {
  members: ReadonlyMap<string, string>;
  apiKeys: ReadonlyMap<string, string>;
}

const resourceNouns: Readonly<Record<string, string>> = {
  tenant: "workspace",
  member: "member",
  invitation: "invitation",
  api_key: "API key",
  llm_provider: "LLM provider",
  agent: "agent",
  crew: "crew",
  tool: "tool",
  flow: "flow",
};

/** The resource types the API records, for the resource filter. */
export const knownResourceTypes: readonly string[] = Object.keys(resourceNouns);

function resourceNoun(resourceType: string): string {
  return resourceNouns[resourceType] ?? resourceType.replaceAll("_", " ");
}

/** A resource type as a label: "API key", "Workspace". */
export function resourceLabel(resourceType: string): string {
  const noun = resourceNoun(resourceType);
  return noun.charAt(0).toUpperCase() + noun.slice(1);
}

/** The actions the API records, for the action filter. */
export const knownActions: readonly string[] = [
  "tenant.rename",
  "member.role_change",
  "member.remove",
  "invitation.create",
  "invitation.revoke",
  "invitation.accept",
  "api_key.create",
  "api_key.revoke",
  "provider.create",
  "provider.update",
  "provider.key_change",
  "provider.delete",
  "agent.create",
  "agent.update",
  "agent.delete",
  "crew.create",
  "crew.update",
  "crew.delete",
  "crew.import",
  "tool.create",
  "tool.update",
  "tool.delete",
  "flow.create",
  "flow.update",
  "flow.delete",
  "flow.save_version",
  "flow.restore",
  "flow.publish",
  "flow.import",
];

const pastTense: Readonly<Record<string, string>> = {
  create: "created",
  update: "updated",
  delete: "deleted",
  import: "imported",
  publish: "published",
  restore: "restored",
  rename: "renamed",
  revoke: "revoked",
  remove: "removed",
};

function text(detail: Record<string, unknown>, key: string): string | null {
  const value = detail[key];
  return typeof value === "string" || typeof value === "number" ? String(value) : null;
}

export function actorName(event: AuditEvent, names: Names): string {
  if (event.actor_id === null) return "The system";
  if (event.actor_kind === "api_key") {
    const key = names.apiKeys.get(event.actor_id);
    return key === undefined ? "An API key" : `API key “${key}”`;
  }
  return names.members.get(event.actor_id) ?? "A former member";
}

/** What happened, as the end of a sentence whose subject is the actor: "invited ada@example.com as viewer". */
export function describeEvent(event: AuditEvent, names: Names): string {
  const detail = event.detail;
  const name = text(detail, "name");
  const email = text(detail, "email");
  const role = text(detail, "role");
  const member = event.resource_id === null ? "a member" : (names.members.get(event.resource_id) ?? "a former member");
  switch (event.action) {
    case "tenant.rename":
      return `renamed the workspace from “${text(detail, "from") ?? "?"}” to “${text(detail, "to") ?? "?"}”`;
    case "member.role_change":
      return `changed the role of ${member} from ${text(detail, "from") ?? "?"} to ${text(detail, "to") ?? "?"}`;
    case "member.remove":
      return `removed ${member}${role === null ? "" : ` (${role})`} from the workspace`;
    case "invitation.create":
      return `invited ${email ?? "someone"}${role === null ? "" : ` as ${role}`}`;
    case "invitation.revoke":
      return `revoked the invitation for ${email ?? "someone"}`;
    case "invitation.accept":
      return `accepted an invitation${role === null ? "" : ` and joined as ${role}`}`;
    case "api_key.create":
      return `created API key “${name ?? "?"}”${role === null ? "" : ` with the ${role} role`}`;
    case "provider.key_change":
      return `changed the API key of an LLM provider (${text(detail, "change") ?? "changed"})`;
    case "flow.save_version":
      return `saved version ${text(detail, "number") ?? "?"} of a flow`;
    case "flow.restore":
      return `restored version ${text(detail, "restored") ?? "?"} of a flow as version ${text(detail, "number") ?? "?"}`;
    case "flow.publish":
      return `published version ${text(detail, "number") ?? "?"} of a flow`;
  }
  const verb = event.action.split(".").at(-1) ?? event.action;
  const done = pastTense[verb] ?? verb.replaceAll("_", " ");
  const noun = resourceNoun(event.resource_type);
  return name === null ? `${done} a ${noun}` : `${done} ${noun} “${name}”`;
}

/** An action code as a filter choice: "api_key.create" reads "API key: create". */
export function actionLabel(action: string): string {
  const [prefix = action, verb = ""] = action.split(".");
  const resource = prefix === "provider" ? "llm_provider" : prefix;
  return verb === "" ? resourceLabel(resource) : `${resourceLabel(resource)}: ${verb.replaceAll("_", " ")}`;
}
