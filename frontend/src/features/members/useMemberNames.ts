import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";

// Names are looked up for labels only; a workspace with more members shows the rest by id.
const NAMES_LOOKED_UP = 200;

/** The current members' names by user id, for showing who created or did something. */
export function useMemberNames(): ReadonlyMap<string, string> {
  const members = useQuery({
    queryKey: queryKeys.members.list({ names: true }),
    queryFn: () => unwrap(api.GET("/api/v1/members", { params: { query: { limit: NAMES_LOOKED_UP } } })),
  });
  return new Map((members.data?.items ?? []).map((member) => [member.user_id, member.display_name || member.email]));
}
