/** Query keys per resource, so a mutation can invalidate exactly what it changed: invalidate `all` after a write. */
function resource<Name extends string>(name: Name) {
  return {
    all: [name] as const,
    list: (filters: object = {}) => [name, "list", filters] as const,
    detail: (id: string) => [name, "detail", id] as const,
  };
}

export const queryKeys = {
  me: ["me"] as const,
  tenant: ["tenant"] as const,
  agents: resource("agents"),
  crews: resource("crews"),
  tools: resource("tools"),
  providers: resource("providers"),
  flows: resource("flows"),
  executions: resource("executions"),
  members: resource("members"),
  invitations: resource("invitations"),
  apiKeys: resource("api-keys"),
  audit: resource("audit"),
  chatSessions: resource("chat-sessions"),
};
