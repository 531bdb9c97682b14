import { describe, expect, it } from "vitest";
import { formFields, humanize, referenceResource, type FormField, type JsonSchema } from "../src/features/editor/forms/schemaFields";
import { freeKey, numberFrom, renameKey, withValue } from "../src/features/editor/forms/configValues";

// The config schemas as GET /flows/node-types publishes them (trimmed to what the forms read).
const llmSchema: JsonSchema = {
  additionalProperties: false,
  properties: {
    provider_id: { format: "uuid", title: "Provider Id", type: "string" },
    model: { maxLength: 200, minLength: 1, title: "Model", type: "string" },
    system: {
      anyOf: [{ format: "jinja2-template", maxLength: 100000, type: "string" }, { type: "null" }],
      default: null,
      title: "System",
    },
    prompt: { format: "jinja2-template", maxLength: 100000, minLength: 1, title: "Prompt", type: "string" },
    output_format: { default: "text", enum: ["text", "json"], title: "Output Format", type: "string" },
    output_schema: {
      anyOf: [{ additionalProperties: true, type: "object" }, { type: "null" }],
      default: null,
      description: "JSON Schema of the output; required for json",
      title: "Output Schema",
    },
    temperature: { anyOf: [{ maximum: 2, minimum: 0, type: "number" }, { type: "null" }], default: null, title: "Temperature" },
    max_tokens: { anyOf: [{ maximum: 1000000, minimum: 1, type: "integer" }, { type: "null" }], default: null, title: "Max Tokens" },
  },
  required: ["provider_id", "model", "prompt"],
  title: "LlmConfig",
  type: "object",
};

const inputSchema: JsonSchema = {
  $defs: {
    InputField: {
      properties: {
        name: { maxLength: 100, minLength: 1, pattern: "^[A-Za-z_][A-Za-z0-9_]*$", title: "Name", type: "string" },
        type: { default: "string", enum: ["string", "number", "boolean", "json"], title: "Type", type: "string" },
        required: { default: true, title: "Required", type: "boolean" },
        default: { default: null, title: "Default" },
        description: { default: "", maxLength: 2000, title: "Description", type: "string" },
      },
      required: ["name"],
      title: "InputField",
      type: "object",
    },
  },
  properties: {
    fields: { items: { $ref: "#/$defs/InputField" }, maxItems: 100, title: "Fields", type: "array" },
    chat: { default: false, description: "This input receives the chat message", title: "Chat", type: "boolean" },
  },
  title: "InputConfig",
  type: "object",
};

const crewSchema: JsonSchema = {
  properties: {
    crew_id: { format: "uuid", title: "Crew Id", type: "string" },
    inputs: {
      description: "Crew placeholder -> template",
      patternProperties: { "^[A-Za-z_][A-Za-z0-9_]*$": { format: "jinja2-template", maxLength: 100000, type: "string" } },
      title: "Inputs",
      type: "object",
    },
  },
  required: ["crew_id"],
  type: "object",
};

function byName(fields: readonly FormField[]): Record<string, FormField> {
  return Object.fromEntries(fields.map((field) => [field.name, field]));
}

