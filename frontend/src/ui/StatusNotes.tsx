import type { ReactNode } from "react";
import { Icon } from "./icons";

/** A list or form still waiting for the API. */
export function LoadingNote({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="text-sm text-slate-500">
      {children}
    </p>
  );
}

/** Confirms a change that saved; the live region stays mounted so screen readers announce the message. */
export function SuccessNote({ message, className = "" }: { message: string | null; className?: string }) {
  return (
    <p role="status" className={`text-sm text-emerald-700 ${className}`}>
      {message !== null && (
        <span className="inline-flex items-center gap-1.5">
          <Icon name="check" className="size-4" />
          {message}
        </span>
      )}
    </p>
  );
}
