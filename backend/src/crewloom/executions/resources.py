"""What a run draws on in its tenant: providers (keys decrypted here, in the worker, at call time),
agents, crews and tools, turned into the engine's plain specs. Each lookup opens its own short
session, so no connection is held while a model thinks."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import TypeVar

from crewloom.agents.repository import AgentRepository
from crewloom.crews.repository import CrewRepository
from crewloom.db.engine import Database
from crewloom.engine.bridge import ToolSpec, kickoff_crew, run_agent_task
from crewloom.engine.nodes import AgentConfig, CrewConfig, ToolConfig
from crewloom.engine.runtime import NodeError, NodeReporter, NodeResult, OnToken, RunServices
from crewloom.engine.tools import run_tool
from crewloom.engine.tools.access import ToolAccess
from crewloom.errors import NotFound
from crewloom.executions.recorder import EventRecorder
from crewloom.executions.specs import agent_spec, crew_agent_ids, crew_spec, distinct_names, expected_output, tool_spec
from crewloom.kit.encryption import KeyRing, Sealed, SecretUnavailable
from crewloom.llm.gateway import ChatMessage, Completion, ProviderCallError, ProviderConfig, ProviderType, complete
from crewloom.llm.repository import ProviderRepository
from crewloom.models import Agent, LlmProvider, LlmUsage, Tool
from crewloom.tools.repository import ToolRepository

_Row = TypeVar("_Row", Tool, Agent)


def _every_one(rows: Sequence[_Row], ids: Sequence[uuid.UUID], what: str) -> dict[uuid.UUID, _Row]:
    """The rows by id, or a NodeError naming the ids that no longer exist (deleted since the flow was saved)."""
    found = {row.id: row for row in rows}
    missing = [str(row_id) for row_id in ids if row_id not in found]
    if missing:
        raise NodeError(f"these {what} no longer exist: {', '.join(missing)}", retryable=False)
    return found


class RunResources:
    """The services of one run; it remembers every secret it decrypted so the recorder can blank them."""

    def __init__(
        self,
        database: Database,
        *,
        schema: str,
        tenant_id: uuid.UUID,
        keyring: KeyRing,
        recorder: EventRecorder,
        tool_access: ToolAccess,
        providers: Sequence[LlmProvider] = (),
    ) -> None:
        self._database = database
        self._tool_access = tool_access
        self._schema = schema
        self._tenant_id = tenant_id
        self._keyring = keyring
        self._recorder = recorder
        self._providers: dict[uuid.UUID, ProviderConfig] = {}
        # Rows read ahead with the execution; their keys are opened at the first call, as any other's.
        self._provider_rows = {provider.id: provider for provider in providers}
        self.secrets: set[str] = set()

    def services(self) -> RunServices:
        return RunServices(
            complete=self.complete, run_agent=self.run_agent, run_crew=self.run_crew, run_tool=self.run_tool
        )

    def _open(self, ciphertext: bytes | None, key_id: str | None, what: str) -> str | None:
        if ciphertext is None:
            return None
        try:
            plaintext = self._keyring.open(Sealed(ciphertext, key_id or ""), self._tenant_id)
        except SecretUnavailable as exc:
            raise NodeError(
                f"the stored secret of {what} cannot be used ({exc}): set it again", retryable=False
            ) from None
        return plaintext

    async def _provider(self, provider_id: uuid.UUID) -> ProviderConfig:
        cached = self._providers.get(provider_id)
        if cached is not None:
            return cached
        provider = self._provider_rows.get(provider_id)
        if provider is None:
            async with self._database.session(self._schema) as session:
                try:
                    provider = await ProviderRepository(session).get(provider_id)
                except NotFound:
                    raise NodeError(f"the LLM provider {provider_id} no longer exists", retryable=False) from None
        api_key = self._open(provider.api_key_ciphertext, provider.api_key_key_id, f"the provider {provider.name!r}")
        if api_key:
            self.secrets.add(api_key)
        config = ProviderConfig(
            type=ProviderType(provider.type), api_key=api_key, base_url=provider.base_url, options=provider.options
        )
        self._providers[provider_id] = config
        return config

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
        provider = await self._provider(provider_id)
        usage = LlmUsage(node_id=node_id, provider_id=provider_id, provider_type=provider.type.value, model=model)
        try:
            completion = await complete(
                provider, model, messages, max_tokens=max_tokens, temperature=temperature, on_token=on_token
            )
        except ProviderCallError as exc:
            usage.error, usage.latency_ms = exc.message[:2000], exc.latency_ms or 0
            self._recorder.add_usage(usage)
            raise
        usage.tokens_in, usage.tokens_out = completion.tokens_in, completion.tokens_out
        usage.cost, usage.latency_ms = completion.cost, completion.latency_ms
        self._recorder.add_usage(usage)
        return completion

    async def _tools(self, tool_ids: Sequence[uuid.UUID]) -> list[ToolSpec]:
        if not tool_ids:
            return []
        async with self._database.session(self._schema) as session:
            found = _every_one(await ToolRepository(session).get_many(tool_ids), tool_ids, "tools")
        return [self._tool_spec(found[tool_id]) for tool_id in tool_ids]

    def _tool_spec(self, tool: Tool) -> ToolSpec:
        opened = self._open(tool.secrets_ciphertext, tool.secrets_key_id, f"the tool {tool.name!r}")
        secrets: dict[str, str] = json.loads(opened) if opened else {}
        self.secrets.update(value for value in secrets.values() if value)
        return tool_spec(tool.id, tool, secrets, self._tool_access)

    async def _agents(self, agent_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Agent]:
        async with self._database.session(self._schema) as session:
            return _every_one(await AgentRepository(session).get_many(agent_ids), agent_ids, "agents")

    async def run_agent(self, config: AgentConfig, task: str, reporter: NodeReporter) -> NodeResult:
        agent = (await self._agents([config.agent_id]))[config.agent_id]
        spec = agent_spec(agent, agent.name, await self._tools(agent.tool_ids))
        return await run_agent_task(
            spec, task, expected_output(config.expected_output), complete=self.complete, reporter=reporter
        )

    async def run_crew(self, config: CrewConfig, inputs: Mapping[str, str], reporter: NodeReporter) -> NodeResult:
        async with self._database.session(self._schema) as session:
            try:
                crew = await CrewRepository(session).get(config.crew_id)
            except NotFound:
                raise NodeError(f"the crew {config.crew_id} no longer exists", retryable=False) from None
        wanted = crew_agent_ids(crew, crew.tasks)
        agents = await self._agents(wanted)
        names = distinct_names([agents[agent_id].name for agent_id in wanted])
        specs = {
            agent_id: agent_spec(agents[agent_id], name, await self._tools(agents[agent_id].tool_ids))
            for agent_id, name in zip(wanted, names, strict=True)
        }
        return await kickoff_crew(crew_spec(crew, crew.tasks, specs), inputs, complete=self.complete, reporter=reporter)

    async def run_tool(self, config: ToolConfig, arguments: Mapping[str, str], reporter: NodeReporter) -> NodeResult:
        (spec,) = await self._tools([config.tool_id])
        return await run_tool(spec, arguments, reporter)
