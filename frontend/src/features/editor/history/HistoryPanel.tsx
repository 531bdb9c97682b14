import { useEffect, useId, useMemo, useRef, useState, type RefObject } from "react";
import { useSession } from "../../../auth/session";
import { ConfirmButton } from "../../../ui/ConfirmButton";
import { Button, ErrorMessage } from "../../../ui/controls";
import { Icon } from "../../../ui/icons";
import { useEditorFlow } from "../editorContext";
import { currentGraph, useEditorStore } from "../store";
import { describeDiff, nodeNames } from "./diffHighlight";
import { useShowChanges } from "./useShowChanges";
import { useAuthors, usePublish, useRestore, useVersionDiff, useVersions } from "./useVersionHistory";
import { VersionChanges } from "./VersionChanges";
import { VersionItems } from "./VersionItems";
import { versionRow, type VersionRow } from "./versionList";

/** "History" in the editor's toolbar: the flow's versions in a side panel, each compared on the canvas. */
export function HistoryPanel({ flowId }: { flowId: string }) {
  // Where the drawer starts: below the toolbar the button sits in (null while closed).
  const [top, setTop] = useState<number | null>(null);
  const panelId = useId();
  const open = top !== null;
  return (
    <>
      <Button
        look={open ? "primary" : "secondary"}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={(event) => {
          const toolbar = event.currentTarget.closest("header") ?? event.currentTarget;
          setTop(open ? null : toolbar.getBoundingClientRect().bottom + 8);
        }}
      >
        <Icon name="layers" />
        History
      </Button>
      {top !== null && (
        <HistoryDrawer
          id={panelId}
          flowId={flowId}
          top={top}
          onClose={() => {
            setTop(null);
          }}
        />
      )}
    </>
  );
}

function HistoryDrawer({ id, flowId, top, onClose }: { id: string; flowId: string; top: number; onClose: () => void }) {
  const { flow } = useEditorFlow();
  const { versions, items } = useVersions(flowId);
  const authors = useAuthors();
  const myUserId = useSession((state) => state.identity?.user?.id ?? null);
  const [selected, setSelected] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const drawer = useRef<HTMLElement>(null);
  const latest = flow.latest_version;
  const published = flow.published_version;

  useEffect(() => {
    const closeOnEscape = (event: KeyboardEvent) => {
      // Escape in a dialog or a menu closes that one only.
      const inDialog = event.target instanceof Element && event.target.closest("dialog") !== null;
      if (event.key === "Escape" && !inDialog && !event.defaultPrevented) onClose();
    };
    window.addEventListener("keydown", closeOnEscape);
    return () => {
      window.removeEventListener("keydown", closeOnEscape);
    };
  }, [onClose]);

  const rows = useMemo(
    () => items.map((version) => versionRow(version, { latest, published, authors, myUserId })),
    [items, latest, published, authors, myUserId],
  );
  const picked = rows.find((row) => row.number === selected) ?? null;

  return (
    <aside
      ref={drawer}
      id={id}
      aria-label="Version history"
      style={{ top }}
      className="fixed right-4 bottom-4 z-30 flex w-96 max-w-[calc(100vw-2rem)] flex-col rounded-xl border border-slate-200 bg-white shadow-2xl"
    >
      <header className="flex items-center justify-between border-b border-slate-200 px-4 py-3">
        <h2 className="font-semibold">Version history</h2>
        <Button look="quiet" aria-label="Close version history" onClick={onClose}>
          <Icon name="close" />
        </Button>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto px-3 py-3">
        {notice !== null && (
          <p role="status" className="mb-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            {notice}
          </p>
        )}
        {versions.isPending && <p role="status">Loading versions…</p>}
        <ErrorMessage message={versions.error?.message} />
        {versions.isSuccess && rows.length === 0 && (
          <p className="text-sm text-slate-600">No versions yet: save the flow to create version 1.</p>
        )}
        <VersionItems
          rows={rows}
          selected={selected}
          onSelect={(number) => {
            setSelected(number);
            setNotice(null);
          }}
        />
        {versions.hasNextPage && (
          <Button
            className="mt-2 w-full"
            busy={versions.isFetchingNextPage}
            onClick={() => void versions.fetchNextPage()}
          >
            Load older versions
          </Button>
        )}
      </div>
      {picked !== null && (
        <PickedVersion
          key={picked.number}
          flowId={flowId}
          drawer={drawer}
          row={picked}
          latest={latest}
          lockVersion={flow.version}
          isPublished={picked.number === published}
          onRestored={(restored, saved) => {
            setSelected(null);
            setNotice(`Version ${String(restored)} restored as version ${String(saved)}; the canvas shows it.`);
          }}
          onPublished={(number) => {
            setNotice(`Version ${String(number)} is published: runs use it unless they name another.`);
          }}
        />
      )}
    </aside>
  );
}

