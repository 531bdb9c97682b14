/** Query keys per resource, so a mutation can invalidate exactly what it changed. */
export const queryKeys = {
  me: ["me"] as const,
  agents: { all: ["agents"] as const, list: () => ["agents", "list"] as const },
};
