import { useState, type SubmitEvent } from "react";
import { useParams } from "react-router";
import { api, type Schemas } from "../../api/client";
import { fieldError, unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { BasicsFields, basicFieldNames } from "../../ui/BasicsFields";
import { ItemLink } from "../../ui/ButtonLink";
import { Checkbox } from "../../ui/Checkbox";
import { ChoiceList } from "../../ui/ChoiceList";
import { SelectField, TextField } from "../../ui/controls";
import { fieldErrorUnder } from "../../ui/fieldProblems";
import { bodyOrThrow } from "../../ui/formBody";
import { FormFooter, FormSection } from "../../ui/FormParts";
import { ResourceEditor } from "../../ui/ResourceEditor";
import { useResourceSave } from "../../ui/useResourceSave";
import { useAgentChoices, useProviderChoices } from "../../ui/useWorkspaceChoices";
import { CrewExport } from "./CrewExport";
import { crewBody, crewValues, withAgents, type CrewValues } from "./crewForm";
import { TaskEditor } from "./TaskEditor";

type Crew = Schemas["CrewOut"];
type Agent = Schemas["AgentOut"];

const shownFields = [
  ...basicFieldNames,
  "agent_ids",
  "tasks",
  "process",
  "manager_agent_id",
  "manager_provider_id",
  "manager_model",
  "planning",
  "memory",
  "version",
];

interface PartProps {
  values: CrewValues;
  change: (patch: Partial<CrewValues>) => void;
  error: unknown;
}

function ManagerFields({ values, change, error, agents }: PartProps & { agents: readonly Agent[] }) {
  const providers = useProviderChoices();
  const outsiders = agents.filter((agent) => !values.agentIds.includes(agent.id));
  return (
    <div className="grid gap-4 rounded-lg bg-slate-50 p-4 sm:grid-cols-2">
      <SelectField
        label="Manager"
        value={values.manager}
        choices={[
          { value: "model", label: "A model plans and delegates" },
          { value: "agent", label: "An agent outside the crew" },
        ]}
        onChange={(event) => {
          change({ manager: event.target.value === "agent" ? "agent" : "model" });
        }}
      />
      {values.manager === "agent" ? (
        <SelectField
          label="Manager agent"
          value={values.managerAgentId}
          choices={[{ value: "", label: "Pick an agent…" }, ...outsiders.map((agent) => ({ value: agent.id, label: agent.name }))]}
          onChange={(event) => {
            change({ managerAgentId: event.target.value });
          }}
          error={fieldError(error, "manager_agent_id")}
        />
      ) : (
        <>
          <SelectField
            label="Manager provider"
            value={values.managerProviderId}
            choices={[
              { value: "", label: "Pick a provider…" },
              ...(providers.data ?? []).map((provider) => ({ value: provider.id, label: provider.name })),
            ]}
            onChange={(event) => {
              const chosen = providers.data?.find((provider) => provider.id === event.target.value);
              change({ managerProviderId: event.target.value, managerModel: values.managerModel || (chosen?.default_model ?? "") });
            }}
            error={fieldError(error, "manager_provider_id") ?? fieldError(error, "manager_agent_id")}
          />
          <TextField
            label="Manager model"
            value={values.managerModel}
            onChange={(event) => {
              change({ managerModel: event.target.value });
            }}
            error={fieldError(error, "manager_model")}
          />
        </>
      )}
    </div>
  );
}

function CrewForm({ crew, canWrite }: { crew: Crew | undefined; canWrite: boolean }) {
  const [values, setValues] = useState(() => crewValues(crew));
  const agents = useAgentChoices();
  const change = (patch: Partial<CrewValues>) => {
    setValues((current) => ({ ...current, ...patch }));
  };
  const save = useResourceSave({
    path: "/crews",
    isNew: crew === undefined,
    keys: queryKeys.crews,
    save: async ({ version, ...submitted }: CrewValues & { version: number | undefined }) => {
      const body = bodyOrThrow(crewBody(submitted));
      if (crew === undefined || version === undefined) return unwrap(api.POST("/api/v1/crews", { body }));
      return unwrap(api.PUT("/api/v1/crews/{crew_id}", { params: { path: { crew_id: crew.id } }, body: { ...body, version } }));
    },
  });
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({ ...values, version: save.data?.version ?? crew?.version });
  };
  const all = agents.data ?? [];
  const crewAgents = values.agentIds.flatMap((id) => all.filter((agent) => agent.id === id));
  const inputs = (save.data ?? crew)?.inputs ?? [];
  return (
    <form onSubmit={submit} noValidate aria-label="Crew" className="space-y-4">
      <fieldset disabled={!canWrite} className="space-y-4">
        <FormSection title="Crew" description="Agents working through ordered tasks.">
          <BasicsFields values={values} onChange={change} error={save.error} namePlaceholder="e.g. Market research" />
          {inputs.length > 0 && (
            <p className="text-sm text-slate-600">
              Inputs a run provides:{" "}
              {inputs.map((input) => (
                <code key={input} className="mr-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs">
                  {input}
                </code>
              ))}
            </p>
          )}
        </FormSection>
        <FormSection title="Agents" description="Who works in this crew, in order.">
          {agents.isPending ? (
            <p role="status">Loading agents…</p>
          ) : (
            <ChoiceList
              legend="Agents"
              choices={all.map((agent) => ({ value: agent.id, label: agent.name, detail: agent.role }))}
              selected={values.agentIds}
              hint={crewAgents.length > 1 ? `In this order: ${crewAgents.map((agent) => agent.name).join(" → ")}` : undefined}
              onChange={(agentIds) => {
                setValues((current) => withAgents(current, agentIds));
              }}
              error={fieldErrorUnder(save.error, "agent_ids") ?? agents.error?.message}
              empty={
                <>
                  No agents yet. <ItemLink to="/agents/new">Create an agent</ItemLink> first.
                </>
              }
            />
          )}
        </FormSection>
        <FormSection title="Process">
          <SelectField
            label="Process"
            value={values.process}
            choices={[
              { value: "sequential", label: "Sequential: tasks run in order" },
              { value: "hierarchical", label: "Hierarchical: a manager delegates the tasks" },
            ]}
            onChange={(event) => {
              change({ process: event.target.value === "hierarchical" ? "hierarchical" : "sequential" });
            }}
            error={fieldError(save.error, "process")}
          />
          {values.process === "hierarchical" && <ManagerFields values={values} change={change} error={save.error} agents={all} />}
          <div className="flex flex-wrap gap-6">
            <Checkbox
              label="Planning"
              hint="Plan the steps before the first task"
              checked={values.planning}
              onChange={(event) => {
                change({ planning: event.target.checked });
              }}
            />
            <Checkbox
              label="Memory"
              hint="Share memory between the crew's tasks"
              checked={values.memory}
              onChange={(event) => {
                change({ memory: event.target.checked });
              }}
            />
          </div>
        </FormSection>
        <FormSection title="Tasks" description="Run top to bottom; each may receive the outputs of earlier tasks.">
          <TaskEditor
            tasks={values.tasks}
            onChange={(tasks) => {
              change({ tasks });
            }}
            agents={crewAgents}
            hierarchical={values.process === "hierarchical"}
            readOnly={!canWrite}
            error={save.error}
          />
        </FormSection>
      </fieldset>
      {canWrite && <FormFooter busy={save.isPending} saved={save.isSuccess} error={save.error} shownFields={shownFields} />}
    </form>
  );
}

export function CrewEditor() {
  const { crewId } = useParams();
  const canWrite = useCan("crews", "write");
  const canDelete = useCan("crews", "delete");
  return (
    <ResourceEditor<Crew>
      noun="crew"
      listPath="/crews"
      listLabel="Crews"
      itemId={crewId}
      queryKey={queryKeys.crews.detail(crewId ?? "new")}
      load={(id) => unwrap(api.GET("/api/v1/crews/{crew_id}", { params: { path: { crew_id: id } } }))}
      remove={(id) => unwrap(api.DELETE("/api/v1/crews/{crew_id}", { params: { path: { crew_id: id } } }))}
      invalidate={queryKeys.crews.all}
      canWrite={canWrite}
      canDelete={canDelete}
      actions={(crew) => <CrewExport crewId={crew.id} />}
    >
      {(crew) => <CrewForm key={crew?.id ?? "new"} crew={crew} canWrite={canWrite} />}
    </ResourceEditor>
  );
}
