import { useQuery } from "@tanstack/react-query";
import { useState, type SubmitEvent } from "react";
import { useParams } from "react-router";
import { api, type Schemas } from "../../api/client";
import { fieldError, unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { BasicsFields, basicFieldNames } from "../../ui/BasicsFields";
import { SelectField } from "../../ui/controls";
import { fieldErrorUnder } from "../../ui/fieldProblems";
import { bodyOrThrow } from "../../ui/formBody";
import { FormFooter, FormSection } from "../../ui/FormParts";
import { ResourceEditor } from "../../ui/ResourceEditor";
import { useResourceSave } from "../../ui/useResourceSave";
import { secretSettingNames } from "./builtinSettings";
import { McpServerTools } from "./McpServerTools";
import { SecretsField } from "./SecretsField";
import { ToolConfigFields } from "./ToolConfigFields";
import { refusesSecrets, toolBody, toolKindLabels, toolKinds, toolValues, type ToolKind, type ToolValues } from "./toolForm";
import { keptSecrets } from "./toolSecrets";
import { ToolTestPanel } from "./ToolTestPanel";

type Tool = Schemas["ToolOut"];

const shownFields = [...basicFieldNames, "type", "config", "secrets", "version"];

function useCatalogue() {
  return useQuery({
    queryKey: [...queryKeys.tools.all, "catalogue"],
    queryFn: () => unwrap(api.GET("/api/v1/tools/catalogue")),
    select: (catalogue) => catalogue.items,
    staleTime: Infinity,
  });
}

function secretsHint(values: ToolValues, secretNames: readonly string[]): string {
  if (refusesSecrets(values)) return "This kind runs in the sandbox, which never receives secrets: the API refuses them.";
  if (values.type === "builtin") {
    return secretNames.length > 0 ? `This tool takes these secrets: ${secretNames.join(", ")}.` : "This tool takes no secrets.";
  }
  return "Each secret is sent as the request header of the same name, e.g. Authorization; values are stored encrypted and never shown again.";
}

function ToolForm({ tool, canWrite, canTest }: { tool: Tool | undefined; canWrite: boolean; canTest: boolean }) {
  const [values, setValues] = useState(() => toolValues(tool));
  const [baseline, setBaseline] = useState(values);
  const catalogue = useCatalogue();
  const entries = catalogue.data ?? [];
  const settingsSchema = entries.find((entry) => entry.name === values.builtinTool)?.settings_schema;
  const change = (patch: Partial<ToolValues>) => {
    setValues((current) => ({ ...current, ...patch }));
  };
  const save = useResourceSave({
    path: "/tools",
    isNew: tool === undefined,
    keys: queryKeys.tools,
    save: async ({ version, ...submitted }: ToolValues & { version: number | undefined }) => {
      const body = bodyOrThrow(toolBody(submitted, settingsSchema));
      if (tool === undefined || version === undefined) return unwrap(api.POST("/api/v1/tools", { body }));
      return unwrap(api.PUT("/api/v1/tools/{tool_id}", { params: { path: { tool_id: tool.id } }, body: { ...body, version } }));
    },
  });
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate(
      { ...values, version: save.data?.version ?? tool?.version },
      {
        onSuccess: () => {
          // Saved secrets are only names from now on.
          const saved = { ...values, secrets: keptSecrets() };
          setValues(saved);
          setBaseline(saved);
        },
      },
    );
  };
  const stored = save.data ?? tool;
  return (
    <>
      <form onSubmit={submit} noValidate aria-label="Tool" className="space-y-4">
        <fieldset disabled={!canWrite} className="space-y-4">
          <FormSection title="Tool" description="Something an agent can call, or a flow step can run.">
            <BasicsFields values={values} onChange={change} error={save.error} namePlaceholder="e.g. Word counter" />
            <SelectField
              label="Kind"
              value={values.type}
              choices={toolKinds.map((kind) => ({ value: kind, label: toolKindLabels[kind] }))}
              onChange={(event) => {
                change({ type: event.target.value as ToolKind });
              }}
              error={fieldError(save.error, "type")}
            />
          </FormSection>
          <FormSection title={`${toolKindLabels[values.type]} settings`}>
            <ToolConfigFields values={values} change={change} error={save.error} catalogue={entries} readOnly={!canWrite} />
          </FormSection>
          <FormSection title="Secrets" description="Write-only: stored encrypted, never shown again.">
            <SecretsField
              draft={values.secrets}
              onChange={(secrets) => {
                change({ secrets });
              }}
              storedNames={stored?.secret_names ?? []}
              suggestedNames={values.type === "builtin" ? secretSettingNames(settingsSchema) : []}
              hint={secretsHint(values, secretSettingNames(settingsSchema))}
              readOnly={!canWrite}
              error={fieldErrorUnder(save.error, "secrets")}
            />
          </FormSection>
        </fieldset>
        {canWrite && <FormFooter busy={save.isPending} saved={save.isSuccess} error={save.error} shownFields={shownFields} />}
      </form>
      {stored !== undefined && canTest && (
        <div className="mt-4 space-y-4">
          {/* Its starting arguments come from the catalogue for a built-in tool: set up once it has loaded. */}
          <ToolTestPanel
            key={catalogue.isPending ? "waiting" : "ready"}
            tool={stored}
            catalogue={entries}
            unsaved={JSON.stringify(values) !== JSON.stringify(baseline)}
          />
          {stored.type === "mcp" && <McpServerTools toolId={stored.id} />}
        </div>
      )}
    </>
  );
}

export function ToolEditor() {
  const { toolId } = useParams();
  const canWrite = useCan("tools", "write");
  const canDelete = useCan("tools", "delete");
  const canTest = useCan("tools", "execute");
  return (
    <ResourceEditor<Tool>
      noun="tool"
      listPath="/tools"
      listLabel="Tools"
      itemId={toolId}
      queryKey={queryKeys.tools.detail(toolId ?? "new")}
      load={(id) => unwrap(api.GET("/api/v1/tools/{tool_id}", { params: { path: { tool_id: id } } }))}
      remove={(id) => unwrap(api.DELETE("/api/v1/tools/{tool_id}", { params: { path: { tool_id: id } } }))}
      invalidate={queryKeys.tools.all}
      canWrite={canWrite}
      canDelete={canDelete}
    >
      {(tool) => <ToolForm key={tool?.id ?? "new"} tool={tool} canWrite={canWrite} canTest={canTest} />}
    </ResourceEditor>
  );
}
