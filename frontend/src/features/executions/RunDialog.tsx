import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type SyntheticEvent } from "react";
import { useNavigate } from "react-router";
import { api, type Schemas } from "../../api/client";
import { fieldError, unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { Button, ErrorMessage, focusRing, SelectField, TextArea, TextField } from "../../ui/controls";
import { Modal } from "../../ui/Modal";
import {
  initialFormValues,
  inputErrorField,
  inputFormFields,
  inputsFromForm,
  type InputFormField,
  type InputFormValues,
} from "./inputForm";
import { flowChoicesQuery } from "./flowQueries";

const TYPE_NAMES: Readonly<Record<InputFormField["type"], string>> = {
  string: "Text",
  number: "Number",
  boolean: "Yes or no",
  json: "JSON",
};

function hintOf(field: InputFormField): string {
  const need = field.required && !field.hasDefault ? "required" : field.hasDefault ? "optional, has a default" : "optional";
  return [field.description, `${TYPE_NAMES[field.type]} · ${need}`].filter(Boolean).join(" — ");
}

function InputControl({
  field,
  value,
  error,
  onChange,
}: {
  field: InputFormField;
  value: string | boolean;
  error: string | undefined;
  onChange: (value: string | boolean) => void;
}) {
  const messageId = useId();
  if (field.type === "boolean") {
    return (
      <div>
        <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
          <input
            type="checkbox"
            checked={value === true}
            aria-invalid={error !== undefined}
            aria-describedby={messageId}
            onChange={(event) => {
              onChange(event.target.checked);
            }}
            className={`h-4 w-4 rounded border-slate-300 ${focusRing}`}
          />
          {field.name}
        </label>
        <span id={messageId} role={error === undefined ? undefined : "alert"} className={`mt-1 block text-xs ${error === undefined ? "text-slate-500" : "text-red-700"}`}>
          {error ?? hintOf(field)}
        </span>
      </div>
    );
  }
  const text = typeof value === "string" ? value : "";
  const common = {
    label: field.name,
    name: field.name,
    error,
    hint: hintOf(field),
    "aria-required": field.required && !field.hasDefault,
  };
  if (field.type === "number") {
    return <TextField {...common} inputMode="decimal" value={text} onChange={(event) => { onChange(event.target.value); }} />;
  }
  return (
    <TextArea
      {...common}
      rows={field.type === "json" ? 4 : 2}
      spellCheck={field.type !== "json"}
      value={text}
      onChange={(event) => {
        onChange(event.target.value);
      }}
    />
  );
}

/** The form of one flow version's input node; starting the run opens its live view. */
function InputsForm({
  flowId,
  version,
  graph,
  initialInputs,
  onCancel,
}: {
  flowId: string;
  version: number;
  graph: Schemas["Graph-Output"] | null | undefined;
  initialInputs: Readonly<Record<string, unknown>> | undefined;
  onCancel: () => void;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const fields = inputFormFields(graph);
  const [values, setValues] = useState<InputFormValues>(() => initialFormValues(graph, initialInputs));
  const start = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/flows/{flow_id}/execute", {
          params: { path: { flow_id: flowId } },
          body: { inputs: inputsFromForm(fields, values), version },
        }),
      ),
    onSuccess: async (started) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.executions.all });
      onCancel();
      await navigate(`/executions/${started.id}`);
    },
  });
  const fieldMessages = fields.map((field) => fieldError(start.error, inputErrorField(field.name)));
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    start.mutate();
  };
  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      {fields.length === 0 && <p className="text-sm text-slate-600">This flow takes no inputs.</p>}
      {fields.map((field, index) => (
        <InputControl
          key={field.name}
          field={field}
          value={values[field.name] ?? ""}
          error={fieldMessages[index]}
          onChange={(value) => {
            setValues((previous) => ({ ...previous, [field.name]: value }));
          }}
        />
      ))}
      {fieldMessages.every((message) => message === undefined) && <ErrorMessage message={start.error?.message} />}
      <div className="flex justify-end gap-2 pt-2">
        <Button onClick={onCancel}>Close</Button>
        <Button type="submit" look="primary" busy={start.isPending}>
          Start run
        </Button>
      </div>
    </form>
  );
}

