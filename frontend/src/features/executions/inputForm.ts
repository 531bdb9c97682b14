import type { Schemas } from "../../api/client";
import { isRecord } from "./runEvents";

/** The run form generated from a flow's input node: one control per field, its text turned into the inputs the
 * API checks (and coerces: numbers and JSON may come as text). */

export type InputFieldType = NonNullable<Schemas["InputField"]["type"]>;

export interface InputFormField {
  name: string;
  type: InputFieldType;
  required: boolean;
  /** Whether the API fills the field in when it is left empty. */
  hasDefault: boolean;
  description: string;
}

/** A form's values: booleans for checkboxes, text for everything else. */
export type InputFormValues = Record<string, string | boolean>;

const FIELD_TYPES: readonly InputFieldType[] = ["string", "number", "boolean", "json"];

function formField(value: unknown): InputFormField | null {
  if (!isRecord(value) || typeof value.name !== "string") return null;
  const type = FIELD_TYPES.find((candidate) => candidate === value.type) ?? "string";
  return {
    name: value.name,
    type,
    required: value.required !== false,
    hasDefault: value.default !== undefined && value.default !== null,
    description: typeof value.description === "string" ? value.description : "",
  };
}

function rawInputFields(graph: Schemas["Graph-Output"] | null | undefined): unknown[] {
  const config: unknown = graph?.nodes?.find((node) => node.type === "input")?.config;
  return isRecord(config) && Array.isArray(config.fields) ? config.fields : [];
}

/** The fields of the graph's input node, in order; none when it has no input node. */
export function inputFormFields(graph: Schemas["Graph-Output"] | null | undefined): InputFormField[] {
  return rawInputFields(graph).flatMap((raw) => {
    const field = formField(raw);
    return field === null ? [] : [field];
  });
}

function asFormValue(type: InputFieldType, value: unknown): string | boolean {
  if (type === "boolean") return value === true;
  if (value === undefined || value === null) return "";
  if (type === "json") return JSON.stringify(value, null, 2);
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The form's first values: the inputs of an earlier run where given, else each field's default. */
export function initialFormValues(
  graph: Schemas["Graph-Output"] | null | undefined,
  earlier: Readonly<Record<string, unknown>> = {},
): InputFormValues {
  return Object.fromEntries(
    rawInputFields(graph).flatMap((raw) => {
      const field = formField(raw);
      if (field === null || !isRecord(raw)) return [];
      const value = field.name in earlier ? earlier[field.name] : raw.default;
      return [[field.name, asFormValue(field.type, value)]];
    }),
  );
}

/** The inputs to send: an empty field is left out, so the API applies its default or says it is required. */
export function inputsFromForm(fields: readonly InputFormField[], values: InputFormValues): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined) continue;
    if (typeof value === "boolean") {
      inputs[field.name] = value;
      continue;
    }
    const text = field.type === "string" ? value : value.trim();
    if (text !== "") inputs[field.name] = text;
  }
  return inputs;
}

/** The API names input problems `inputs.<field>`. */
export const inputErrorField = (name: string) => `inputs.${name}`;
