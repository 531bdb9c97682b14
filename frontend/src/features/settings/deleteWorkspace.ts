import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { api, publicApi, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { signOut } from "../../auth/session";
import { enterWorkspace } from "../shell/enterWorkspace";

/** Deletes the current workspace, then carries on in another of the user's workspaces, or signs out when
 * there is none. The other workspace's tokens are taken first: deleting ends every session of this one. */
export function useDeleteWorkspace(otherWorkspace: Schemas["MembershipOut"] | undefined) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: async (confirm: string) => {
      const next =
        otherWorkspace === undefined
          ? null
          : await unwrap(api.POST("/api/v1/auth/switch-tenant", { body: { tenant_id: otherWorkspace.tenant_id } }));
      try {
        await unwrap(api.DELETE("/api/v1/tenant", { body: { confirm } }));
      } catch (error) {
        if (next !== null) await publicApi.POST("/api/v1/auth/logout", { body: { refresh_token: next.refresh_token } });
        throw error;
      }
      if (next === null) {
        await signOut();
        queryClient.clear();
        await navigate("/login", { replace: true });
      } else {
        await enterWorkspace(next, queryClient);
        await navigate("/", { replace: true });
      }
    },
  });
}
