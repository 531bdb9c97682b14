import { useState, type ReactNode } from "react";
import { Button, TextArea, TextField } from "../../../ui/controls";
import { Icon } from "../../../ui/icons";
import { asList, asObject, asText, freeKey, renameKey, withValue } from "./configValues";
import type { TextSyntax } from "./schemaFields";

export const syntaxHints: Record<TextSyntax, string | undefined> = {
  template: "Template: {{ inputs.<field> }} or {{ nodes.<node id> }}",
  expression: "CEL expression, e.g. inputs.score > 0.5",
  plain: undefined,
};

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button look="quiet" aria-label={label} title={label} onClick={onClick} className="px-2">
      <Icon name="trash" />
    </Button>
  );
}

/** Several controls that edit one value, under the value's name. */
export function FieldGroup({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children: ReactNode;
}) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">{label}</legend>
      {hint !== undefined && <p className="text-xs text-slate-500">{hint}</p>}
      {children}
      {error !== undefined && (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** A list of texts, one input each. */
export function StringListControl({
  label,
  hint,
  error,
  value,
  onChange,
}: {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  value: unknown;
  onChange: (value: unknown) => void;
}) {
  const items = asList(value).map(asText);
  const change = (next: string[]) => {
    onChange(next.length === 0 ? undefined : next);
  };
  return (
    <FieldGroup label={label} hint={hint} error={error}>
      {items.map((item, index) => (
        <div key={index} className="flex items-end gap-1">
          <div className="flex-1">
            <TextField
              label={`${label} ${String(index + 1)}`}
              value={item}
              onChange={(event) => {
                change(items.map((other, position) => (position === index ? event.target.value : other)));
              }}
            />
          </div>
          <RemoveButton
            label={`Remove ${label} ${String(index + 1)}`}
            onClick={() => {
              change(items.filter((_item, position) => position !== index));
            }}
          />
        </div>
      ))}
      <Button
        onClick={() => {
          change([...items, ""]);
        }}
      >
        <Icon name="plus" /> Add
      </Button>
    </FieldGroup>
  );
}

/** Named templates (crew inputs, tool arguments): a name and a value per row. */
export function KeyValuesControl({
  label,
  hint,
  error,
  errorAt,
  valueSyntax,
  value,
  onChange,
}: {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  errorAt: (key: string) => string | undefined;
  valueSyntax: TextSyntax;
  value: unknown;
  onChange: (value: unknown) => void;
}) {
  const object = asObject(value);
  const entries = Object.entries(object);
  const change = (next: Record<string, unknown>) => {
    onChange(Object.keys(next).length === 0 ? undefined : next);
  };
  return (
    <FieldGroup label={label} hint={hint ?? syntaxHints[valueSyntax]} error={error}>
      {entries.map(([key, item], index) => (
        <div key={index} className="space-y-1 rounded-md border border-slate-200 p-2">
          <div className="flex items-end gap-1">
            <div className="flex-1">
              <TextField
                label="Name"
                value={key}
                onChange={(event) => {
                  change(renameKey(object, key, event.target.value));
                }}
              />
            </div>
            <RemoveButton
              label={`Remove ${key || "entry"}`}
              onClick={() => {
                change(withValue(object, key, undefined));
              }}
            />
          </div>
          <TextArea
            label={`Value of ${key || "entry"}`}
            rows={2}
            value={asText(item)}
            error={errorAt(key)}
            onChange={(event) => {
              change({ ...object, [key]: event.target.value });
            }}
          />
        </div>
      ))}
      <Button
        onClick={() => {
          change({ ...object, [freeKey(object, "name")]: "" });
        }}
      >
        <Icon name="plus" /> Add {label.toLowerCase()}
      </Button>
    </FieldGroup>
  );
}

function jsonOf(value: unknown): string {
  return value === undefined || value === null ? "" : JSON.stringify(value, null, 2);
}

function jsonProblem(text: string): string | undefined {
  try {
    if (text.trim() !== "") JSON.parse(text);
    return undefined;
  } catch (problem) {
    return `Not valid JSON: ${problem instanceof Error ? problem.message : String(problem)}`;
  }
}

/** Any JSON value, typed as text; what does not parse stays in the box with a message and is not applied. */
export function JsonControl({
  label,
  hint,
  error,
  value,
  onChange,
}: {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  value: unknown;
  onChange: (value: unknown) => void;
}) {
  // The text being typed, for as long as the value is the one it produced; undo or another node shows the new value.
  const [draft, setDraft] = useState<{ text: string; value: unknown } | null>(null);
  const text = draft !== null && draft.value === value ? draft.text : jsonOf(value);
  return (
    <TextArea
      label={label}
      hint={hint ?? "JSON"}
      error={jsonProblem(text) ?? error}
      rows={4}
      value={text}
      onChange={(event) => {
        const typed = event.target.value;
        if (jsonProblem(typed) !== undefined) {
          setDraft({ text: typed, value });
          return;
        }
        const parsed: unknown = typed.trim() === "" ? undefined : JSON.parse(typed);
        setDraft({ text: typed, value: parsed });
        onChange(parsed);
      }}
    />
  );
}
