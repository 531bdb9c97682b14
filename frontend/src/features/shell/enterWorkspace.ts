import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, tokens, type Schemas } from "../../api/client";
import { ApiError, unwrap } from "../../api/problems";
import { signedIn } from "../../auth/session";

/** Takes a token pair for another workspace, asks the API who the session now is, and forgets every
 * answer cached for the old workspace. */
export async function enterWorkspace(pair: Schemas["TokenPair"], queryClient: QueryClient): Promise<void> {
  tokens.hold(pair);
  const me = await unwrap(api.GET("/api/v1/me"));
  if (me.user === null) throw new ApiError("An API key cannot switch workspaces.", {}, null);
  queryClient.clear();
  signedIn({ ...pair, user: me.user, tenant: me.tenant, role: me.role });
}

/** Switches the session to another of the user's workspaces. */
export function useSwitchWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (tenantId: string) => {
      const pair = await unwrap(api.POST("/api/v1/auth/switch-tenant", { body: { tenant_id: tenantId } }));
      await enterWorkspace(pair, queryClient);
    },
  });
}
