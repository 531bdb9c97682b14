import type { Schemas } from "../../api/client";
import { basicValues, basicsBody, optionalText, type BasicValues, type FormBody } from "../../ui/formBody";
import { jsonText, parseJsonObject, type JsonObject } from "../../ui/jsonText";
import { settingsBody, settingsText } from "./builtinSettings";
import { keptSecrets, secretsBody, type SecretsDraft } from "./toolSecrets";

type Tool = Schemas["ToolOut"];
export type ToolBody = Schemas["ToolIn"];
export type ToolKind = ToolBody["type"];
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export const toolKindLabels: Readonly<Record<ToolKind, string>> = {
  builtin: "Built-in (CrewAI tool)",
  custom: "Custom Python code",
  http: "HTTP request",
  docker: "Docker image",
  mcp: "MCP server",
};

export const toolKinds = Object.keys(toolKindLabels) as ToolKind[];
export const httpMethods: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** Kinds that run in the sandbox, which never receives secrets (a stdio MCP server too). */
export function refusesSecrets(values: Pick<ToolValues, "type" | "transport">): boolean {
  return values.type === "custom" || values.type === "docker" || (values.type === "mcp" && values.transport === "stdio");
}

export const exampleSource = `def shout(text: str) -> dict:
    """Returns the text in capitals."""
    print("shouting", len(text), "characters")
    return {"shouted": text.upper()}
`;

const exampleArgsSchema = { type: "object", properties: { text: { type: "string" } }, required: ["text"] };

export interface ToolValues extends BasicValues {
  type: ToolKind;
  /** A catalogue name, and its settings as typed (secret ones go in the secrets). */
  builtinTool: string;
  settings: Record<string, string>;
  source: string;
  functionName: string;
  method: HttpMethod;
  urlTemplate: string;
  /** JSON objects as text. */
  headers: string;
  bodyTemplate: string;
  image: string;
  /** One argument per line. */
  command: string;
  environment: string;
  transport: "http" | "stdio";
  url: string;
  mcpCommand: string;
  mcpArgs: string;
  /** Comma-separated; empty offers all of the server's tools. */
  mcpTools: string;
  argsSchema: string;
  secrets: SecretsDraft;
}

function read(config: JsonObject, name: string): string {
  const value = config[name];
  return typeof value === "string" ? value : "";
}

function readList(config: JsonObject, name: string): string[] {
  const value = config[name];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function readObject(config: JsonObject, name: string): JsonObject {
  const value = config[name];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

export function toolValues(tool?: Tool): ToolValues {
  const config: JsonObject = tool?.config ?? {};
  const method = read(config, "method");
  return {
    ...basicValues(tool),
    type: tool?.type ?? "custom",
    builtinTool: read(config, "tool"),
    settings: settingsText(readObject(config, "settings")),
    source: tool === undefined ? exampleSource : read(config, "source"),
    functionName: read(config, "function_name"),
    method: httpMethods.find((known) => known === method) ?? "GET",
    urlTemplate: read(config, "url_template"),
    headers: jsonText(config.headers),
    bodyTemplate: read(config, "body_template"),
    image: read(config, "image"),
    command: readList(config, "command").join("\n"),
    environment: jsonText(config.environment),
    transport: read(config, "transport") === "stdio" ? "stdio" : "http",
    url: read(config, "url"),
    mcpCommand: read(config, "command"),
    mcpArgs: readList(config, "args").join("\n"),
    mcpTools: readList(config, "tools").join(", "),
    argsSchema: jsonText(tool === undefined ? exampleArgsSchema : config.args_schema),
    secrets: keptSecrets(),
  };
}

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

type Drafted = { config: JsonObject; problems: Record<string, string> };

/** JSON fields parsed into the config, each problem named by the config field the API would name. */
function withJson(drafted: Drafted, fields: Record<string, string>): Drafted {
  const config = { ...drafted.config };
  const problems = { ...drafted.problems };
  for (const [field, text] of Object.entries(fields)) {
    const parsed = parseJsonObject(text);
    if (parsed.ok) config[field] = parsed.value ?? {};
    else problems[`config.${field}`] = parsed.message;
  }
  return { config, problems };
}

function configOf(values: ToolValues, settingsSchema: JsonObject | undefined): Drafted {
  const none = {};
  switch (values.type) {
    case "builtin":
      return { config: { tool: values.builtinTool, settings: settingsBody(values.settings, settingsSchema) }, problems: none };
    case "custom":
      return withJson(
        { config: { source: values.source, function_name: optionalText(values.functionName) }, problems: none },
        { args_schema: values.argsSchema },
      );
    case "http":
      return withJson(
        {
          config: {
            method: values.method,
            url_template: values.urlTemplate.trim(),
            body_template: values.bodyTemplate === "" ? null : values.bodyTemplate,
          },
          problems: none,
        },
        { headers: values.headers, args_schema: values.argsSchema },
      );
    case "docker":
      return withJson(
        { config: { image: values.image.trim(), command: lines(values.command) }, problems: none },
        { environment: values.environment, args_schema: values.argsSchema },
      );
    case "mcp": {
      const tools = values.mcpTools
        .split(",")
        .map((name) => name.trim())
        .filter((name) => name !== "");
      const server =
        values.transport === "http"
          ? { url: optionalText(values.url) }
          : { command: optionalText(values.mcpCommand), args: lines(values.mcpArgs) };
      return { config: { transport: values.transport, ...server, tools }, problems: none };
    }
  }
}

export function toolBody(values: ToolValues, settingsSchema?: JsonObject): FormBody<ToolBody> {
  const { config, problems } = configOf(values, settingsSchema);
  const secrets = secretsBody(values.secrets);
  if (!secrets.ok || Object.keys(problems).length > 0) {
    return { ok: false, problems: { ...problems, ...(secrets.ok ? {} : secrets.problems) } };
  }
  const body: ToolBody = { ...basicsBody(values), type: values.type, config };
  if (secrets.secrets !== undefined) body.secrets = secrets.secrets;
  return { ok: true, body };
}
