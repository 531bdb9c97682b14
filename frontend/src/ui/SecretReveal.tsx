import { useEffect, useId, useRef, useState } from "react";
import { Button, focusRing } from "./controls";
import { Icon } from "./icons";

type CopyState = "idle" | "copied" | "failed";

const COPIED_SHOWN_MS = 2500;

/** A secret the API returns only once: shown in full, copyable, with a warning that it will not be shown again. */
export function SecretReveal({
  label,
  value,
  copyLabel,
  warning,
}: {
  label: string;
  value: string;
  /** The copy button's accessible name, e.g. "Copy API key". */
  copyLabel: string;
  warning: string;
}) {
  const [copy, setCopy] = useState<CopyState>("idle");
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  useEffect(() => {
    if (copy !== "copied") return;
    const reset = setTimeout(() => {
      setCopy("idle");
    }, COPIED_SHOWN_MS);
    return () => {
      clearTimeout(reset);
    };
  }, [copy]);
  const copyValue = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopy("copied");
    } catch {
      // Without clipboard access (an insecure origin, a refused permission) the text is selected for Ctrl+C.
      input.current?.select();
      setCopy("failed");
    }
  };
  return (
    <div className="space-y-3">
      <div>
        <label htmlFor={inputId} className="block text-sm font-medium text-slate-700">
          {label}
        </label>
        <div className="mt-1 flex gap-2">
          <input
            ref={input}
            id={inputId}
            readOnly
            value={value}
            onFocus={(event) => {
              event.currentTarget.select();
            }}
            className={`block w-full min-w-0 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900 ${focusRing}`}
          />
          <Button look="primary" aria-label={copyLabel} onClick={() => void copyValue()} className="shrink-0">
            <Icon name={copy === "copied" ? "check" : "copy"} />
            {copy === "copied" ? "Copied" : "Copy"}
          </Button>
        </div>
      </div>
      <p role="status" className="min-h-5 text-sm text-emerald-700">
        {copy === "copied" && "Copied to the clipboard."}
        {copy === "failed" && (
          <span className="text-red-700">Could not copy automatically; the text is selected, press Ctrl+C.</span>
        )}
      </p>
      <p className="flex items-start gap-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
        <Icon name="warning" className="mt-0.5 size-4" />
        <span>{warning}</span>
      </p>
    </div>
  );
}
