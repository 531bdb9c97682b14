import { useId, type InputHTMLAttributes } from "react";
import { focusRing } from "./controls";

/** A labelled checkbox with an optional hint or the API's message for it. */
export function Checkbox({
  label,
  hint,
  error,
  ...input
}: { label: string; hint?: string | undefined; error?: string | undefined } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "type"
>) {
  const messageId = useId();
  const message = error ?? hint;
  return (
    <label className="flex items-start gap-2 text-sm text-slate-700">
      <input
        {...input}
        type="checkbox"
        aria-invalid={error !== undefined}
        aria-describedby={message !== undefined ? messageId : undefined}
        className={`mt-0.5 h-4 w-4 rounded border-slate-300 accent-indigo-600 ${focusRing}`}
      />
      <span>
        <span className="font-medium">{label}</span>
        {message !== undefined && (
          <span
            id={messageId}
            role={error !== undefined ? "alert" : undefined}
            className={`block text-xs ${error !== undefined ? "text-red-700" : "text-slate-500"}`}
          >
            {message}
          </span>
        )}
      </span>
    </label>
  );
}
