import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type SubmitEvent } from "react";
import { api, type Schemas } from "../../api/client";
import { fieldError, unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { ItemLink } from "../../ui/ButtonLink";
import { SelectField, TextField, focusRing } from "../../ui/controls";
import { fieldErrorUnder } from "../../ui/fieldProblems";
import { FormFooter, FormSection } from "../../ui/FormParts";
import { useAgentChoices, useProviderChoices } from "../../ui/useWorkspaceChoices";

type Source = "yaml" | "zip";

interface ImportRequest {
  source: Source;
  files: { file: File | null; agents: File | null; tasks: File | null };
  name: string;
  providerId: string;
  model: string;
}

const shownFields = ["file", "agents_yaml", "tasks_yaml", "name", "provider_id", "model"];

/** The multipart body of the import: the zip, or the two YAML files, and the optional settings. */
function importForm(request: ImportRequest): FormData {
  const form = new FormData();
  const { file, agents, tasks } = request.files;
  if (request.source === "zip" && file !== null) form.append("file", file);
  if (request.source === "yaml" && agents !== null) form.append("agents_yaml", agents);
  if (request.source === "yaml" && tasks !== null) form.append("tasks_yaml", tasks);
  const optional = { name: request.name, provider_id: request.providerId, model: request.model };
  for (const [field, value] of Object.entries(optional)) {
    if (value.trim() !== "") form.append(field, value.trim());
  }
  return form;
}

function Imported({ result }: { result: Schemas["CrewImported"] }) {
  const agents = useAgentChoices();
  const nameOf = (id: string) => agents.data?.find((agent) => agent.id === id)?.name ?? "agent";
  return (
    <section aria-label="Imported" role="status" className="rounded-xl border border-emerald-200 bg-emerald-50 p-5 text-sm">
      <h2 className="font-semibold text-emerald-900">
        <span aria-hidden="true">✓ </span>Imported
      </h2>
      <ul className="mt-2 space-y-1 text-slate-800">
        <li>
          Crew: <ItemLink to={`/crews/${result.crew_id}`}>open the crew</ItemLink>
        </li>
        <li>
          {result.agent_ids.length === 1 ? "1 agent" : `${String(result.agent_ids.length)} agents`}:{" "}
          {result.agent_ids.map((id, index) => (
            <span key={id}>
              {index > 0 && ", "}
              <ItemLink to={`/agents/${id}`}>{nameOf(id)}</ItemLink>
            </span>
          ))}
        </li>
        <li>
          A flow running the crew: <ItemLink to={`/flows/${result.flow_id}`}>open the flow</ItemLink>
        </li>
        {result.inputs.length > 0 && <li>Inputs a run asks for: {result.inputs.join(", ")}</li>}
      </ul>
    </section>
  );
}

function ImportForm() {
  const queryClient = useQueryClient();
  const providers = useProviderChoices();
  const [source, setSource] = useState<Source>("yaml");
  const [files, setFiles] = useState<ImportRequest["files"]>({ file: null, agents: null, tasks: null });
  const [settings, setSettings] = useState({ name: "", providerId: "", model: "" });
  const upload = useMutation({
    mutationFn: (request: ImportRequest) =>
      unwrap(
        api.POST("/api/v1/crews/import-crewai", {
          body: {},
          bodySerializer: () => importForm(request),
        }),
      ),
    onSuccess: async () => {
      await Promise.all(
        [queryKeys.crews.all, queryKeys.agents.all, queryKeys.flows.all].map((queryKey) =>
          queryClient.invalidateQueries({ queryKey }),
        ),
      );
    },
  });
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    upload.mutate({ source, files, ...settings });
  };
  const picked = (which: keyof ImportRequest["files"]) => (event: { target: HTMLInputElement }) => {
    const chosen = event.target.files?.[0] ?? null;
    setFiles((current) => ({ ...current, [which]: chosen }));
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Import CrewAI project" className="space-y-4">
      <FormSection
        title="Project files"
        description="CrewAI's config/agents.yaml and config/tasks.yaml, or a zip of the whole project. Nothing in it is run."
      >
        <fieldset className="flex gap-6 text-sm">
          <legend className="sr-only">Upload</legend>
          {(["yaml", "zip"] as const).map((choice) => (
            <label key={choice} className="flex items-center gap-2">
              <input
                type="radio"
                name="source"
                value={choice}
                checked={source === choice}
                onChange={() => {
                  setSource(choice);
                }}
                className={`accent-indigo-600 ${focusRing}`}
              />
              {choice === "yaml" ? "Two YAML files" : "A zip of the project"}
            </label>
          ))}
        </fieldset>
        {source === "yaml" ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="agents.yaml"
              type="file"
              accept=".yaml,.yml"
              onChange={picked("agents")}
              error={fieldErrorUnder(upload.error, "agents_yaml")}
            />
            <TextField
              label="tasks.yaml"
              type="file"
              accept=".yaml,.yml"
              onChange={picked("tasks")}
              error={fieldErrorUnder(upload.error, "tasks_yaml")}
            />
          </div>
        ) : (
          <TextField
            label="Project zip"
            type="file"
            accept=".zip"
            onChange={picked("file")}
            error={fieldErrorUnder(upload.error, "file")}
          />
        )}
      </FormSection>
      <FormSection title="Settings" description="All optional.">
        <TextField
          label="Crew name"
          hint="Also the flow's name; by default from the project"
          value={settings.name}
          onChange={(event) => {
            setSettings({ ...settings, name: event.target.value });
          }}
          error={fieldError(upload.error, "name")}
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            label="Provider for the agents"
            hint="For agents whose llm names no provider here"
            value={settings.providerId}
            choices={[
              { value: "", label: "The mock provider (default)" },
              ...(providers.data ?? []).map((provider) => ({ value: provider.id, label: provider.name })),
            ]}
            onChange={(event) => {
              setSettings({ ...settings, providerId: event.target.value });
            }}
            error={fieldError(upload.error, "provider_id")}
          />
          <TextField
            label="Model"
            hint="Blank: the provider's default model"
            value={settings.model}
            onChange={(event) => {
              setSettings({ ...settings, model: event.target.value });
            }}
            error={fieldError(upload.error, "model")}
          />
        </div>
      </FormSection>
      <FormFooter
        busy={upload.isPending}
        saved={false}
        error={upload.error}
        shownFields={shownFields}
        label="Import"
        busyLabel="Importing…"
      />
      {upload.data !== undefined && <Imported result={upload.data} />}
    </form>
  );
}

export function CrewImport() {
  const canWrite = useCan("crews", "write");
  return (
    <section aria-labelledby="import-title" className="mx-auto max-w-4xl">
      <ItemLink to="/crews">← Crews</ItemLink>
      <h1 id="import-title" className="mt-2 mb-6 text-2xl font-bold">
        Import a CrewAI project
      </h1>
      {canWrite ? (
        <ImportForm />
      ) : (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">Your role cannot create crews.</p>
      )}
    </section>
  );
}
