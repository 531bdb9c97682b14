import { useRef, type ReactNode } from "react";
import { Button } from "./controls";

/** A destructive action behind a confirmation dialog that names what will happen. */
export function ConfirmButton({
  label,
  title,
  question,
  confirmLabel,
  onConfirm,
  busy = false,
  disabled = false,
  look = "danger",
}: {
  label: ReactNode;
  title: string;
  question: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  busy?: boolean;
  disabled?: boolean;
  look?: "danger" | "secondary" | "quiet";
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <Button look={look} busy={busy} disabled={disabled} onClick={() => dialog.current?.showModal()}>
        {label}
      </Button>
      <dialog
        ref={dialog}
        aria-label={title}
        className="m-auto w-full max-w-md rounded-xl p-6 shadow-xl backdrop:bg-slate-900/40"
      >
        <h2 className="text-lg font-semibold">{title}</h2>
        <div className="mt-2 text-sm text-slate-700">{question}</div>
        <div className="mt-6 flex justify-end gap-2">
          <Button onClick={() => dialog.current?.close()}>Cancel</Button>
          <Button
            look="danger"
            onClick={() => {
              dialog.current?.close();
              onConfirm();
            }}
          >
            {confirmLabel}
          </Button>
        </div>
      </dialog>
    </>
  );
}
