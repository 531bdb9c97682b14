/**
 * Turns a node type's config JSON Schema (as the API's Pydantic models publish it) into the list of form
 * fields that edit it. Pure, so every kind of field is tested without a browser.
 */

export type JsonSchema = Readonly<Record<string, unknown>>;

/** The workspace lists a reference field picks from. */
export type ReferenceResource = "agents" | "crews" | "tools" | "providers";

/** How a long text is read: a Jinja2 template, a CEL expression or plain text. */
export type TextSyntax = "template" | "expression" | "plain";

interface FieldBase {
  name: string;
  label: string;
  description: string;
  required: boolean;
  /** The API accepts null here; an empty control sends nothing. */
  nullable: boolean;
  defaultValue: unknown;
}

export type FormField = FieldBase &
  (
    | { kind: "text"; pattern: string | null; maxLength: number | null }
    | { kind: "longText"; syntax: TextSyntax; maxLength: number | null }
    | { kind: "number"; integer: boolean; minimum: number | null; maximum: number | null }
    | { kind: "boolean" }
    | { kind: "choice"; options: string[] }
    | { kind: "reference"; resource: ReferenceResource }
    | { kind: "referenceList"; resource: ReferenceResource }
    | { kind: "stringList" }
    | { kind: "keyValues"; keyPattern: string | null; valueSyntax: TextSyntax }
    | { kind: "objectList"; itemFields: FormField[] }
    | { kind: "group"; fields: FormField[] }
    | { kind: "json" }
  );

export type FieldKind = FormField["kind"];

/** Texts longer than this get a text area. */
const LONG_TEXT = 200;
const MAX_DEPTH = 6;

const REFERENCE_NAMES: Record<string, ReferenceResource> = {
  agent: "agents",
  crew: "crews",
  tool: "tools",
  provider: "providers",
};

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
const number = (value: unknown): number | null => (typeof value === "number" ? value : null);

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = text(schema.$ref);
  if (ref === null) return schema;
  const [, section, name] = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref) ?? [];
  const definitions = section === undefined ? undefined : root[section];
  const target = isSchema(definitions) && name !== undefined ? definitions[name] : undefined;
  return isSchema(target) ? { ...target, ...schema, $ref: undefined } : {};
}

/** `anyOf: [X, {type: "null"}]` is an optional X. */
function unwrapNullable(schema: JsonSchema, root: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const options = Array.isArray(schema.anyOf) ? schema.anyOf.filter(isSchema) : null;
  if (options === null) return { schema: resolve(schema, root), nullable: false };
  const present = options.filter((option) => option.type !== "null");
  const nullable = present.length < options.length;
  const [only] = present;
  if (present.length === 1 && only !== undefined) {
    return { schema: { ...resolve(only, root), ...schema, anyOf: undefined }, nullable };
  }
  return { schema: {}, nullable };
}

/** "provider_id" → "providers"; "manager_agent_id" → "agents"; "tool_ids" → "tools". */
export function referenceResource(name: string): ReferenceResource | null {
  const match = /(?:^|_)(agent|crew|tool|provider)_ids?$/.exec(name);
  return match?.[1] === undefined ? null : (REFERENCE_NAMES[match[1]] ?? null);
}

export function humanize(name: string): string {
  const words = name.split("_").filter(Boolean);
  const sentence = words.join(" ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

function syntaxOf(schema: JsonSchema): TextSyntax {
  const format = text(schema.format);
  if (format === "jinja2-template") return "template";
  if (format === "cel") return "expression";
  return "plain";
}

function stringValues(schema: JsonSchema, root: JsonSchema): JsonSchema | null {
  const patterns = isSchema(schema.patternProperties) ? Object.values(schema.patternProperties).filter(isSchema) : [];
  const extra = isSchema(schema.additionalProperties) ? [schema.additionalProperties] : [];
  const [values] = [...patterns, ...extra].map((value) => resolve(value, root));
  return values !== undefined && values.type === "string" ? values : null;
}

type FieldShape = FormField extends infer Field ? (Field extends FormField ? Omit<Field, keyof FieldBase> : never) : never;

function shapeOf(name: string, schema: JsonSchema, root: JsonSchema, depth: number): FieldShape {
  const type = schema.type;
  if (Array.isArray(schema.enum) && schema.enum.every((option) => typeof option === "string")) {
    return { kind: "choice", options: schema.enum };
  }
  if (type === "string") {
    const resource = text(schema.format) === "uuid" ? referenceResource(name) : null;
    if (resource !== null) return { kind: "reference", resource };
    const syntax = syntaxOf(schema);
    const maxLength = number(schema.maxLength);
    if (syntax !== "plain" || (maxLength ?? 0) > LONG_TEXT) return { kind: "longText", syntax, maxLength };
    return { kind: "text", pattern: text(schema.pattern), maxLength };
  }
  if (type === "integer" || type === "number") {
    return {
      kind: "number",
      integer: type === "integer",
      minimum: number(schema.minimum),
      maximum: number(schema.maximum),
    };
  }
  if (type === "boolean") return { kind: "boolean" };
  if (type === "array" && isSchema(schema.items)) {
    const items = resolve(schema.items, root);
    if (items.type === "string") {
      const resource = text(items.format) === "uuid" ? referenceResource(name) : null;
      return resource === null ? { kind: "stringList" } : { kind: "referenceList", resource };
    }
    if (items.type === "object" && isSchema(items.properties) && depth < MAX_DEPTH) {
      return { kind: "objectList", itemFields: fieldsAt(items, root, depth + 1) };
    }
    return { kind: "json" };
  }
  if (type === "object") {
    if (isSchema(schema.properties) && Object.keys(schema.properties).length > 0 && depth < MAX_DEPTH) {
      return { kind: "group", fields: fieldsAt(schema, root, depth + 1) };
    }
    const values = stringValues(schema, root);
    if (values !== null) {
      const [keyPattern] = isSchema(schema.patternProperties) ? Object.keys(schema.patternProperties) : [];
      return { kind: "keyValues", keyPattern: keyPattern ?? null, valueSyntax: syntaxOf(values) };
    }
  }
  return { kind: "json" };
}

function fieldsAt(schema: JsonSchema, root: JsonSchema, depth: number): FormField[] {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((name) => typeof name === "string") : []);
  return Object.entries(properties).flatMap(([name, property]): FormField[] => {
    if (!isSchema(property)) return [];
    const { schema: field, nullable } = unwrapNullable(property, root);
    const shape = shapeOf(name, field, root, depth);
    const reference = shape.kind === "reference" || shape.kind === "referenceList";
    const title = text(property.title) ?? text(field.title);
    return [
      {
        name,
        label: reference ? humanize(name.replace(/_ids?$/, "")) : (title ?? humanize(name)),
        description: text(property.description) ?? text(field.description) ?? "",
        required: required.has(name),
        nullable,
        defaultValue: property.default ?? field.default,
        ...shape,
      },
    ];
  });
}

/** The form fields of an object schema, in the schema's order. */
export function formFields(schema: JsonSchema): FormField[] {
  return fieldsAt(resolve(schema, schema), schema, 0);
}
