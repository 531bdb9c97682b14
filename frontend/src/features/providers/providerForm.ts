import type { Schemas } from "../../api/client";
import { basicValues, basicsBody, optionalText, type BasicValues, type FormBody } from "../../ui/formBody";
import { jsonText, parseJsonObject } from "../../ui/jsonText";

export type ProviderType = Schemas["ProviderType"];
type Provider = Schemas["ProviderOut"];

export const providerTypeLabels: Readonly<Record<ProviderType, string>> = {
  mock: "Mock (offline)",
  openai: "OpenAI",
  anthropic: "Anthropic",
  azure: "Azure OpenAI",
  gemini: "Google Gemini",
  ollama: "Ollama",
  openai_compatible: "OpenAI-compatible URL",
};

export const providerTypes = Object.keys(providerTypeLabels) as ProviderType[];

/** The API's rules per type (backend llm/service.py): which take a base URL, which need one, which take a key. */
export function takesBaseUrl(type: ProviderType): boolean {
  return type === "openai_compatible" || type === "azure" || type === "ollama";
}

export function needsBaseUrl(type: ProviderType): boolean {
  return type === "openai_compatible" || type === "azure";
}

export function takesApiKey(type: ProviderType): boolean {
  return type !== "mock";
}

export const optionHints: Readonly<Record<ProviderType, string>> = {
  mock: 'Scripted replies and a delay, e.g. {"latency_ms": 200, "responses": [{"match": "hello", "reply": "Hi!"}]}',
  openai: 'e.g. {"organization": "org-…"}',
  azure: 'e.g. {"api_version": "2024-06-01"}',
  anthropic: "None needed",
  gemini: "None needed",
  ollama: "None needed",
  openai_compatible: "None needed",
};

export const defaultModels: Readonly<Record<ProviderType, string>> = {
  mock: "mock-1",
  openai: "gpt-4o-mini",
  anthropic: "claude-3-5-haiku-latest",
  azure: "",
  gemini: "gemini-1.5-flash",
  ollama: "llama3.1",
  openai_compatible: "",
};

/** What happens to the stored key on save: kept, replaced by the typed one, or removed. */
export type KeyChange = "keep" | "replace" | "clear";

export interface ProviderValues extends BasicValues {
  type: ProviderType;
  baseUrl: string;
  defaultModel: string;
  /** JSON object text. */
  options: string;
  apiKey: string;
  keyChange: KeyChange;
}

export function providerValues(provider?: Provider): ProviderValues {
  return {
    ...basicValues(provider),
    type: provider?.type ?? "openai",
    baseUrl: provider?.base_url ?? "",
    defaultModel: provider?.default_model ?? defaultModels.openai,
    options: jsonText(provider?.options),
    apiKey: "",
    // A new provider has no key to keep: whatever is typed is its key.
    keyChange: provider === undefined ? "replace" : "keep",
  };
}

/** A new type brings its usual default model when the current one was the old type's default. */
export function withType(values: ProviderValues, type: ProviderType): ProviderValues {
  const defaultModel =
    values.defaultModel === "" || values.defaultModel === defaultModels[values.type] ? defaultModels[type] : values.defaultModel;
  return { ...values, type, defaultModel };
}

export type ProviderBody = Schemas["ProviderIn"];
export type ProviderUpdateBody = Schemas["ProviderUpdate"];

function settingsBody(values: ProviderValues): FormBody<ProviderBody> {
  const options = parseJsonObject(values.options);
  if (!options.ok) return { ok: false, problems: { options: options.message } };
  const typedKey = values.keyChange === "replace" && takesApiKey(values.type) ? optionalText(values.apiKey) : null;
  const body: ProviderBody = {
    ...basicsBody(values),
    type: values.type,
    base_url: takesBaseUrl(values.type) ? optionalText(values.baseUrl) : null,
    default_model: values.defaultModel.trim(),
    options: options.value ?? {},
  };
  if (typedKey !== null) body.api_key = typedKey;
  return { ok: true, body };
}

export function providerCreateBody(values: ProviderValues): FormBody<ProviderBody> {
  return settingsBody(values);
}

export function providerUpdateBody(values: ProviderValues, version: number): FormBody<ProviderUpdateBody> {
  const drafted = settingsBody(values);
  if (!drafted.ok) return drafted;
  if (values.keyChange === "replace" && takesApiKey(values.type) && drafted.body.api_key === undefined) {
    return { ok: false, problems: { api_key: "type the new key, or keep the stored one" } };
  }
  return { ok: true, body: { ...drafted.body, version, clear_api_key: values.keyChange === "clear" || !takesApiKey(values.type) } };
}
