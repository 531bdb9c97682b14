import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useAgentChoices, useProviderChoices, useToolChoices } from "../../ui/useWorkspaceChoices";
import type { ReferenceChoices } from "./forms/FieldControl";
import { useEditorStore } from "./store";

const picker = { sort: "name", limit: 200 } as const;

function useCrewChoices() {
  return useQuery({
    queryKey: queryKeys.crews.list(picker),
    queryFn: () => unwrap(api.GET("/api/v1/crews", { params: { query: picker } })),
    select: (page) => page.items,
  });
}

const asChoices = (items: readonly { id: string; name: string }[] | undefined) =>
  (items ?? []).map((item) => ({ value: item.id, label: item.name }));

/**
 * The agents, crews, tools and providers a node may refer to, as choices for the forms; their names go
 * to the store so node cards can show them.
 */
export function useReferenceChoices() {
  const providers = useProviderChoices();
  const agents = useAgentChoices();
  const crews = useCrewChoices();
  const tools = useToolChoices();
  const choices = useMemo<ReferenceChoices>(
    () => ({
      providers: asChoices(providers.data),
      agents: asChoices(agents.data),
      crews: asChoices(crews.data),
      tools: asChoices(tools.data),
    }),
    [providers.data, agents.data, crews.data, tools.data],
  );
  useEffect(() => {
    const names = Object.fromEntries(
      Object.values(choices).flatMap((listed) => listed.map((choice) => [choice.value, choice.label] as const)),
    );
    useEditorStore.getState().setReferenceNames(names);
  }, [choices]);
  const defaultModels = useMemo(
    () => Object.fromEntries((providers.data ?? []).map((provider) => [provider.id, provider.default_model])),
    [providers.data],
  );
  return { choices, defaultModels };
}
