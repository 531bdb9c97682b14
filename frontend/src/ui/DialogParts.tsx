import type { ReactNode } from "react";
import { Button } from "./controls";

/** The last row of a form in a dialog: Cancel, then the submit button whose content says what the form does. */
export function DialogFooter({ onCancel, busy, children }: { onCancel: () => void; busy: boolean; children: ReactNode }) {
  return (
    <div className="flex justify-end gap-2">
      <Button onClick={onCancel}>Cancel</Button>
      <Button type="submit" look="primary" busy={busy}>
        {children}
      </Button>
    </div>
  );
}

/** What a dialog shows in place of its form once the form succeeded; Done closes it. */
export function DialogOutcome({ onDone, children }: { onDone: () => void; children: ReactNode }) {
  return (
    <div className="space-y-4">
      {children}
      <div className="flex justify-end">
        <Button look="primary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
