import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, type Schemas } from "../../../api/client";
import { unwrap } from "../../../api/problems";
import { queryKeys } from "../../../api/queryKeys";
import { loadGraph, useEditorStore } from "../store";
import { versionActionError } from "./versionActionError";
import { mergeVersionPages } from "./versionList";

const VERSIONS_PER_PAGE = 50;
const MEMBERS_LIMIT = 200;

export function versionsKey(flowId: string) {
  return [...queryKeys.flows.detail(flowId), "versions"] as const;
}

function diffKey(flowId: string, base: number, target: number) {
  return [...queryKeys.flows.detail(flowId), "diff", base, target] as const;
}

export function useVersions(flowId: string) {
  const versions = useInfiniteQuery({
    queryKey: versionsKey(flowId),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/v1/flows/{flow_id}/versions", {
          params: { path: { flow_id: flowId }, query: { limit: VERSIONS_PER_PAGE, cursor: pageParam } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  const items = useMemo(() => mergeVersionPages(versions.data?.pages ?? []), [versions.data]);
  return { versions, items };
}

/** Display names of the workspace's members by user id, to name each version's author. */
export function useAuthors(): ReadonlyMap<string, string> {
  const members = useQuery({
    queryKey: queryKeys.members.list({ limit: MEMBERS_LIMIT }),
    queryFn: () => unwrap(api.GET("/api/v1/members", { params: { query: { limit: MEMBERS_LIMIT } } })),
    staleTime: 60_000,
  });
  return useMemo(
    () => new Map((members.data?.items ?? []).map((member) => [member.user_id, member.display_name || member.email])),
    [members.data],
  );
}

/** What changed from version `base` to version `target`; idle while nothing is picked. */
export function useVersionDiff(flowId: string, base: number | null, target: number) {
  return useQuery({
    queryKey: diffKey(flowId, base ?? 0, target),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/flows/{flow_id}/diff", {
          params: { path: { flow_id: flowId }, query: { base, target } },
        }),
      ),
    enabled: base !== null && base !== target,
    staleTime: Infinity,
  });
}

/** Restores a version as the next one and puts its graph on the canvas, which then has nothing to save. */
export function useRestore(flowId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ number, lockVersion }: { number: number; lockVersion: number }) => {
      const { data, error, response } = await api.POST("/api/v1/flows/{flow_id}/versions/{number}/restore", {
        params: { path: { flow_id: flowId, number } },
        body: { version: lockVersion },
      });
      if (data === undefined) throw versionActionError(error, response.status);
      return data;
    },
    onSuccess: (saved: Schemas["VersionSaved"]) => {
      queryClient.setQueryData(queryKeys.flows.detail(flowId), saved.flow);
      loadGraph(saved.version.graph);
      useEditorStore.getState().setProblems(saved.problems);
      void queryClient.invalidateQueries({ queryKey: versionsKey(flowId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.flows.list() });
    },
  });
}

export function usePublish(flowId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ number, lockVersion }: { number: number; lockVersion: number }) => {
      const { data, error, response } = await api.POST("/api/v1/flows/{flow_id}/versions/{number}/publish", {
        params: { path: { flow_id: flowId, number } },
        body: { version: lockVersion },
      });
      if (data === undefined) throw versionActionError(error, response.status);
      return data;
    },
    onSuccess: (flow: Schemas["FlowOut"]) => {
      queryClient.setQueryData(queryKeys.flows.detail(flowId), flow);
      void queryClient.invalidateQueries({ queryKey: queryKeys.flows.list() });
    },
  });
}
