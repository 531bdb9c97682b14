import type { Schemas } from "../../api/client";
import {
  basicValues,
  basicsBody,
  numberText,
  optionalNumber,
  type BasicValues,
  type FormBody,
} from "../../ui/formBody";

type Agent = Schemas["AgentOut"];
export type AgentBody = Schemas["AgentIn"];

export interface AgentValues extends BasicValues {
  role: string;
  goal: string;
  backstory: string;
  providerId: string;
  model: string;
  toolIds: string[];
  /** Number fields as typed; blank means the API's default. */
  temperature: string;
  maxIter: string;
  maxRpm: string;
  maxExecutionTime: string;
  allowDelegation: boolean;
  memory: boolean;
  systemTemplate: string;
}

export function agentValues(agent?: Agent): AgentValues {
  return {
    ...basicValues(agent),
    role: agent?.role ?? "",
    goal: agent?.goal ?? "",
    backstory: agent?.backstory ?? "",
    providerId: agent?.provider_id ?? "",
    model: agent?.model ?? "",
    toolIds: [...(agent?.tool_ids ?? [])],
    temperature: numberText(agent?.temperature),
    maxIter: numberText(agent?.max_iter ?? 20),
    maxRpm: numberText(agent?.max_rpm),
    maxExecutionTime: numberText(agent?.max_execution_time),
    allowDelegation: agent?.allow_delegation ?? false,
    memory: agent?.memory ?? false,
    systemTemplate: agent?.system_template ?? "",
  };
}

/** A provider picked for an agent brings its default model unless a model was typed for another one. */
export function withProvider(
  values: AgentValues,
  providerId: string,
  providers: readonly { id: string; default_model: string }[],
): AgentValues {
  const previous = providers.find((provider) => provider.id === values.providerId);
  const next = providers.find((provider) => provider.id === providerId);
  const modelWasDefault = values.model.trim() === "" || values.model === previous?.default_model;
  return { ...values, providerId, model: modelWasDefault && next !== undefined ? next.default_model : values.model };
}

export function agentBody(values: AgentValues): FormBody<AgentBody> {
  if (values.providerId === "") return { ok: false, problems: { provider_id: "pick the LLM provider the agent calls" } };
  const body: AgentBody = {
    ...basicsBody(values),
    role: values.role,
    goal: values.goal,
    backstory: values.backstory,
    provider_id: values.providerId,
    model: values.model.trim(),
    tool_ids: values.toolIds,
    // Blank is the API's default.
    max_iter: optionalNumber(values.maxIter) ?? 20,
    temperature: optionalNumber(values.temperature),
    max_rpm: optionalNumber(values.maxRpm),
    max_execution_time: optionalNumber(values.maxExecutionTime),
    allow_delegation: values.allowDelegation,
    memory: values.memory,
    system_template: values.systemTemplate.trim() === "" ? null : values.systemTemplate,
  };
  return { ok: true, body };
}
