import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";

// Names are looked up for labels only; older keys beyond these show as "An API key".
const NAMES_LOOKED_UP = 200;

/** API key names by id (revoked keys too), for showing which key acted; empty for roles that may not list keys. */
export function useApiKeyNames(): ReadonlyMap<string, string> {
  const canRead = useCan("api_keys", "read");
  const keys = useQuery({
    queryKey: queryKeys.apiKeys.list({ names: true }),
    queryFn: () => unwrap(api.GET("/api/v1/api-keys", { params: { query: { limit: NAMES_LOOKED_UP } } })),
    enabled: canRead,
  });
  return new Map((keys.data?.items ?? []).map((key) => [key.id, key.name]));
}
