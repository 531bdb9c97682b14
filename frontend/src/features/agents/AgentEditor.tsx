import { useId, useState, type SubmitEvent } from "react";
import { useParams } from "react-router";
import { api, type Schemas } from "../../api/client";
import { fieldError, unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { BasicsFields, basicFieldNames } from "../../ui/BasicsFields";
import { ItemLink } from "../../ui/ButtonLink";
import { Checkbox } from "../../ui/Checkbox";
import { ChoiceList } from "../../ui/ChoiceList";
import { SelectField, TextArea, TextField } from "../../ui/controls";
import { fieldErrorUnder } from "../../ui/fieldProblems";
import { bodyOrThrow } from "../../ui/formBody";
import { FormFooter, FormSection } from "../../ui/FormParts";
import { ResourceEditor } from "../../ui/ResourceEditor";
import { useResourceSave } from "../../ui/useResourceSave";
import { useProviderChoices, useToolChoices } from "../../ui/useWorkspaceChoices";
import { agentBody, agentValues, withProvider, type AgentValues } from "./agentForm";

type Agent = Schemas["AgentOut"];

const shownFields = [
  ...basicFieldNames,
  "role",
  "goal",
  "backstory",
  "provider_id",
  "model",
  "tool_ids",
  "temperature",
  "max_iter",
  "max_rpm",
  "max_execution_time",
  "allow_delegation",
  "memory",
  "system_template",
  "version",
];

function ModelFields({
  values,
  setValues,
  error,
}: {
  values: AgentValues;
  setValues: (update: (current: AgentValues) => AgentValues) => void;
  error: unknown;
}) {
  const providers = useProviderChoices();
  const modelsId = useId();
  const provider = providers.data?.find((candidate) => candidate.id === values.providerId);
  const choices = [
    { value: "", label: providers.isPending ? "Loading providers…" : "Pick a provider…" },
    ...(providers.data ?? []).map((candidate) => ({ value: candidate.id, label: `${candidate.name} · ${candidate.type}` })),
  ];
  return (
    <FormSection title="Model" description="Which model the agent thinks with.">
      <SelectField
        label="LLM provider"
        required
        value={values.providerId}
        choices={choices}
        hint={providers.data?.length === 0 ? "No providers yet: an admin adds one under LLM providers." : undefined}
        onChange={(event) => {
          const providerId = event.target.value;
          setValues((current) => withProvider(current, providerId, providers.data ?? []));
        }}
        error={fieldError(error, "provider_id") ?? providers.error?.message}
      />
      <TextField
        label="Model"
        required
        list={modelsId}
        hint={provider ? `The provider's default is ${provider.default_model}` : "e.g. gpt-4o-mini"}
        value={values.model}
        onChange={(event) => {
          const model = event.target.value;
          setValues((current) => ({ ...current, model }));
        }}
        error={fieldError(error, "model")}
      />
      <datalist id={modelsId}>{provider && <option value={provider.default_model} />}</datalist>
      <TextField
        label="Temperature"
        type="number"
        min={0}
        max={2}
        step={0.1}
        hint="0 to 2; blank for the model's default"
        value={values.temperature}
        onChange={(event) => {
          const temperature = event.target.value;
          setValues((current) => ({ ...current, temperature }));
        }}
        error={fieldError(error, "temperature")}
      />
    </FormSection>
  );
}

interface SectionProps {
  values: AgentValues;
  change: (patch: Partial<AgentValues>) => void;
  error: unknown;
}

function ToolsField({ values, change, error }: SectionProps) {
  const tools = useToolChoices();
  return (
    <FormSection title="Tools" description="What the agent may call while it works.">
      {tools.isPending ? (
        <p role="status">Loading tools…</p>
      ) : (
        <ChoiceList
          legend="Tools"
          choices={(tools.data ?? []).map((tool) => ({
            value: tool.id,
            label: tool.name,
            detail: [tool.type, tool.description].filter(Boolean).join(" · "),
          }))}
          selected={values.toolIds}
          onChange={(toolIds) => {
            change({ toolIds });
          }}
          error={fieldErrorUnder(error, "tool_ids") ?? tools.error?.message}
          empty={
            <>
              No tools yet. <ItemLink to="/tools/new">Create a tool</ItemLink> to give agents abilities.
            </>
          }
        />
      )}
    </FormSection>
  );
}

function AgentForm({ agent, canWrite }: { agent: Agent | undefined; canWrite: boolean }) {
  const [values, setValues] = useState(() => agentValues(agent));
  const change = (patch: Partial<AgentValues>) => {
    setValues((current) => ({ ...current, ...patch }));
  };
  const save = useResourceSave({
    path: "/agents",
    isNew: agent === undefined,
    keys: queryKeys.agents,
    save: async ({ version, ...submitted }: AgentValues & { version: number | undefined }) => {
      const body = bodyOrThrow(agentBody(submitted));
      if (agent === undefined || version === undefined) return unwrap(api.POST("/api/v1/agents", { body }));
      return unwrap(
        api.PUT("/api/v1/agents/{agent_id}", { params: { path: { agent_id: agent.id } }, body: { ...body, version } }),
      );
    },
  });
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({ ...values, version: save.data?.version ?? agent?.version });
  };
  const text = (field: "role" | "goal" | "backstory") => ({
    value: values[field],
    onChange: (event: { target: { value: string } }) => {
      change({ [field]: event.target.value });
    },
  });
  return (
    <form onSubmit={submit} noValidate aria-label="Agent" className="space-y-4">
      <fieldset disabled={!canWrite} className="space-y-4">
        <FormSection title="Agent" description="Who the agent is and what it is after.">
          <BasicsFields values={values} onChange={change} error={save.error} namePlaceholder="e.g. Researcher" />
          <TextArea label="Role" required rows={2} {...text("role")} error={fieldError(save.error, "role")} />
          <TextArea label="Goal" required rows={2} {...text("goal")} error={fieldError(save.error, "goal")} />
          <TextArea label="Backstory" rows={3} {...text("backstory")} error={fieldError(save.error, "backstory")} />
        </FormSection>
        <ModelFields values={values} setValues={setValues} error={save.error} />
        <ToolsField values={values} change={change} error={save.error} />
        <AdvancedFields values={values} change={change} error={save.error} />
      </fieldset>
      {canWrite && <FormFooter busy={save.isPending} saved={save.isSuccess} error={save.error} shownFields={shownFields} />}
    </form>
  );
}

