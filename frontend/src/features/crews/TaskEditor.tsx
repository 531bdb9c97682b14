import { useEffect, useId, useState } from "react";
import { fieldError } from "../../api/problems";
import { Checkbox } from "../../ui/Checkbox";
import { ChoiceList } from "../../ui/ChoiceList";
import { Button, SelectField, TextArea, TextField } from "../../ui/controls";
import { fieldErrorUnder } from "../../ui/fieldProblems";
import {
  describeDropped,
  earlierTasks,
  moveTask,
  newTask,
  removeTask,
  updateTask,
  type TaskDraft,
  type TaskEdit,
} from "./taskList";

interface AgentChoice {
  id: string;
  name: string;
}

interface TaskCardProps {
  tasks: readonly TaskDraft[];
  index: number;
  agents: readonly AgentChoice[];
  hierarchical: boolean;
  readOnly: boolean;
  error: unknown;
  onChange: (patch: Partial<Omit<TaskDraft, "uid">>) => void;
  onMove: (offset: -1 | 1) => void;
  onRemove: () => void;
  /** The id of a task's move button, to give focus back after a move. */
  buttonId: (uid: string, which: "up" | "down") => string;
}

function TaskCard({ tasks, index, agents, hierarchical, readOnly, error, onChange, onMove, onRemove, buttonId }: TaskCardProps) {
  const task = tasks[index];
  if (task === undefined) return null;
  const field = (name: string) => `tasks.${String(index)}.${name}`;
  const title = `Task ${String(index + 1)}`;
  const agentChoices = [
    { value: "", label: hierarchical ? "Left to the manager" : "Pick an agent…" },
    ...agents.map((agent) => ({ value: agent.id, label: agent.name })),
  ];
  return (
    <li aria-label={`${title}: ${task.key}`} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-3 flex items-center justify-between gap-2">
        <h3 className="font-semibold">
          <span className="mr-2 inline-flex h-6 w-6 items-center justify-center rounded-full bg-indigo-50 text-xs text-indigo-800">
            {index + 1}
          </span>
          <code className="text-sm">{task.key}</code>
        </h3>
        <div className={readOnly ? "hidden" : "flex gap-1"}>
          <Button
            id={buttonId(task.uid, "up")}
            look="quiet"
            aria-label={`Move ${task.key} up`}
            disabled={index === 0}
            onClick={() => {
              onMove(-1);
            }}
          >
            <span aria-hidden="true">↑</span> Up
          </Button>
          <Button
            id={buttonId(task.uid, "down")}
            look="quiet"
            aria-label={`Move ${task.key} down`}
            disabled={index === tasks.length - 1}
            onClick={() => {
              onMove(1);
            }}
          >
            <span aria-hidden="true">↓</span> Down
          </Button>
          <Button look="quiet" aria-label={`Remove ${task.key}`} disabled={tasks.length === 1} onClick={onRemove}>
            <span aria-hidden="true">✕</span> Remove
          </Button>
        </div>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Key"
          hint="Lowercase slug, unique in the crew"
          className="font-mono"
          value={task.key}
          onChange={(event) => {
            onChange({ key: event.target.value });
          }}
          error={fieldError(error, field("key"))}
        />
        <SelectField
          label="Agent"
          value={task.agentId}
          choices={agentChoices}
          hint={agents.length === 0 ? "Add agents to the crew first" : undefined}
          onChange={(event) => {
            onChange({ agentId: event.target.value });
          }}
          error={fieldError(error, field("agent_id"))}
        />
      </div>
      <div className="mt-4 space-y-4">
        <TextArea
          label="Description"
          rows={3}
          hint="What to do; {name} placeholders become the crew's inputs"
          value={task.description}
          onChange={(event) => {
            onChange({ description: event.target.value });
          }}
          error={fieldError(error, field("description"))}
        />
        <TextArea
          label="Expected output"
          rows={2}
          value={task.expectedOutput}
          onChange={(event) => {
            onChange({ expectedOutput: event.target.value });
          }}
          error={fieldError(error, field("expected_output"))}
        />
        <ChoiceList
          legend="Context: outputs of earlier tasks this task receives"
          choices={earlierTasks(tasks, index).map((earlier, at) => ({
            value: earlier.uid,
            label: `${String(at + 1)}. ${earlier.key}`,
          }))}
          selected={task.context}
          onChange={(context) => {
            onChange({ context });
          }}
          error={fieldErrorUnder(error, field("context"))}
          empty="The first task has no earlier tasks to read from."
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            label="Output format"
            value={task.outputFormat}
            choices={[
              { value: "text", label: "Text" },
              { value: "json", label: "JSON (checked against a schema)" },
            ]}
            onChange={(event) => {
              onChange({ outputFormat: event.target.value === "json" ? "json" : "text" });
            }}
            error={fieldError(error, field("output_format"))}
          />
          <div className="pt-6">
            <Checkbox
              label="Human review"
              hint="A person reviews the output before the crew goes on"
              checked={task.humanInput}
              onChange={(event) => {
                onChange({ humanInput: event.target.checked });
              }}
            />
          </div>
        </div>
        {task.outputFormat === "json" && (
          <TextArea
            label="Output schema (JSON Schema)"
            rows={4}
            className="font-mono"
            placeholder='{"type": "object", "properties": {"summary": {"type": "string"}}}'
            value={task.outputSchema}
            onChange={(event) => {
              onChange({ outputSchema: event.target.value });
            }}
            error={fieldErrorUnder(error, field("output_schema"))}
          />
        )}
      </div>
    </li>
  );
}

