import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { unwrap } from "../api/problems";
import { queryKeys } from "../api/queryKeys";

/** What pickers offer: the first 200 of a resource by name (the API's largest page). */
const picker = { sort: "name", limit: 200 } as const;

function usePickerItems<Item>(queryKey: readonly unknown[], fetchPage: () => Promise<{ items: Item[] }>) {
  return useQuery({ queryKey, queryFn: fetchPage, select: (page) => page.items });
}

export function useProviderChoices() {
  return usePickerItems(queryKeys.providers.list(picker), () =>
    unwrap(api.GET("/api/v1/llm-providers", { params: { query: picker } })),
  );
}

export function useAgentChoices() {
  return usePickerItems(queryKeys.agents.list(picker), () => unwrap(api.GET("/api/v1/agents", { params: { query: picker } })));
}

export function useToolChoices() {
  return usePickerItems(queryKeys.tools.list(picker), () => unwrap(api.GET("/api/v1/tools", { params: { query: picker } })));
}
