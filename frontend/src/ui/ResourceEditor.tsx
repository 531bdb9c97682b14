import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useNavigate } from "react-router";
import { ConfirmButton } from "./ConfirmButton";
import { ErrorMessage, focusRing } from "./controls";

interface Named {
  id: string;
  name: string;
}

/** The page of one resource (or a new one): loading, heading, back link, read-only notice and delete. */
export function ResourceEditor<T extends Named>({
  noun,
  listPath,
  listLabel,
  itemId,
  queryKey,
  load,
  remove,
  invalidate,
  canWrite,
  canDelete,
  actions,
  children,
}: {
  /** The resource in a sentence: "agent", "LLM provider". */
  noun: string;
  listPath: string;
  listLabel: string;
  /** Undefined for a new resource. */
  itemId: string | undefined;
  queryKey: readonly unknown[];
  load: (id: string) => Promise<T>;
  remove: (id: string) => Promise<unknown>;
  /** What a delete makes stale: the resource's `all` key. */
  invalidate: readonly unknown[];
  canWrite: boolean;
  canDelete: boolean;
  actions?: (item: T) => ReactNode;
  children: (item: T | undefined) => ReactNode;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const deletion = useMutation({
    mutationFn: remove,
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey });
      await queryClient.invalidateQueries({ queryKey: invalidate, refetchType: "none" });
      await navigate(listPath);
    },
  });
  const item = useQuery({
    queryKey,
    queryFn: () => load(itemId ?? ""),
    // Never asked again once deleted: the page is on its way out, and the answer would be a 404.
    enabled: itemId !== undefined && !deletion.isPending && !deletion.isSuccess,
  });
  const loaded = item.data;
  const title = itemId === undefined ? `New ${noun}` : (loaded?.name ?? `Loading ${noun}…`);
  return (
    <section aria-labelledby="editor-title" className="mx-auto max-w-4xl">
      <Link to={listPath} className={`text-sm font-medium text-indigo-700 hover:underline ${focusRing}`}>
        ← {listLabel}
      </Link>
      <div className="mt-2 mb-6 flex flex-wrap items-center justify-between gap-4">
        <h1 id="editor-title" className="text-2xl font-bold">
          {title}
        </h1>
        {loaded !== undefined && (
          <div className="flex items-center gap-2">
            {actions?.(loaded)}
            {canDelete && (
              <ConfirmButton
                label="Delete"
                title={`Delete ${noun}`}
                question={
                  <>
                    Delete the {noun} <strong>{loaded.name}</strong>? This cannot be undone.
                  </>
                }
                confirmLabel={`Delete ${noun}`}
                busy={deletion.isPending}
                onConfirm={() => {
                  deletion.mutate(loaded.id);
                }}
              />
            )}
          </div>
        )}
      </div>
      <div className="space-y-4">
        <ErrorMessage message={deletion.error?.message} />
        {!canWrite && (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            <span aria-hidden="true">🔒 </span>Read only: your role can view this {noun} but not change it.
          </p>
        )}
        {itemId !== undefined && item.isPending && <p role="status">Loading {noun}…</p>}
        <ErrorMessage message={item.error?.message} />
        {(itemId === undefined || loaded !== undefined) && children(loaded)}
      </div>
    </section>
  );
}