function PickedVersion({
  flowId,
  drawer,
  row,
  latest,
  lockVersion,
  isPublished,
  onRestored,
  onPublished,
}: {
  flowId: string;
  drawer: RefObject<HTMLElement | null>;
  row: VersionRow;
  latest: number;
  lockVersion: number;
  isPublished: boolean;
  onRestored: (restored: number, saved: number) => void;
  onPublished: (number: number) => void;
}) {
  const { canEdit } = useEditorFlow();
  const dirty = useEditorStore((state) => state.dirty);
  const diff = useVersionDiff(flowId, row.isCurrent ? null : row.number, latest);
  const restore = useRestore(flowId);
  const publish = usePublish(flowId);

  useShowChanges(diff.data, drawer);

  const summary = useMemo(
    () => (diff.data === undefined ? null : describeDiff(diff.data, nodeNames(currentGraph().nodes ?? []))),
    [diff.data],
  );

  return (
    <section
      aria-label={`${row.title} compared`}
      className="max-h-[55%] overflow-y-auto border-t border-slate-200 bg-slate-50 px-4 py-3"
    >
      <h3 className="font-semibold">{row.title}</h3>
      {row.isCurrent ? (
        <p className="text-sm text-slate-600">This is the saved version on the canvas.</p>
      ) : (
        <>
          {dirty && (
            <p className="mb-2 flex gap-1 text-xs text-amber-800">
              <Icon name="warning" className="size-3.5" />
              The canvas has unsaved changes; the comparison is with saved version {latest}.
            </p>
          )}
          {diff.isPending && <p role="status">Comparing with version {latest}…</p>}
          <ErrorMessage message={diff.error?.message} />
          {summary !== null && <VersionChanges summary={summary} from={row.number} to={latest} />}
        </>
      )}
      <ErrorMessage message={restore.error?.message ?? publish.error?.message} />
      {canEdit ? (
        <div className="mt-3 flex flex-wrap gap-2">
          {!row.isCurrent && (
            <ConfirmButton
              look="secondary"
              label={`Restore version ${String(row.number)}`}
              title={`Restore version ${String(row.number)}?`}
              question={
                <>
                  <p>
                    Its graph is saved as version {latest + 1} and opened on the canvas; no version is lost.
                  </p>
                  {dirty && <p className="mt-2 font-medium text-red-700">Your unsaved changes on the canvas will be lost.</p>}
                </>
              }
              confirmLabel="Restore"
              busy={restore.isPending}
              onConfirm={() => {
                restore.mutate(
                  { number: row.number, lockVersion },
                  { onSuccess: (saved) => { onRestored(row.number, saved.version.number); } },
                );
              }}
            />
          )}
          {!isPublished && (
            <ConfirmButton
              look="secondary"
              label={`Publish version ${String(row.number)}`}
              title={`Publish version ${String(row.number)}?`}
              question="Runs, chats and the public endpoint then use this version unless they name another."
              confirmLabel="Publish"
              busy={publish.isPending}
              onConfirm={() => {
                publish.mutate({ number: row.number, lockVersion }, { onSuccess: () => { onPublished(row.number); } });
              }}
            />
          )}
        </div>
      ) : (
        <p className="mt-3 text-xs text-slate-500">Your role can compare versions but not restore or publish them.</p>
      )}
    </section>
  );
}
