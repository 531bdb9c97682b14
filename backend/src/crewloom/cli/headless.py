"""Running an exported flow document with no server and no database: the document carries every agent,
crew, tool and provider the flow uses; keys and tool secrets come from the command line."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from crewloom.engine.bridge import ToolSpec, kickoff_crew, run_agent_task
from crewloom.engine.nodes import AgentConfig, CrewConfig, ToolConfig
from crewloom.engine.runtime import NodeError, NodeReporter, NodeResult, OnToken, RunServices
from crewloom.engine.tools import run_tool
from crewloom.executions.specs import (
    agent_spec,
    crew_agent_ids,
    crew_spec,
    distinct_names,
    expected_output,
    tool_spec,
)
from crewloom.llm.gateway import ChatMessage, Completion, ProviderConfig, ProviderType, complete
from crewloom.transfer.flow_document import AgentDoc, FlowDocument


class DocumentResources:
    """The services of a headless run. ``provider_keys`` is by provider name; ``tool_secrets`` by tool
    name, then secret name."""

    def __init__(
        self,
        document: FlowDocument,
        *,
        provider_keys: Mapping[str, str],
        tool_secrets: Mapping[str, Mapping[str, str]],
    ) -> None:
        self._providers = {provider.ref: provider for provider in document.providers}
        self._agents = {agent.ref: agent for agent in document.agents}
        self._crews = {crew.ref: crew for crew in document.crews}
        self._tools = {tool.ref: tool for tool in document.tools}
        self._provider_keys = provider_keys
        self._tool_secrets = tool_secrets

    def services(self) -> RunServices:
        return RunServices(
            complete=self.complete, run_agent=self.run_agent, run_crew=self.run_crew, run_tool=self.run_tool
        )

    async def complete(
        self,
        provider_id: uuid.UUID,
        model: str,
        messages: Sequence[ChatMessage],
        *,
        node_id: str,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: OnToken | None = None,
    ) -> Completion:
        provider = self._providers.get(provider_id)
        if provider is None:
            raise NodeError(f"the document holds no provider {provider_id}", retryable=False)
        config = ProviderConfig(
            type=ProviderType(provider.type),
            api_key=self._provider_keys.get(provider.name),
            base_url=provider.base_url,
            options=provider.options,
        )
        return await complete(
            config, model, messages, max_tokens=max_tokens, temperature=temperature, on_token=on_token
        )

    def _tool_specs(self, tool_ids: Sequence[uuid.UUID]) -> list[ToolSpec]:
        specs = []
        for tool_id in tool_ids:
            tool = self._tools.get(tool_id)
            if tool is None:
                raise NodeError(f"the document holds no tool {tool_id}", retryable=False)
            secrets = dict(self._tool_secrets.get(tool.name, {}))
            missing = sorted(set(tool.secret_names) - set(secrets))
            if missing:
                raise NodeError(
                    f"the tool {tool.name!r} needs {', '.join(missing)}: pass --secret '{tool.name}.NAME=value'",
                    retryable=False,
                )
            specs.append(tool_spec(tool_id, tool, secrets))
        return specs

    def _agent(self, agent_id: uuid.UUID) -> AgentDoc:
        agent = self._agents.get(agent_id)
        if agent is None:
            raise NodeError(f"the document holds no agent {agent_id}", retryable=False)
        return agent

    async def run_agent(self, config: AgentConfig, task: str, reporter: NodeReporter) -> NodeResult:
        agent = self._agent(config.agent_id)
        spec = agent_spec(agent, agent.name, self._tool_specs(agent.tool_ids))
        return await run_agent_task(
            spec, task, expected_output(config.expected_output), complete=self.complete, reporter=reporter
        )

    async def run_crew(self, config: CrewConfig, inputs: Mapping[str, str], reporter: NodeReporter) -> NodeResult:
        crew = self._crews.get(config.crew_id)
        if crew is None:
            raise NodeError(f"the document holds no crew {config.crew_id}", retryable=False)
        tasks = [task.model_dump(mode="json") for task in crew.tasks]
        wanted = crew_agent_ids(crew, tasks)
        agents = [self._agent(agent_id) for agent_id in wanted]
        names = distinct_names([agent.name for agent in agents])
        specs = {
            agent_id: agent_spec(agent, name, self._tool_specs(agent.tool_ids))
            for agent_id, agent, name in zip(wanted, agents, names, strict=True)
        }
        return await kickoff_crew(crew_spec(crew, tasks, specs), inputs, complete=self.complete, reporter=reporter)

    async def run_tool(self, config: ToolConfig, arguments: Mapping[str, str], reporter: NodeReporter) -> NodeResult:
        (spec,) = self._tool_specs([config.tool_id])
        return await run_tool(spec, arguments, reporter)
