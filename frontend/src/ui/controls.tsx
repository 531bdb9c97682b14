import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

export const focusRing =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

const fieldBox = `mt-1 block w-full rounded-md border bg-white px-3 py-2 text-slate-900 shadow-sm disabled:bg-slate-100 ${focusRing}`;

interface FieldProps {
  label: string;
  /** The API's message for this field, shown beside it. */
  error?: string | undefined;
  hint?: string | undefined;
}

function FieldFrame({
  label,
  error,
  hint,
  children,
  controlId,
  messageId,
}: FieldProps & { children: ReactNode; controlId: string; messageId: string }) {
  // The label points at its control instead of wrapping it, so hints and a select's value stay out of its name.
  return (
    <div className="block text-sm font-medium text-slate-700">
      <label htmlFor={controlId}>{label}</label>
      {children}
      {error !== undefined ? (
        <span id={messageId} role="alert" className="mt-1 block text-xs font-normal text-red-700">
          {error}
        </span>
      ) : (
        hint !== undefined && (
          <span id={messageId} className="mt-1 block text-xs font-normal text-slate-500">
            {hint}
          </span>
        )
      )}
    </div>
  );
}

/** Ids tying a field's label and message to its control. */
function useFieldIds(id: string | undefined, error: string | undefined, hint: string | undefined) {
  const generated = useId();
  const controlId = id ?? `${generated}control`;
  const messageId = `${generated}message`;
  return {
    controlId,
    messageId,
    described: {
      id: controlId,
      "aria-invalid": error !== undefined,
      "aria-describedby": error !== undefined || hint !== undefined ? messageId : undefined,
    },
  };
}

function borderFor(error: string | undefined): string {
  return error === undefined ? "border-slate-300" : "border-red-500";
}

export function TextField({ label, error, hint, id, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const { controlId, messageId, described } = useFieldIds(id, error, hint);
  return (
    <FieldFrame label={label} error={error} hint={hint} controlId={controlId} messageId={messageId}>
      <input {...input} {...described} className={`${fieldBox} ${borderFor(error)} ${input.className ?? ""}`} />
    </FieldFrame>
  );
}

export function TextArea({ label, error, hint, id, ...area }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { controlId, messageId, described } = useFieldIds(id, error, hint);
  return (
    <FieldFrame label={label} error={error} hint={hint} controlId={controlId} messageId={messageId}>
      <textarea {...area} {...described} className={`${fieldBox} ${borderFor(error)} ${area.className ?? ""}`} />
    </FieldFrame>
  );
}

export interface Choice {
  value: string;
  label: string;
}

export function SelectField({
  label,
  error,
  hint,
  choices,
  id,
  ...select
}: FieldProps & { choices: readonly Choice[] } & SelectHTMLAttributes<HTMLSelectElement>) {
  const { controlId, messageId, described } = useFieldIds(id, error, hint);
  return (
    <FieldFrame label={label} error={error} hint={hint} controlId={controlId} messageId={messageId}>
      <select {...select} {...described} className={`${fieldBox} ${borderFor(error)}`}>
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

const buttonLooks = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-100",
  danger: "bg-red-600 text-white hover:bg-red-500",
  quiet: "text-slate-700 hover:bg-slate-100",
} as const;

export function Button({
  look = "secondary",
  busy = false,
  className = "",
  type = "button",
  disabled,
  children,
  ...button
}: { look?: keyof typeof buttonLooks; busy?: boolean } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      {...button}
      type={type}
      disabled={disabled === true || busy}
      aria-busy={busy}
      className={`inline-flex items-center justify-center gap-2 rounded-md px-3 py-1.5 text-sm font-semibold disabled:cursor-not-allowed disabled:opacity-60 ${buttonLooks[look]} ${focusRing} ${className}`}
    >
      {children}
    </button>
  );
}

export function PrimaryButton({ children, busy }: { children: ReactNode; busy: boolean }) {
  return (
    <Button type="submit" look="primary" busy={busy} className="w-full px-4 py-2">
      {children}
    </Button>
  );
}

export function ErrorMessage({ message }: { message: string | null | undefined }) {
  if (message === null || message === undefined) return null;
  return (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </p>
  );
}