function AdvancedFields({ values, change, error }: SectionProps) {
  const number = (field: "maxIter" | "maxRpm" | "maxExecutionTime") => ({
    type: "number",
    min: 1,
    value: values[field],
    onChange: (event: { target: { value: string } }) => {
      change({ [field]: event.target.value });
    },
  });
  return (
    <FormSection title="Limits and behaviour">
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField
          label="Most reasoning steps"
          hint="Per task, 1–100"
          max={100}
          {...number("maxIter")}
          error={fieldError(error, "max_iter")}
        />
        <TextField
          label="Most requests per minute"
          hint="Blank: no limit"
          {...number("maxRpm")}
          error={fieldError(error, "max_rpm")}
        />
        <TextField
          label="Most seconds per task"
          hint="Blank: no limit"
          {...number("maxExecutionTime")}
          error={fieldError(error, "max_execution_time")}
        />
      </div>
      <Checkbox
        label="Allow delegation"
        hint="The agent may hand work to other agents of its crew"
        checked={values.allowDelegation}
        onChange={(event) => {
          change({ allowDelegation: event.target.checked });
        }}
        error={fieldError(error, "allow_delegation")}
      />
      <Checkbox
        label="Memory"
        hint="Remember across the tasks of a run"
        checked={values.memory}
        onChange={(event) => {
          change({ memory: event.target.checked });
        }}
        error={fieldError(error, "memory")}
      />
      <TextArea
        label="System template"
        rows={3}
        className="font-mono"
        hint="Optional: replaces CrewAI's system prompt template"
        value={values.systemTemplate}
        onChange={(event) => {
          change({ systemTemplate: event.target.value });
        }}
        error={fieldError(error, "system_template")}
      />
    </FormSection>
  );
}

export function AgentEditor() {
  const { agentId } = useParams();
  const canWrite = useCan("agents", "write");
  const canDelete = useCan("agents", "delete");
  return (
    <ResourceEditor<Agent>
      noun="agent"
      listPath="/agents"
      listLabel="Agents"
      itemId={agentId}
      queryKey={queryKeys.agents.detail(agentId ?? "new")}
      load={(id) => unwrap(api.GET("/api/v1/agents/{agent_id}", { params: { path: { agent_id: id } } }))}
      remove={(id) => unwrap(api.DELETE("/api/v1/agents/{agent_id}", { params: { path: { agent_id: id } } }))}
      invalidate={queryKeys.agents.all}
      canWrite={canWrite}
      canDelete={canDelete}
    >
      {(agent) => <AgentForm key={agent?.id ?? "new"} agent={agent} canWrite={canWrite} />}
    </ResourceEditor>
  );
}
