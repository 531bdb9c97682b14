import { useMemo } from "react";
import { Button, TextField } from "../../ui/controls";
import { Icon } from "../../ui/icons";
import { asText, withValue, type ConfigObject } from "./forms/configValues";
import { FieldControl, FieldList, type FieldContext, type ReferenceChoices } from "./forms/FieldControl";
import { formFields, type FormField } from "./forms/schemaFields";
import type { FlowNodeData } from "./graphModel";
import { lookOf } from "./nodes/nodeLooks";
import type { Problem } from "./overlays";
import { useEditorStore } from "./store";

/** The node-level settings every type shares, as a schema so they get the same generated form. */
const nodeSettingsSchema = {
  type: "object",
  properties: {
    timeout_seconds: { title: "Timeout (seconds)", anyOf: [{ type: "integer", minimum: 1, maximum: 86400 }, { type: "null" }] },
    retry: {
      title: "Retry",
      anyOf: [
        {
          type: "object",
          properties: {
            attempts: { title: "Attempts", type: "integer", minimum: 1, maximum: 10 },
            backoff_seconds: { title: "Backoff (seconds)", type: "number", minimum: 0, maximum: 3600 },
          },
          required: ["attempts"],
        },
        { type: "null" },
      ],
    },
  },
};
const nodeSettingsFields = formFields(nodeSettingsSchema);

const EMPTY: readonly Problem[] = [];

/** A provider picked for a model call brings its default model, unless a model was typed for another one. */
function withProviderModel(
  config: ConfigObject,
  next: ConfigObject,
  defaultModels: Readonly<Record<string, string>>,
): ConfigObject {
  if (config.provider_id === next.provider_id) return next;
  const previousDefault = defaultModels[asText(config.provider_id)];
  const nextDefault = defaultModels[asText(next.provider_id)];
  const model = asText(config.model);
  const typedForAnother = model !== "" && model !== previousDefault;
  return nextDefault === undefined || typedForAnother ? next : { ...next, model: nextDefault };
}

