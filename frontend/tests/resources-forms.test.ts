import { describe, expect, it } from "vitest";
import type { Schemas } from "../src/api/client";
import { ApiError } from "../src/api/problems";
import { agentBody, agentValues, withProvider } from "../src/features/agents/agentForm";
import { providerCreateBody, providerUpdateBody, providerValues, withType } from "../src/features/providers/providerForm";
import { secretSettingNames, settingFields, settingsBody } from "../src/features/tools/builtinSettings";
import { toolBody, toolValues, type ToolValues } from "../src/features/tools/toolForm";
import { replacingSecrets } from "../src/features/tools/toolSecrets";
import { exampleArguments } from "../src/features/tools/toolTest";
import { fieldErrorUnder, problemsOutside } from "../src/ui/fieldProblems";
import { bodyOrThrow } from "../src/ui/formBody";
import { parseJsonObject } from "../src/ui/jsonText";

const PROVIDER = "00000000-0000-4000-8000-0000000000aa";
const OTHER_PROVIDER = "00000000-0000-4000-8000-0000000000bb";
const resource = { description: "", tags: [], version: 2, created_by: null, created_at: "2024-01-01T00:00:00Z", updated_at: "2024-01-01T00:00:00Z" };

function provider(overrides: Partial<Schemas["ProviderOut"]> = {}): Schemas["ProviderOut"] {
  return {
    ...resource,
    id: PROVIDER,
    name: "OpenAI",
    type: "openai",
    base_url: null,
    default_model: "gpt-4o-mini",
    options: {},
    has_api_key: true,
    api_key_last4: "9xyz",
    ...overrides,
  };
}

describe("the provider form", () => {
  it("sends a typed key for a new provider, and a base URL only for types that take one", () => {
    const values = { ...providerValues(), name: " Team ", apiKey: "sk-123", baseUrl: "https://ignored" };
    expect(providerCreateBody(values)).toEqual({
      ok: true,
      body: { name: "Team", description: "", tags: [], type: "openai", base_url: null, default_model: "gpt-4o-mini", options: {}, api_key: "sk-123" },
    });
    const compatible = providerCreateBody({ ...values, type: "openai_compatible", apiKey: "" });
    expect(compatible.ok && [compatible.body.base_url, compatible.body.api_key]).toEqual(["https://ignored", undefined]);
  });

  it("keeps, replaces or clears the stored key on update", () => {
    const values = providerValues(provider());
    expect(values.keyChange).toBe("keep");
    const kept = bodyOrThrow(providerUpdateBody(values, 2));
    expect([kept.api_key, kept.clear_api_key, kept.version]).toEqual([undefined, false, 2]);
    const replaced = bodyOrThrow(providerUpdateBody({ ...values, keyChange: "replace", apiKey: " sk-new " }, 2));
    expect([replaced.api_key, replaced.clear_api_key]).toEqual(["sk-new", false]);
    const cleared = bodyOrThrow(providerUpdateBody({ ...values, keyChange: "clear" }, 2));
    expect([cleared.api_key, cleared.clear_api_key]).toEqual([undefined, true]);
    expect(providerUpdateBody({ ...values, keyChange: "replace" }, 2)).toEqual({
      ok: false,
      problems: { api_key: "type the new key, or keep the stored one" },
    });
  });

  it("clears the key of a provider turned into a mock, which takes none", () => {
    const body = bodyOrThrow(providerUpdateBody({ ...providerValues(provider()), type: "mock", keyChange: "replace", apiKey: "sk" }, 2));
    expect([body.api_key, body.clear_api_key]).toEqual([undefined, true]);
  });

  it("reads options as a JSON object, naming the field otherwise", () => {
    const values = { ...providerValues(), type: "mock" as const, options: '{"latency_ms": 5}' };
    expect(bodyOrThrow(providerCreateBody(values)).options).toEqual({ latency_ms: 5 });
    const broken = providerCreateBody({ ...values, options: "{latency" });
    expect(broken.ok ? null : Object.keys(broken.problems)).toEqual(["options"]);
  });

  it("brings a type's default model along unless one was typed", () => {
    expect(withType(providerValues(), "mock").defaultModel).toBe("mock-1");
    expect(withType({ ...providerValues(), defaultModel: "gpt-4.1" }, "mock").defaultModel).toBe("gpt-4.1");
  });
});

describe("the agent form", () => {
  const providers = [
    { id: PROVIDER, default_model: "gpt-4o-mini" },
    { id: OTHER_PROVIDER, default_model: "mock-1" },
  ];

  it("needs a provider before anything is sent", () => {
    expect(agentBody(agentValues())).toEqual({ ok: false, problems: { provider_id: "pick the LLM provider the agent calls" } });
  });

  it("sends blank number fields as null and the default step limit", () => {
    const values = { ...agentValues(), name: "Ada", role: "Researcher", goal: "Find", providerId: PROVIDER, model: " gpt-4o ", maxIter: "", temperature: "0.5", toolIds: ["t1"] };
    const body = bodyOrThrow(agentBody(values));
    expect(body).toMatchObject({ model: "gpt-4o", temperature: 0.5, max_iter: 20, max_rpm: null, max_execution_time: null, tool_ids: ["t1"], system_template: null });
  });

  it("takes the picked provider's default model while the model was the previous default", () => {
    const picked = withProvider(agentValues(), PROVIDER, providers);
    expect(picked.model).toBe("gpt-4o-mini");
    expect(withProvider(picked, OTHER_PROVIDER, providers).model).toBe("mock-1");
    expect(withProvider({ ...picked, model: "o3" }, OTHER_PROVIDER, providers).model).toBe("o3");
  });
});

