import type { JsonObject } from "../../ui/jsonText";

/** A built-in tool's settings form, read from its settings JSON Schema in the catalogue. */
export interface SettingField {
  name: string;
  kind: "string" | "number" | "integer" | "boolean";
  description: string;
  required: boolean;
  /** Marked "x-secret": goes in the tool's secrets, never in its settings. */
  secret: boolean;
  placeholder: string;
}

function asObject(value: unknown): JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

/** The property's type, looking through anyOf [type, null] as Pydantic writes optional fields. */
function kindOf(property: JsonObject): SettingField["kind"] {
  const variants = Array.isArray(property.anyOf) ? property.anyOf.map(asObject) : [property];
  const types = variants.map((variant) => variant.type).filter((type) => type !== "null");
  const [type] = types;
  return type === "number" || type === "integer" || type === "boolean" ? type : "string";
}

export function settingFields(schema: JsonObject | undefined): SettingField[] {
  const properties = asObject(schema?.properties);
  const required = Array.isArray(schema?.required) ? schema.required : [];
  return Object.entries(properties).map(([name, value]) => {
    const property = asObject(value);
    const fallback = property.default;
    return {
      name,
      kind: kindOf(property),
      description: typeof property.description === "string" ? property.description : "",
      required: required.includes(name),
      secret: property["x-secret"] === true,
      placeholder:
        fallback === undefined || fallback === null || fallback === ""
          ? ""
          : `default: ${typeof fallback === "string" ? fallback : JSON.stringify(fallback)}`,
    };
  });
}

export function secretSettingNames(schema: JsonObject | undefined): string[] {
  return settingFields(schema)
    .filter((field) => field.secret)
    .map((field) => field.name);
}

/** Stored settings as the texts of their fields. */
export function settingsText(settings: JsonObject): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings).map(([name, value]) => [name, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

/** The typed settings to send: blank fields left out (the tool's default applies), numbers and booleans as
 * such; a number field holding no number is sent as typed, for the API to name. */
export function settingsBody(texts: Readonly<Record<string, string>>, schema: JsonObject | undefined): JsonObject {
  const fields = new Map(settingFields(schema).map((field) => [field.name, field]));
  const settings: JsonObject = {};
  for (const [name, text] of Object.entries(texts)) {
    const field = fields.get(name);
    if (text.trim() === "" || field?.secret === true || (schema !== undefined && field === undefined)) continue;
    const number = Number(text);
    if (field?.kind === "boolean") settings[name] = text === "true";
    else if ((field?.kind === "number" || field?.kind === "integer") && !Number.isNaN(number)) settings[name] = number;
    else settings[name] = text;
  }
  return settings;
}
