import { Checkbox } from "../../../ui/Checkbox";
import { ChoiceList } from "../../../ui/ChoiceList";
import { Button, SelectField, TextArea, TextField, type Choice } from "../../../ui/controls";
import { Icon } from "../../../ui/icons";
import { FieldGroup, JsonControl, KeyValuesControl, StringListControl, syntaxHints } from "./collectionControls";
import { asList, asObject, asText, numberFrom, withValue } from "./configValues";
import type { FormField, ReferenceResource } from "./schemaFields";

export type ReferenceChoices = Readonly<Record<ReferenceResource, readonly Choice[]>>;

export interface FieldContext {
  choices: ReferenceChoices;
  /** The validation message for a config path such as `config.prompt` or `config.fields.0.name`. */
  errorAt: (path: string) => string | undefined;
}

const nouns: Record<ReferenceResource, string> = {
  agents: "an agent",
  crews: "a crew",
  tools: "a tool",
  providers: "an LLM provider",
};

function referenceChoices(resource: ReferenceResource, listed: readonly Choice[], value: string): Choice[] {
  const known = value === "" || listed.some((choice) => choice.value === value);
  return [
    { value: "", label: `Choose ${nouns[resource]}…` },
    ...listed,
    ...(known ? [] : [{ value, label: `Missing (${value.slice(0, 8)}…)` }]),
  ];
}

function labelOf(field: FormField): string {
  return field.required ? `${field.label} *` : field.label;
}

function hintOf(field: FormField): string | undefined {
  return field.description === "" ? undefined : field.description;
}

interface ControlProps {
  field: FormField;
  value: unknown;
  onChange: (value: unknown) => void;
  path: string;
  context: FieldContext;
}

/** The control for one generated form field; nested objects and lists of objects recurse. */
export function FieldControl({ field, value, onChange, path, context }: ControlProps) {
  const label = labelOf(field);
  const error = context.errorAt(path);
  const hint = hintOf(field);
  switch (field.kind) {
    case "text":
      return (
        <TextField
          label={label}
          hint={hint}
          error={error}
          value={asText(value)}
          aria-required={field.required}
          {...(field.maxLength === null ? {} : { maxLength: field.maxLength })}
          onChange={(event) => {
            onChange(event.target.value);
          }}
        />
      );
    case "longText":
      return (
        <TextArea
          label={label}
          hint={hint ?? syntaxHints[field.syntax]}
          error={error}
          rows={field.syntax === "expression" ? 2 : 4}
          spellCheck={field.syntax === "plain"}
          value={asText(value)}
          aria-required={field.required}
          onChange={(event) => {
            onChange(event.target.value);
          }}
        />
      );
    case "number":
      return (
        <TextField
          label={label}
          hint={hint}
          error={error}
          type="number"
          step={field.integer ? 1 : "any"}
          {...(field.minimum === null ? {} : { min: field.minimum })}
          {...(field.maximum === null ? {} : { max: field.maximum })}
          value={typeof value === "number" ? String(value) : ""}
          onChange={(event) => {
            onChange(numberFrom(event.target.value, field.integer));
          }}
        />
      );
    case "boolean":
      return (
        <Checkbox
          label={field.label}
          hint={hint}
          error={error}
          checked={typeof value === "boolean" ? value : field.defaultValue === true}
          onChange={(event) => {
            onChange(event.target.checked);
          }}
        />
      );
    case "choice": {
      const fallback = typeof field.defaultValue === "string" ? field.defaultValue : "";
      const blank = field.required ? [] : [{ value: "", label: fallback === "" ? "—" : `Default (${fallback})` }];
      return (
        <SelectField
          label={label}
          hint={hint}
          error={error}
          value={asText(value)}
          choices={[...blank, ...field.options.map((option) => ({ value: option, label: option }))]}
          onChange={(event) => {
            onChange(event.target.value);
          }}
        />
      );
    }
    case "reference": {
      const chosen = asText(value);
      return (
        <SelectField
          label={label}
          hint={hint}
          error={error}
          value={chosen}
          choices={referenceChoices(field.resource, context.choices[field.resource], chosen)}
          onChange={(event) => {
            onChange(event.target.value);
          }}
        />
      );
    }
    case "referenceList":
      return (
        <ChoiceList
          legend={label}
          hint={hint}
          error={error}
          choices={context.choices[field.resource]}
          selected={asList(value).map(asText)}
          empty={`No ${field.resource} in this workspace yet.`}
          onChange={(selected) => {
            onChange(selected.length === 0 ? undefined : selected);
          }}
        />
      );
    case "stringList":
      return <StringListControl label={label} hint={hint} error={error} value={value} onChange={onChange} />;
    case "keyValues":
      return (
        <KeyValuesControl
          label={label}
          hint={hint}
          error={error}
          errorAt={(key) => context.errorAt(`${path}.${key}`)}
          valueSyntax={field.valueSyntax}
          value={value}
          onChange={onChange}
        />
      );
    case "objectList":
      return <ObjectListControl field={field} value={value} onChange={onChange} path={path} context={context} />;
    case "group":
      return (
        <FieldGroup label={label} hint={hint} error={error}>
          <div className="space-y-3 border-l-2 border-slate-200 pl-3">
            <FieldList fields={field.fields} value={value} onChange={onChange} path={path} context={context} />
          </div>
        </FieldGroup>
      );
    case "json":
      return <JsonControl label={label} hint={hint} error={error} value={value} onChange={onChange} />;
  }
}

/** The controls of an object's fields; an object left empty is left out. */
export function FieldList({
  fields,
  value,
  onChange,
  path,
  context,
}: {
  fields: readonly FormField[];
  value: unknown;
  onChange: (value: unknown) => void;
  path: string;
  context: FieldContext;
}) {
  const object = asObject(value);
  return fields.map((field) => (
    <FieldControl
      key={field.name}
      field={field}
      value={object[field.name]}
      path={`${path}.${field.name}`}
      context={context}
      onChange={(next) => {
        const changed = withValue(object, field.name, next);
        onChange(Object.keys(changed).length === 0 ? undefined : changed);
      }}
    />
  ));
}

function ObjectListControl({ field, value, onChange, path, context }: ControlProps & { field: { kind: "objectList" } }) {
  const items = asList(value);
  const change = (next: unknown[]) => {
    onChange(next.length === 0 ? undefined : next);
  };
  const noun = field.label.replace(/s$/, "").toLowerCase();
  return (
    <FieldGroup label={labelOf(field)} hint={hintOf(field)} error={context.errorAt(path)}>
      {items.map((item, index) => (
        <fieldset key={index} className="space-y-2 rounded-md border border-slate-200 p-3">
          <legend className="flex items-center gap-2 px-1 text-xs font-semibold text-slate-600">
            {noun} {index + 1}
            <Button
              look="quiet"
              className="px-1.5 py-0.5"
              aria-label={`Remove ${noun} ${String(index + 1)}`}
              onClick={() => {
                change(items.filter((_item, position) => position !== index));
              }}
            >
              <Icon name="trash" className="size-3.5" />
            </Button>
          </legend>
          <FieldList
            fields={field.itemFields}
            value={item}
            path={`${path}.${String(index)}`}
            context={context}
            onChange={(next) => {
              change(items.map((other, position) => (position === index ? (next ?? {}) : other)));
            }}
          />
        </fieldset>
      ))}
      <Button
        onClick={() => {
          change([...items, {}]);
        }}
      >
        <Icon name="plus" /> Add {noun}
      </Button>
    </FieldGroup>
  );
}