const serper = {
  type: "object",
  required: ["SERPER_API_KEY"],
  properties: {
    SERPER_API_KEY: { type: "string", "x-secret": true },
    n_results: { type: "integer", default: 10, description: "How many" },
    country: { anyOf: [{ type: "string" }, { type: "null" }], default: "" },
    safe: { anyOf: [{ type: "boolean" }, { type: "null" }] },
  },
};

describe("built-in tool settings", () => {
  it("reads fields and secret names from the settings schema", () => {
    expect(settingFields(serper).map((field) => [field.name, field.kind, field.secret, field.placeholder])).toEqual([
      ["SERPER_API_KEY", "string", true, ""],
      ["n_results", "integer", false, "default: 10"],
      ["country", "string", false, ""],
      ["safe", "boolean", false, ""],
    ]);
    expect(secretSettingNames(serper)).toEqual(["SERPER_API_KEY"]);
  });

  it("types the settings, leaving out blanks, secrets and names the tool does not know", () => {
    const texts = { n_results: "5", country: "fr", safe: "true", SERPER_API_KEY: "k", stale: "x", blank: " " };
    expect(settingsBody(texts, serper)).toEqual({ n_results: 5, country: "fr", safe: true });
  });
});

describe("the tool form", () => {
  const custom = (overrides: Partial<ToolValues> = {}): ToolValues => ({ ...toolValues(), name: "Shout", ...overrides });

  it("starts a new tool as working custom code", () => {
    const body = bodyOrThrow(toolBody(custom()));
    expect(body.type).toBe("custom");
    expect(body.config).toMatchObject({ function_name: null, args_schema: { type: "object", required: ["text"] } });
    expect(body.secrets).toBeUndefined();
  });

  it("builds each kind's config, and names the JSON field that is broken", () => {
    const http = custom({ type: "http", method: "POST", urlTemplate: " https://x.test/{{ q }} ", headers: '{"Accept": "text/plain"}', argsSchema: "" });
    expect(bodyOrThrow(toolBody(http)).config).toEqual({
      method: "POST",
      url_template: "https://x.test/{{ q }}",
      body_template: null,
      headers: { Accept: "text/plain" },
      args_schema: {},
    });
    const docker = custom({ type: "docker", image: "python:3.12-slim", command: "python\n\n-c\nprint(1)", environment: "nope" });
    expect(toolBody(docker)).toEqual({ ok: false, problems: { "config.environment": "not valid JSON: " + jsonError("nope") } });
    const stdio = custom({ type: "mcp", transport: "stdio", mcpCommand: "npx", mcpArgs: "server\n--flag", mcpTools: "a, b," });
    expect(bodyOrThrow(toolBody(stdio)).config).toEqual({ transport: "stdio", command: "npx", args: ["server", "--flag"], tools: ["a", "b"] });
  });

  it("sends secrets only when they change: kept, replaced all together, or removed", () => {
    expect(bodyOrThrow(toolBody(custom({ type: "http", urlTemplate: "https://x.test" }))).secrets).toBeUndefined();
    const replaced = custom({ type: "http", urlTemplate: "https://x.test", secrets: { change: "replace", rows: [{ name: "Authorization", value: "Bearer t" }] } });
    expect(bodyOrThrow(toolBody(replaced)).secrets).toEqual({ Authorization: "Bearer t" });
    expect(bodyOrThrow(toolBody(custom({ secrets: { change: "clear", rows: [] } }))).secrets).toEqual({});
    expect(toolBody(custom({ secrets: replacingSecrets(["TOKEN"]) }))).toEqual({
      ok: false,
      problems: { "secrets.TOKEN": "type the value (stored values are never shown, so every secret is set again)" },
    });
  });

  it("loads a stored tool's config back into the form", () => {
    const stored: Schemas["ToolOut"] = {
      ...resource,
      id: "t",
      name: "Search",
      type: "builtin",
      config: { tool: "serper_dev_search", settings: { n_results: 5 } },
      secret_names: ["SERPER_API_KEY"],
    };
    const values = toolValues(stored);
    expect([values.builtinTool, values.settings]).toEqual(["serper_dev_search", { n_results: "5" }]);
    expect(bodyOrThrow(toolBody(values, serper)).config).toEqual({ tool: "serper_dev_search", settings: { n_results: 5 } });
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return "";
  } catch (error) {
    return error instanceof Error ? error.message : "";
  }
}

describe("test arguments and field errors", () => {
  it("starts a test from the required arguments with defaults or empty values", () => {
    const schema = { type: "object", properties: { width: { type: "integer" }, label: { type: "string", default: "box" }, tags: { type: "array" } }, required: ["width", "label"] };
    expect(exampleArguments(schema)).toEqual({ width: 0, label: "box" });
    expect(exampleArguments({ properties: { on: { anyOf: [{ type: "boolean" }, { type: "null" }] } } })).toEqual({ on: false });
    expect(exampleArguments(undefined)).toEqual({});
  });

  it("parses JSON objects only", () => {
    expect(parseJsonObject("  ")).toEqual({ ok: true, value: {} });
    expect(parseJsonObject("", null)).toEqual({ ok: true, value: null });
    expect(parseJsonObject("[]")).toEqual({ ok: false, message: "must be a JSON object: { … }" });
  });

  it("gathers a field's nested problems, and lists those no field shows", () => {
    const error = new ApiError("x", { "options.latency_ms": "too slow", options: "bad", "tasks.0.key": "taken", name: "blank" }, 422);
    expect(fieldErrorUnder(error, "options")).toBe("latency_ms: too slow; bad");
    expect(fieldErrorUnder(error, "option")).toBeUndefined();
    expect(problemsOutside(error, ["name", "options"])).toEqual(["tasks.0.key: taken"]);
    expect(fieldErrorUnder(new Error("plain"), "name")).toBeUndefined();
  });
});