function useRunTarget(flowId: string | null, version: number | undefined) {
  const latest = useQuery({
    queryKey: queryKeys.flows.detail(flowId ?? ""),
    queryFn: () => unwrap(api.GET("/api/v1/flows/{flow_id}", { params: { path: { flow_id: flowId ?? "" } } })),
    enabled: flowId !== null && version === undefined,
  });
  const pinned = useQuery({
    queryKey: [...queryKeys.flows.detail(flowId ?? ""), "versions", version],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/flows/{flow_id}/versions/{number}", {
          params: { path: { flow_id: flowId ?? "", number: version ?? 0 } },
        }),
      ),
    enabled: flowId !== null && version !== undefined,
    staleTime: Infinity,
  });
  if (version !== undefined) return { version, graph: pinned.data?.graph, pending: pinned.isPending, error: pinned.error };
  return { version: latest.data?.latest_version, graph: latest.data?.graph, pending: latest.isPending, error: latest.error };
}

function FlowPicker({ flowId, onPick }: { flowId: string | null; onPick: (flowId: string) => void }) {
  const flows = useQuery(flowChoicesQuery);
  if (flows.isPending) return <p role="status">Loading flows…</p>;
  if (flows.error !== null) return <ErrorMessage message={flows.error.message} />;
  if (flows.data.items.length === 0) return <p className="text-sm text-slate-600">Create a flow first, then run it here.</p>;
  return (
    <SelectField
      label="Flow"
      value={flowId ?? ""}
      onChange={(event) => {
        onPick(event.target.value);
      }}
      choices={[{ value: "", label: "Choose a flow…" }, ...flows.data.items.map((flow) => ({ value: flow.id, label: flow.name }))]}
    />
  );
}

/** "Run": a modal form generated from the flow's input node. Without a flow, the form first asks for one. */
export function RunDialog({
  open,
  onClose,
  flowId: givenFlowId = null,
  version,
  initialInputs,
}: {
  open: boolean;
  onClose: () => void;
  flowId?: string | null;
  version?: number;
  initialInputs?: Readonly<Record<string, unknown>>;
}) {
  const [pickedFlowId, setPickedFlowId] = useState<string | null>(null);
  const flowId = givenFlowId ?? pickedFlowId;
  const target = useRunTarget(open ? flowId : null, version);
  return (
    <Modal open={open} onClose={onClose} title="Run a flow">
      <div className="space-y-4">
        {givenFlowId === null && <FlowPicker flowId={pickedFlowId} onPick={setPickedFlowId} />}
        {flowId !== null && flowId !== "" && target.pending && <p role="status">Loading the flow's inputs…</p>}
        <ErrorMessage message={target.error?.message} />
        {target.version === 0 && <p className="text-sm text-slate-600">Save the flow once before running it.</p>}
        {flowId !== null && flowId !== "" && target.version !== undefined && target.version > 0 && !target.pending && (
          <>
            <p className="text-xs text-slate-500">Version {target.version}</p>
            <InputsForm
              key={`${flowId}:${String(target.version)}`}
              flowId={flowId}
              version={target.version}
              graph={target.graph}
              initialInputs={initialInputs}
              onCancel={onClose}
            />
          </>
        )}
        {(flowId === null || flowId === "") && (
          <div className="flex justify-end">
            <Button onClick={onClose}>Close</Button>
          </div>
        )}
      </div>
    </Modal>
  );
}

/** Opens the run form for a flow (version); hidden from roles that may not run flows. */
export function RunButton({
  flowId,
  version,
  initialInputs,
  label = "Run",
  look = "primary",
}: {
  flowId?: string | null;
  version?: number;
  initialInputs?: Readonly<Record<string, unknown>>;
  label?: string;
  look?: "primary" | "secondary";
}) {
  const canRun = useCan("executions", "execute");
  const [open, setOpen] = useState(false);
  if (!canRun) return null;
  return (
    <>
      <Button
        look={look}
        onClick={() => {
          setOpen(true);
        }}
      >
        {label}
      </Button>
      <RunDialog
        open={open}
        onClose={() => {
          setOpen(false);
        }}
        flowId={flowId ?? null}
        {...(version === undefined ? {} : { version })}
        {...(initialInputs === undefined ? {} : { initialInputs })}
      />
    </>
  );
}
