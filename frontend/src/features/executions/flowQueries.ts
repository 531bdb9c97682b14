import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";

/** The flows to pick from (run form, list filter), by name: the first 200. */
export const flowChoicesQuery = {
  queryKey: queryKeys.flows.list({ sort: "name", limit: 200 }),
  queryFn: () => unwrap(api.GET("/api/v1/flows", { params: { query: { sort: "name", limit: 200 } } })),
};

/** The name of the flow a run belongs to; null for a crew's or an agent's run, and until it loads. */
export function useFlowName(flowId: string | null): string | null {
  const flow = useQuery({
    queryKey: queryKeys.flows.detail(flowId ?? ""),
    queryFn: () => unwrap(api.GET("/api/v1/flows/{flow_id}", { params: { path: { flow_id: flowId ?? "" } } })),
    enabled: flowId !== null,
  });
  return flow.data?.name ?? null;
}
