import { useState, type ReactNode } from "react";
import { fieldError } from "../../../api/problems";
import { Button, ErrorMessage, SelectField, TextField } from "../../../ui/controls";
import { Modal } from "../../../ui/Modal";
import { useProviderChoices } from "../../../ui/useWorkspaceChoices";
import { crewAiParts, readFlowDocument } from "./transferFiles";
import { useImportCrewAi, useImportFlow } from "./useTransfer";

function ImportForm({
  busy,
  onSubmit,
  onCancel,
  children,
}: {
  busy: boolean;
  onSubmit: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <form
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {children}
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" look="primary" busy={busy}>
          Import
        </Button>
      </div>
    </form>
  );
}

interface DialogProps {
  open: boolean;
  onClose: () => void;
}

/** Picks a flow document exported from Crewloom and creates a flow from it; the new flow opens. */
export function ImportFlowDialog({ open, onClose }: DialogProps) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Import a flow"
      description="A JSON file exported from Crewloom. Agents, crews and tools it uses are created here; providers are matched by name and type, or created without their keys."
    >
      <ImportFlowForm onCancel={onClose} />
    </Modal>
  );
}

function ImportFlowForm({ onCancel }: { onCancel: () => void }) {
  const importFlow = useImportFlow();
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <ImportForm
      busy={importFlow.isPending}
      onCancel={onCancel}
      onSubmit={() => {
        if (file === null) {
          setProblem("Choose a file to import.");
          return;
        }
        void file.text().then((text) => {
          const read = readFlowDocument(text);
          setProblem(read.ok ? null : read.message);
          if (read.ok) importFlow.mutate(read.value);
        });
      }}
    >
      <TextField
        label="Flow file (.json)"
        type="file"
        accept=".json,application/json"
        error={problem ?? undefined}
        onChange={(event) => {
          setFile(event.target.files?.[0] ?? null);
          setProblem(null);
          importFlow.reset();
        }}
      />
      <ErrorMessage message={importFlow.error?.message} />
    </ImportForm>
  );
}

/** Creates a crew, its agents and a flow around the crew from a CrewAI project; the new flow opens. */
export function ImportCrewAiDialog({ open, onClose }: DialogProps) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Import a CrewAI project"
      description="Its agents.yaml and tasks.yaml (or a zip of the project) become agents, a crew, and a new flow that runs the crew with the project's inputs. Nothing in the files is run."
    >
      <ImportCrewAiForm onCancel={onClose} />
    </Modal>
  );
}

function ImportCrewAiForm({ onCancel }: { onCancel: () => void }) {
  const importCrewAi = useImportCrewAi();
  const providers = useProviderChoices();
  const [files, setFiles] = useState<File[]>([]);
  const [name, setName] = useState("");
  const [providerId, setProviderId] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const error = importCrewAi.error;
  const filesError =
    problem ?? fieldError(error, "file") ?? fieldError(error, "agents_yaml") ?? fieldError(error, "tasks_yaml");
  const nameError = fieldError(error, "name");
  const providerError = fieldError(error, "provider_id");
  const choices = [
    { value: "", label: "The mock provider (or the first one)" },
    ...(providers.data ?? []).map((provider) => ({ value: provider.id, label: provider.name })),
  ];
  return (
    <ImportForm
      busy={importCrewAi.isPending}
      onCancel={onCancel}
      onSubmit={() => {
        const picked = crewAiParts(files);
        setProblem(picked.ok ? null : picked.message);
        if (picked.ok) importCrewAi.mutate({ parts: picked.value, name, providerId });
      }}
    >
      <TextField
        label="Project files"
        type="file"
        multiple
        accept=".yaml,.yml,.zip"
        hint="Select agents.yaml and tasks.yaml together, or one .zip."
        error={filesError}
        onChange={(event) => {
          setFiles([...(event.target.files ?? [])]);
          setProblem(null);
          importCrewAi.reset();
        }}
      />
      <TextField
        label="Name (optional)"
        value={name}
        maxLength={200}
        hint="Of the crew and the flow; by default the project's."
        error={nameError}
        onChange={(event) => {
          setName(event.target.value);
        }}
      />
      <SelectField
        label="Provider for agents whose llm names none here"
        choices={choices}
        value={providerId}
        error={providerError}
        onChange={(event) => {
          setProviderId(event.target.value);
        }}
      />
      {filesError === undefined && nameError === undefined && providerError === undefined && (
        <ErrorMessage message={error?.message} />
      )}
    </ImportForm>
  );
}
