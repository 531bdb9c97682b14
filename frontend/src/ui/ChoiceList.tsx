import { useId, type ReactNode } from "react";
import { Checkbox } from "./Checkbox";

export interface ListedChoice {
  value: string;
  label: string;
  detail?: string | undefined;
}

/** A multi-select as a group of checkboxes; `selected` keeps the order in which values were picked. */
export function ChoiceList({
  legend,
  choices,
  selected,
  onChange,
  hint,
  error,
  empty,
}: {
  legend: string;
  choices: readonly ListedChoice[];
  selected: readonly string[];
  onChange: (selected: string[]) => void;
  hint?: string | undefined;
  error?: string | undefined;
  /** Shown instead of the list when there is nothing to pick. */
  empty?: ReactNode;
}) {
  const messageId = useId();
  return (
    <fieldset aria-describedby={error !== undefined || hint !== undefined ? messageId : undefined}>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      {choices.length === 0 ? (
        <div className="mt-1 text-sm text-slate-500">{empty}</div>
      ) : (
        <ul className="mt-1 max-h-56 space-y-1 overflow-y-auto rounded-md border border-slate-200 bg-white p-2">
          {choices.map((choice) => (
            <li key={choice.value}>
              <Checkbox
                label={choice.label}
                hint={choice.detail}
                checked={selected.includes(choice.value)}
                onChange={(event) => {
                  onChange(
                    event.target.checked
                      ? [...selected, choice.value]
                      : selected.filter((value) => value !== choice.value),
                  );
                }}
              />
            </li>
          ))}
        </ul>
      )}
      {error !== undefined ? (
        <p id={messageId} role="alert" className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : (
        hint !== undefined && (
          <p id={messageId} className="mt-1 text-xs text-slate-500">
            {hint}
          </p>
        )
      )}
    </fieldset>
  );
}