function NodeForm({
  nodeId,
  data,
  choices,
  defaultModels,
}: {
  nodeId: string;
  data: FlowNodeData;
  choices: ReferenceChoices;
  defaultModels: Readonly<Record<string, string>>;
}) {
  const nodeType = useEditorStore((state) => state.catalog[data.nodeType]);
  const problems = useEditorStore((state) => state.problemIndex.byNode[nodeId]) ?? EMPTY;
  const readOnly = useEditorStore((state) => state.readOnly);
  const updateNode = useEditorStore((state) => state.updateNode);
  const deleteSelection = useEditorStore((state) => state.deleteSelection);
  const fields = useMemo<FormField[]>(() => (nodeType === undefined ? [] : formFields(nodeType.config_schema)), [nodeType]);
  const context = useMemo<FieldContext>(
    () => ({ choices, errorAt: (path) => problems.find((problem) => problem.field === path)?.message }),
    [choices, problems],
  );
  const fieldPaths = new Set(fields.map((field) => `config.${field.name}`));
  const general = problems.filter((problem) => !fieldPaths.has(problem.field?.split(".").slice(0, 2).join(".") ?? ""));
  const look = lookOf(data.nodeType);
  const settings = { timeout_seconds: data.timeoutSeconds ?? undefined, retry: data.retry ?? undefined };

  return (
    <form
      aria-label={`Settings of node ${nodeId}`}
      onSubmit={(event) => {
        event.preventDefault();
      }}
    >
      <div className="flex items-start gap-2 border-b border-slate-200 px-4 py-3">
        <span aria-hidden="true" className={`flex size-8 shrink-0 items-center justify-center rounded ${look.accent}`}>
          {look.icon}
        </span>
        <div className="min-w-0 flex-1">
          <h2 className="truncate font-semibold">{nodeType?.title ?? data.nodeType}</h2>
          <p className="text-xs text-slate-500">
            Id <code className="rounded bg-slate-100 px-1">{nodeId}</code> — later templates use{" "}
            <code className="rounded bg-slate-100 px-1">{`{{ nodes.${nodeId} }}`}</code>
          </p>
        </div>
      </div>
      {nodeType !== undefined && <p className="px-4 pt-3 text-xs text-slate-600">{nodeType.description}</p>}
      {general.length > 0 && (
        <ul aria-label="Problems of this node" className="mx-4 mt-3 space-y-1 rounded-md bg-red-50 p-2 text-xs text-red-800">
          {general.map((problem, index) => (
            <li key={index} className="flex gap-1">
              <span aria-hidden="true">⚠</span>
              {problem.message}
            </li>
          ))}
        </ul>
      )}
      <fieldset disabled={readOnly} className="space-y-4 px-4 py-4">
        <TextField
          label="Label"
          hint="Shown on the canvas instead of the type's name"
          value={data.label ?? ""}
          maxLength={200}
          onChange={(event) => {
            updateNode(nodeId, { label: event.target.value === "" ? null : event.target.value }, "label");
          }}
        />
        {fields.map((field) => (
          <FieldControl
            key={field.name}
            field={field}
            value={data.config[field.name]}
            path={`config.${field.name}`}
            context={context}
            onChange={(value) => {
              const changed = withValue(data.config, field.name, value);
              const next = field.name === "provider_id" ? withProviderModel(data.config, changed, defaultModels) : changed;
              updateNode(nodeId, { config: next }, `config.${field.name}`);
            }}
          />
        ))}
        <details className="rounded-md border border-slate-200 px-3 py-2">
          <summary className="cursor-pointer text-sm font-medium text-slate-700">Timeout and retries</summary>
          <div className="mt-3 space-y-3">
            <FieldList
              fields={nodeSettingsFields}
              value={settings}
              path="node"
              context={context}
              onChange={(value) => {
                const next = (value ?? {}) as { timeout_seconds?: number; retry?: FlowNodeData["retry"] };
                updateNode(nodeId, { timeoutSeconds: next.timeout_seconds ?? null, retry: next.retry ?? null }, "settings");
              }}
            />
          </div>
        </details>
        {!readOnly && (
          <Button look="danger" onClick={deleteSelection}>
            <Icon name="trash" /> Delete node
          </Button>
        )}
      </fieldset>
    </form>
  );
}

/** The side panel: the selected node's form, or what to do when none (or several) is selected. */
export function NodePanel({
  choices,
  defaultModels,
}: {
  choices: ReferenceChoices;
  defaultModels: Readonly<Record<string, string>>;
}) {
  const selected = useEditorStore((state) => state.selectedNodeIds);
  const [nodeId] = selected;
  const data = useEditorStore((state) =>
    selected.length === 1 ? state.nodes.find((node) => node.id === nodeId)?.data : undefined,
  );
  const readOnly = useEditorStore((state) => state.readOnly);
  if (nodeId !== undefined && data !== undefined) {
    return <NodeForm key={nodeId} nodeId={nodeId} data={data} choices={choices} defaultModels={defaultModels} />;
  }
  return (
    <div className="space-y-2 p-4 text-sm text-slate-600">
      {selected.length > 1 ? (
        <p className="font-medium text-slate-800">{selected.length} nodes selected</p>
      ) : (
        <p className="font-medium text-slate-800">No node selected</p>
      )}
      <p>{readOnly ? "Select a node to see its settings." : "Select a node to edit its settings, or add one from the palette."}</p>
      {!readOnly && (
        <ul className="list-disc space-y-1 pl-5 text-xs">
          <li>Drag from a node's right handle to another node's left handle to connect them.</li>
          <li>Delete or Backspace removes the selection; Ctrl+C / Ctrl+V copy and paste it.</li>
          <li>Ctrl+Z undoes, Ctrl+Shift+Z or Ctrl+Y redoes.</li>
        </ul>
      )}
    </div>
  );
}