describe("formFields", () => {
  it("maps a model call's config: reference, texts, templates, choice, JSON and numbers", () => {
    const fields = formFields(llmSchema);
    expect(fields.map((field) => [field.name, field.kind])).toEqual([
      ["provider_id", "reference"],
      ["model", "text"],
      ["system", "longText"],
      ["prompt", "longText"],
      ["output_format", "choice"],
      ["output_schema", "json"],
      ["temperature", "number"],
      ["max_tokens", "number"],
    ]);
    const named = byName(fields);
    expect(named.provider_id).toMatchObject({ kind: "reference", resource: "providers", label: "Provider", required: true });
    expect(named.model).toMatchObject({ kind: "text", maxLength: 200, required: true, nullable: false });
    expect(named.system).toMatchObject({ kind: "longText", syntax: "template", required: false, nullable: true });
    expect(named.output_format).toMatchObject({ kind: "choice", options: ["text", "json"], defaultValue: "text" });
    expect(named.output_schema).toMatchObject({ description: "JSON Schema of the output; required for json", nullable: true });
    expect(named.temperature).toMatchObject({ kind: "number", integer: false, minimum: 0, maximum: 2, nullable: true });
    expect(named.max_tokens).toMatchObject({ kind: "number", integer: true, minimum: 1, maximum: 1000000 });
  });

  it("maps a list of objects through $defs, with a boolean and an untyped default", () => {
    const named = byName(formFields(inputSchema));
    expect(named.chat).toMatchObject({ kind: "boolean", defaultValue: false, description: "This input receives the chat message" });
    const list = named.fields;
    if (list?.kind !== "objectList") throw new Error("fields should be a list of objects");
    expect(list.itemFields.map((field) => [field.name, field.kind, field.required])).toEqual([
      ["name", "text", true],
      ["type", "choice", false],
      ["required", "boolean", false],
      ["default", "json", false],
      ["description", "longText", false],
    ]);
    expect(list.itemFields[0]).toMatchObject({ pattern: "^[A-Za-z_][A-Za-z0-9_]*$" });
    expect(list.itemFields[4]).toMatchObject({ syntax: "plain" });
  });

  it("maps named templates to key/value rows and a crew id to a crew picker", () => {
    const named = byName(formFields(crewSchema));
    expect(named.crew_id).toMatchObject({ kind: "reference", resource: "crews", label: "Crew" });
    expect(named.inputs).toMatchObject({
      kind: "keyValues",
      keyPattern: "^[A-Za-z_][A-Za-z0-9_]*$",
      valueSyntax: "template",
      label: "Inputs",
    });
  });

  it("maps expressions, nested objects, lists of texts and lists of references", () => {
    const named = byName(
      formFields({
        type: "object",
        properties: {
          expression: { format: "cel", maxLength: 10000, minLength: 1, type: "string" },
          retry: {
            anyOf: [
              { type: "object", properties: { attempts: { type: "integer" }, backoff_seconds: { type: "number" } }, required: ["attempts"] },
              { type: "null" },
            ],
            title: "Retry",
          },
          tags: { type: "array", items: { type: "string" } },
          tool_ids: { type: "array", items: { type: "string", format: "uuid" } },
          manager_agent_id: { type: "string", format: "uuid" },
          settings: { type: "object", additionalProperties: { type: "integer" } },
          anything: {},
        },
      }),
    );
    expect(named.expression).toMatchObject({ kind: "longText", syntax: "expression", label: "Expression" });
    const group = named.retry;
    if (group?.kind !== "group") throw new Error("retry should be a group");
    expect(group.nullable).toBe(true);
    expect(group.fields.map((field) => [field.name, field.kind, field.required])).toEqual([
      ["attempts", "number", true],
      ["backoff_seconds", "number", false],
    ]);
    expect(named.tags).toMatchObject({ kind: "stringList", label: "Tags" });
    expect(named.tool_ids).toMatchObject({ kind: "referenceList", resource: "tools", label: "Tool" });
    expect(named.manager_agent_id).toMatchObject({ kind: "reference", resource: "agents" });
    expect(named.settings).toMatchObject({ kind: "json" });
    expect(named.anything).toMatchObject({ kind: "json" });
  });

  it("leaves a uuid that names nothing it knows as text, and an unresolvable $ref as JSON", () => {
    const named = byName(
      formFields({
        type: "object",
        properties: { run_id: { type: "string", format: "uuid" }, broken: { $ref: "#/$defs/Missing" } },
      }),
    );
    expect(named.run_id).toMatchObject({ kind: "text", label: "Run id" });
    expect(named.broken).toMatchObject({ kind: "json" });
  });

  it("has no fields for a schema without properties", () => {
    expect(formFields({ type: "object" })).toEqual([]);
  });
});

describe("names", () => {
  it("finds the list a reference field picks from", () => {
    expect(referenceResource("provider_id")).toBe("providers");
    expect(referenceResource("manager_provider_id")).toBe("providers");
    expect(referenceResource("agent_ids")).toBe("agents");
    expect(referenceResource("tool_id")).toBe("tools");
    expect(referenceResource("crew_id")).toBe("crews");
    expect(referenceResource("run_id")).toBeNull();
    expect(referenceResource("toolbox_id")).toBeNull();
  });

  it("humanizes field names", () => {
    expect(humanize("expected_output")).toBe("Expected output");
    expect(humanize("max_tokens")).toBe("Max tokens");
  });
});

describe("config values", () => {
  it("leaves empty values out", () => {
    expect(withValue({ a: 1, b: 2 }, "a", undefined)).toEqual({ b: 2 });
    expect(withValue({ a: 1 }, "b", "")).toEqual({ a: 1 });
    expect(withValue({ a: 1 }, "b", false)).toEqual({ a: 1, b: false });
  });

  it("reads typed numbers", () => {
    expect(numberFrom("", false)).toBeUndefined();
    expect(numberFrom("1.5", false)).toBe(1.5);
    expect(numberFrom("2.9", true)).toBe(2);
    expect(numberFrom("abc", false)).toBeUndefined();
  });

  it("renames keys in place and finds free ones", () => {
    expect(Object.keys(renameKey({ a: 1, b: 2, c: 3 }, "b", "x"))).toEqual(["a", "x", "c"]);
    expect(freeKey({ name_1: "", name_2: "" }, "name")).toBe("name_3");
  });
});
