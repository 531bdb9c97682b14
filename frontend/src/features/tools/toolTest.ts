import type { JsonObject } from "../../ui/jsonText";

function asObject(value: unknown): JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function placeholder(property: JsonObject): unknown {
  if (property.default !== undefined && property.default !== null) return property.default;
  const variants = Array.isArray(property.anyOf) ? property.anyOf.map(asObject) : [property];
  const type = variants.map((variant) => variant.type).find((candidate) => candidate !== "null");
  switch (type) {
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return {};
    default:
      return "";
  }
}

/** Arguments to start a test from: every required property of the schema (all of them when none is
 * required) with its default or an empty value of its type. */
export function exampleArguments(schema: unknown): JsonObject {
  const properties = asObject(asObject(schema).properties);
  const required = asObject(schema).required;
  const names = Array.isArray(required) && required.length > 0 ? required.filter((name) => typeof name === "string") : Object.keys(properties);
  return Object.fromEntries(names.map((name) => [name, placeholder(asObject(properties[name]))]));
}

/** The arguments schema a tool is tried against: its own, or for a built-in tool the catalogue's. */
export function argumentsSchema(tool: { type: string; config: JsonObject }, catalogue: readonly { name: string; args_schema: JsonObject }[]): unknown {
  if (tool.type === "builtin") return catalogue.find((entry) => entry.name === tool.config.tool)?.args_schema;
  if (tool.type === "mcp") return { type: "object", properties: { tool: { type: "string" } }, required: ["tool"] };
  return tool.config.args_schema;
}
