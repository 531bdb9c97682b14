import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";

/** Saving a resource's form: the saved item replaces the cached one, its lists go stale, and a new item's
 * page replaces the "new" page in the history. */
export function useResourceSave<Item extends { id: string }, Values>({
  path,
  isNew,
  keys,
  save,
}: {
  /** Where the resource's pages live, e.g. "/agents". */
  path: string;
  isNew: boolean;
  keys: { all: readonly unknown[]; detail: (id: string) => readonly unknown[] };
  save: (values: Values) => Promise<Item>;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: save,
    onSuccess: async (saved) => {
      queryClient.setQueryData(keys.detail(saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: keys.all, refetchType: "none" });
      if (isNew) await navigate(`${path}/${saved.id}`, { replace: true });
    },
  });
}
