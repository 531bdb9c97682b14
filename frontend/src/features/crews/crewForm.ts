import type { Schemas } from "../../api/client";
import { basicValues, basicsBody, optionalText, type BasicValues, type FormBody } from "../../ui/formBody";
import { jsonText, parseJsonObject } from "../../ui/jsonText";
import { newTask, newUid, withCrewAgents, type TaskDraft } from "./taskList";

type Crew = Schemas["CrewOut"];
export type CrewBody = Schemas["CrewIn"];
export type Process = NonNullable<CrewBody["process"]>;

export interface CrewValues extends BasicValues {
  /** In the crew's order. */
  agentIds: string[];
  tasks: TaskDraft[];
  process: Process;
  /** A hierarchical crew's manager: one of the workspace's agents, or a model. */
  manager: "agent" | "model";
  managerAgentId: string;
  managerProviderId: string;
  managerModel: string;
  planning: boolean;
  memory: boolean;
}

function taskDrafts(tasks: readonly Schemas["Task"][]): TaskDraft[] {
  const uids = new Map(tasks.map((task) => [task.key, newUid()]));
  return tasks.map((task) => ({
    uid: uids.get(task.key) ?? newUid(),
    key: task.key,
    description: task.description,
    expectedOutput: task.expected_output,
    agentId: task.agent_id ?? "",
    context: (task.context ?? []).flatMap((key) => {
      const uid = uids.get(key);
      return uid === undefined ? [] : [uid];
    }),
    outputFormat: task.output_format,
    outputSchema: jsonText(task.output_schema),
    humanInput: task.human_input,
  }));
}

export function crewValues(crew?: Crew): CrewValues {
  return {
    ...basicValues(crew),
    agentIds: [...(crew?.agent_ids ?? [])],
    tasks: crew === undefined ? [newTask([])] : taskDrafts(crew.tasks),
    process: crew?.process ?? "sequential",
    manager: crew?.manager_agent_id === null || crew?.manager_agent_id === undefined ? "model" : "agent",
    managerAgentId: crew?.manager_agent_id ?? "",
    managerProviderId: crew?.manager_provider_id ?? "",
    managerModel: crew?.manager_model ?? "",
    planning: crew?.planning ?? false,
    memory: crew?.memory ?? false,
  };
}

/** The crew with a new set of agents: tasks of an agent that left lose it, and a new agent takes on an
 * empty task's work when it is the only agent. */
export function withAgents(values: CrewValues, agentIds: string[]): CrewValues {
  const tasks = withCrewAgents(values.tasks, agentIds);
  const only = agentIds.length === 1 ? agentIds[0] : undefined;
  return {
    ...values,
    agentIds,
    tasks: only === undefined ? tasks : tasks.map((task) => (task.agentId === "" ? { ...task, agentId: only } : task)),
  };
}

function taskBody(task: TaskDraft, keys: ReadonlyMap<string, string>): Schemas["Task"] {
  return {
    key: task.key.trim(),
    description: task.description,
    expected_output: task.expectedOutput,
    agent_id: task.agentId === "" ? null : task.agentId,
    context: task.context.flatMap((uid) => {
      const key = keys.get(uid);
      return key === undefined ? [] : [key];
    }),
    output_format: task.outputFormat,
    output_schema: null,
    human_input: task.humanInput,
  };
}

export function crewBody(values: CrewValues): FormBody<CrewBody> {
  const keys = new Map(values.tasks.map((task) => [task.uid, task.key.trim()]));
  const problems: Record<string, string> = {};
  const tasks = values.tasks.map((task, position) => {
    const body = taskBody(task, keys);
    if (task.outputFormat === "json") {
      const schema = parseJsonObject(task.outputSchema, null);
      if (schema.ok) body.output_schema = schema.value;
      else problems[`tasks.${String(position)}.output_schema`] = schema.message;
    }
    return body;
  });
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const hierarchical = values.process === "hierarchical";
  const byAgent = hierarchical && values.manager === "agent";
  const byModel = hierarchical && values.manager === "model";
  return {
    ok: true,
    body: {
      ...basicsBody(values),
      agent_ids: values.agentIds,
      tasks,
      process: values.process,
      manager_agent_id: byAgent ? optionalText(values.managerAgentId) : null,
      manager_provider_id: byModel ? optionalText(values.managerProviderId) : null,
      manager_model: byModel ? optionalText(values.managerModel) : null,
      planning: values.planning,
      memory: values.memory,
    },
  };
}