/** The crew's tasks in order: add, remove, move up and down by keyboard, and pick each one's context. */
export function TaskEditor({
  tasks,
  onChange,
  agents,
  hierarchical,
  readOnly,
  error,
}: {
  tasks: readonly TaskDraft[];
  onChange: (tasks: TaskDraft[]) => void;
  agents: readonly AgentChoice[];
  hierarchical: boolean;
  /** Shows the tasks without the controls that change the list. */
  readOnly: boolean;
  error: unknown;
}) {
  const [announcement, setAnnouncement] = useState("");
  const [refocus, setRefocus] = useState<{ uid: string; which: "up" | "down" } | null>(null);
  const idPrefix = useId();
  const buttonId = (uid: string, which: "up" | "down") => `${idPrefix}-${uid}-${which}`;
  // A moved card's DOM node is re-inserted, which drops keyboard focus: give it back to the same button,
  // or to the other one when the task reached an end of the list.
  useEffect(() => {
    if (refocus === null) return;
    const button = (which: "up" | "down") => document.getElementById(`${idPrefix}-${refocus.uid}-${which}`);
    const same = button(refocus.which);
    const other = button(refocus.which === "up" ? "down" : "up");
    (same instanceof HTMLButtonElement && !same.disabled ? same : other)?.focus();
  }, [refocus, tasks, idPrefix]);
  const apply = (edit: TaskEdit, what: string) => {
    onChange(edit.tasks);
    setAnnouncement(`${what} ${describeDropped(edit.dropped)}`.trim());
  };
  const firstAgent = agents.length === 1 ? (agents[0]?.id ?? "") : "";
  return (
    <div className="space-y-3">
      <ol className="space-y-3">
        {tasks.map((task, index) => (
          <TaskCard
            key={task.uid}
            tasks={tasks}
            index={index}
            agents={agents}
            hierarchical={hierarchical}
            readOnly={readOnly}
            error={error}
            buttonId={buttonId}
            onChange={(patch) => {
              onChange(updateTask(tasks, index, patch));
            }}
            onMove={(offset) => {
              setRefocus({ uid: task.uid, which: offset === -1 ? "up" : "down" });
              apply(moveTask(tasks, index, offset), `${task.key} moved to position ${String(index + 1 + offset)}.`);
            }}
            onRemove={() => {
              apply(removeTask(tasks, index), `${task.key} removed.`);
            }}
          />
        ))}
      </ol>
      <p role="status" className="text-sm text-slate-600">
        {announcement}
      </p>
      {fieldError(error, "tasks") !== undefined && (
        <p role="alert" className="text-sm text-red-700">
          {fieldError(error, "tasks")}
        </p>
      )}
      {!readOnly && (
        <Button
          onClick={() => {
            const added = newTask(tasks, firstAgent);
            apply({ tasks: [...tasks, added], dropped: [] }, `${added.key} added.`);
          }}
        >
          <span aria-hidden="true">+</span> Add task
        </Button>
      )}
    </div>
  );
}
