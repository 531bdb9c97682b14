import type { ReactNode } from "react";
import { ApiError } from "../api/problems";
import { Button, ErrorMessage } from "./controls";
import { problemsOutside } from "./fieldProblems";

/** A titled group of a form's fields. */
export function FormSection({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      {description !== undefined && <p className="mt-0.5 text-sm text-slate-500">{description}</p>}
      <div className="mt-4 space-y-4">{children}</div>
    </section>
  );
}

/** Why a save failed: problems beside their fields are pointed at, the others listed here. */
export function SaveProblems({ error, shownFields }: { error: unknown; shownFields: readonly string[] }) {
  if (error === null || error === undefined) return null;
  if (!(error instanceof ApiError) || Object.keys(error.fields).length === 0) {
    return <ErrorMessage message={error instanceof Error ? error.message : "Something went wrong; please try again."} />;
  }
  const others = problemsOutside(error, shownFields);
  return (
    <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
      <p>Not saved: fix the fields marked in red.</p>
      {others.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {others.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The save button of a form, what happened to the last save, and the problems no field shows. */
export function FormFooter({
  busy,
  saved,
  error,
  shownFields,
  label = "Save",
  busyLabel = "Saving…",
}: {
  busy: boolean;
  saved: boolean;
  error: unknown;
  shownFields: readonly string[];
  label?: string;
  busyLabel?: string;
}) {
  return (
    <div className="sticky bottom-0 -mx-1 space-y-2 border-t border-slate-200 bg-slate-50/95 px-1 py-3 backdrop-blur">
      <SaveProblems error={error} shownFields={shownFields} />
      <div className="flex items-center gap-3">
        <Button type="submit" look="primary" busy={busy}>
          {busy ? busyLabel : label}
        </Button>
        <span role="status" className="text-sm text-emerald-700">
          {saved && !busy && error === null ? "✓ Saved" : ""}
        </span>
      </div>
    </div>
  );
}
