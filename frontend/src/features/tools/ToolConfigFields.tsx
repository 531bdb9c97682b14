import type { Schemas } from "../../api/client";
import { SelectField, TextArea, TextField } from "../../ui/controls";
import { fieldErrorUnder } from "../../ui/fieldProblems";
import { settingFields } from "./builtinSettings";
import { SourceField } from "./SourceField";
import { httpMethods, type HttpMethod, type ToolValues } from "./toolForm";

type CatalogueEntry = Schemas["CatalogueEntry"];

interface KindProps {
  values: ToolValues;
  change: (patch: Partial<ToolValues>) => void;
  error: unknown;
}

function configError(error: unknown, field: string): string | undefined {
  return fieldErrorUnder(error, `config.${field}`);
}

function BuiltinFields({ values, change, error, catalogue }: KindProps & { catalogue: readonly CatalogueEntry[] }) {
  const entry = catalogue.find((candidate) => candidate.name === values.builtinTool);
  const fields = settingFields(entry?.settings_schema).filter((field) => !field.secret);
  return (
    <>
      <SelectField
        label="Built-in tool"
        value={values.builtinTool}
        choices={[
          { value: "", label: catalogue.length === 0 ? "Loading the catalogue…" : "Pick a tool…" },
          ...catalogue.map((candidate) => ({ value: candidate.name, label: candidate.title })),
        ]}
        hint={entry === undefined ? undefined : entry.description}
        onChange={(event) => {
          change({ builtinTool: event.target.value, settings: {} });
        }}
        error={configError(error, "tool")}
      />
      {entry !== undefined && entry.requires.length > 0 && (
        <p className="text-sm text-amber-800">Needs on the worker: {entry.requires.join(", ")}</p>
      )}
      {fields.map((field) =>
        field.kind === "boolean" ? (
          <SelectField
            key={field.name}
            label={field.name}
            hint={field.description}
            value={values.settings[field.name] ?? ""}
            choices={[
              { value: "", label: "Default" },
              { value: "true", label: "Yes" },
              { value: "false", label: "No" },
            ]}
            onChange={(event) => {
              change({ settings: { ...values.settings, [field.name]: event.target.value } });
            }}
            error={configError(error, `settings.${field.name}`)}
          />
        ) : (
          <TextField
            key={field.name}
            label={field.name}
            hint={field.description}
            required={field.required}
            type={field.kind === "string" ? "text" : "number"}
            placeholder={field.placeholder}
            value={values.settings[field.name] ?? ""}
            onChange={(event) => {
              change({ settings: { ...values.settings, [field.name]: event.target.value } });
            }}
            error={configError(error, `settings.${field.name}`)}
          />
        ),
      )}
    </>
  );
}

function ArgsSchemaField({ values, change, error }: KindProps) {
  return (
    <TextArea
      label="Arguments (JSON Schema)"
      rows={5}
      className="font-mono text-sm"
      hint="What an agent calls the tool with; calls are checked against it"
      value={values.argsSchema}
      onChange={(event) => {
        change({ argsSchema: event.target.value });
      }}
      error={configError(error, "args_schema")}
    />
  );
}

type TextKey = "functionName" | "urlTemplate" | "bodyTemplate" | "image" | "command" | "environment" | "headers";
type McpKey = "url" | "mcpCommand" | "mcpArgs" | "mcpTools";

function KindFields({ values, change, error, readOnly }: KindProps & { readOnly: boolean }) {
  /** A text field's value and change handler, and the API's message for its config field. */
  const bind = (field: TextKey | McpKey, configField: string) => ({
    value: values[field],
    onChange: (event: { target: { value: string } }) => {
      change({ [field]: event.target.value });
    },
    error: configError(error, configField),
  });
  const code = "font-mono text-sm";
  switch (values.type) {
    case "builtin":
      return null;
    case "custom":
      return (
        <>
          <SourceField
            value={values.source}
            onChange={(source) => {
              change({ source });
            }}
            readOnly={readOnly}
            error={configError(error, "source")}
          />
          <TextField
            label="Function name"
            hint="Optional when the source defines one function"
            className="font-mono"
            {...bind("functionName", "function_name")}
          />
          <ArgsSchemaField values={values} change={change} error={error} />
        </>
      );
    case "http":
      return (
        <>
          <div className="grid gap-4 sm:grid-cols-[8rem_1fr]">
            <SelectField
              label="Method"
              value={values.method}
              choices={httpMethods.map((method) => ({ value: method, label: method }))}
              onChange={(event) => {
                change({ method: event.target.value as HttpMethod });
              }}
              error={configError(error, "method")}
            />
            <TextField
              label="URL template"
              placeholder="https://api.example.com/items/{{ id }}"
              hint="{{ argument }} inserts an argument"
              {...bind("urlTemplate", "url_template")}
            />
          </div>
          <TextArea
            label="Headers (JSON)"
            rows={2}
            className={code}
            hint="Non-secret headers; keys and tokens go in the secrets"
            {...bind("headers", "headers")}
          />
          <TextArea
            label="Body template"
            rows={3}
            className={code}
            hint="Optional Jinja2 template of the body"
            {...bind("bodyTemplate", "body_template")}
          />
          <ArgsSchemaField values={values} change={change} error={error} />
        </>
      );
    case "docker":
      return (
        <>
          <TextField
            label="Image"
            placeholder="python:3.12-slim"
            hint="Already present on the Docker engine"
            {...bind("image", "image")}
          />
          <TextArea label="Command" rows={3} className={code} hint="One argument per line" {...bind("command", "command")} />
          <TextArea
            label="Environment (JSON)"
            rows={2}
            className={code}
            hint="Non-secret variables"
            {...bind("environment", "environment")}
          />
          <ArgsSchemaField values={values} change={change} error={error} />
        </>
      );
    case "mcp":
      return (
        <>
          <SelectField
            label="Transport"
            value={values.transport}
            choices={[
              { value: "http", label: "Streamable HTTP" },
              { value: "stdio", label: "stdio (a command started in the sandbox)" },
            ]}
            onChange={(event) => {
              change({ transport: event.target.value === "stdio" ? "stdio" : "http" });
            }}
            error={configError(error, "transport")}
          />
          {values.transport === "http" ? (
            <TextField label="Server URL" placeholder="https://mcp.example.com/mcp" {...bind("url", "url")} />
          ) : (
            <>
              <TextField label="Command" placeholder="npx" {...bind("mcpCommand", "command")} />
              <TextArea label="Arguments" rows={2} className={code} hint="One per line" {...bind("mcpArgs", "args")} />
            </>
          )}
          <TextField
            label="Offered tools"
            hint="Comma-separated names; blank offers all of the server's tools"
            {...bind("mcpTools", "tools")}
          />
        </>
      );
  }
}

/** The settings of the tool's kind, each beside the API's message for it. */
export function ToolConfigFields(props: KindProps & { catalogue: readonly CatalogueEntry[]; readOnly: boolean }) {
  return props.values.type === "builtin" ? <BuiltinFields {...props} /> : <KindFields {...props} />;
}
