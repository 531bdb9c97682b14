"""Flows between workspaces: export a flow with everything it uses as one document, and import such a
document by mapping its providers and creating its tools, agents and crews anew through their own
services, so that every rule of those domains applies. Nothing in a document is ever run."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.agents import service as agents_service
from crewloom.agents.schemas import AgentIn
from crewloom.audit.service import record
from crewloom.auth.permissions import Action, Resource, is_allowed
from crewloom.auth.principal import Principal
from crewloom.crews import service as crews_service
from crewloom.crews.schemas import CrewIn
from crewloom.engine.graph import Graph
from crewloom.engine.validation import references
from crewloom.errors import Forbidden, NotFound, Unprocessable
from crewloom.flows import service as flows_service
from crewloom.flows.repository import FlowRepository
from crewloom.flows.schemas import FlowIn
from crewloom.kit.encryption import KeyRing
from crewloom.llm import service as llm_service
from crewloom.llm.schemas import ProviderIn
from crewloom.models import LlmProvider
from crewloom.tools import service as tools_service
from crewloom.tools.schemas import ToolIn
from crewloom.transfer.flow_document import (
    FlowDocument,
    FlowPart,
    IdMap,
    ProviderDoc,
    agent_doc,
    crew_doc,
    document_problems,
    provider_doc,
    rewrite_graph,
    tool_doc,
)
from crewloom.transfer.repository import TransferRepository
from crewloom.transfer.schemas import (
    CreatedObject,
    CreatedObjects,
    CreatedProvider,
    CreatedTool,
    FlowImported,
    FlowImportIn,
    MappedBy,
    MappedObjects,
    MappedProvider,
)

ResultT = TypeVar("ResultT")
IMPORT_MESSAGE = "Imported"


async def export_flow(session: AsyncSession, flow_id: uuid.UUID, number: int | None) -> FlowDocument:
    """The flow's version ``number`` (the latest if None) with every object it names, directly or through
    its crews and agents; provider keys and tool secret values stay behind."""
    flows = FlowRepository(session)
    flow = await flows.get(flow_id)
    wanted = number if number is not None else flow.latest_version
    version = await flows.find_version(flow.id, wanted) if wanted else None
    if version is None:
        raise NotFound(f"flow {flow.id} has no version {wanted}" if wanted else f"flow {flow.id} has no saved graph")
    named: dict[str, list[uuid.UUID]] = {"agent": [], "crew": [], "tool": [], "provider": []}
    for reference in references(version.graph):
        named[reference.kind].append(reference.id)
    repository = TransferRepository(session)
    crews = await repository.crews(named["crew"])
    agent_ids = named["agent"] + [agent_id for crew in crews for agent_id in crew.agent_ids]
    agent_ids += [crew.manager_agent_id for crew in crews if crew.manager_agent_id]
    agents = await repository.agents(agent_ids)
    tools = await repository.tools(named["tool"] + [tool_id for agent in agents for tool_id in agent.tool_ids])
    provider_ids = set(named["provider"]) | {agent.provider_id for agent in agents}
    provider_ids |= {crew.manager_provider_id for crew in crews if crew.manager_provider_id}
    providers = [provider for provider in await repository.providers() if provider.id in provider_ids]
    return FlowDocument(
        flow=FlowPart(
            name=flow.name, description=flow.description, tags=flow.tags, graph=Graph.model_validate(version.graph)
        ),
        providers=[provider_doc(provider) for provider in providers],
        agents=[agent_doc(agent) for agent in agents],
        crews=[crew_doc(crew) for crew in crews],
        tools=[tool_doc(tool) for tool in tools],
    )


def _prefixed(prefix: str, detail: Any) -> Any:
    if isinstance(detail, list):
        return [_prefixed(prefix, item) for item in detail]
    if isinstance(detail, dict) and "field" in detail:
        return {**detail, "field": f"{prefix}.{detail['field']}"}
    if isinstance(detail, dict):
        return {**detail, "field": prefix}
    return {"field": prefix, "message": str(detail)}


async def within(prefix: str, call: Awaitable[ResultT]) -> ResultT:
    """``call``, with the fields of its 422 placed under ``prefix`` (where they sit in this request)."""
    try:
        return await call
    except Unprocessable as exc:
        raise Unprocessable(_prefixed(prefix, exc.detail)) from exc


class _Import:
    def __init__(self, session: AsyncSession, principal: Principal, ring: KeyRing, payload: FlowImportIn) -> None:
        self.session, self.principal, self.ring, self.payload = session, principal, ring, payload
        self.document = payload.document
        self.ids: IdMap = {"provider": {}, "agent": {}, "crew": {}, "tool": {}}
        self.created = CreatedObjects()
        self.mapped = MappedObjects()

    def check(self) -> None:
        problems = document_problems(self.document)
        refs = {provider.ref for provider in self.document.providers}
        problems += [
            {"field": f"mapping.providers.{ref}", "message": "the document has no provider with this ref"}
            for ref in self.payload.mapping.providers
            if ref not in refs
        ]
        refs = {tool.ref for tool in self.document.tools}
        problems += [
            {"field": f"secrets.{ref}", "message": "the document has no tool with this ref"}
            for ref in self.payload.secrets
            if ref not in refs
        ]
        if problems:
            raise Unprocessable(problems)

    def _pick(self, doc: ProviderDoc, existing: list[LlmProvider]) -> tuple[LlmProvider, MappedBy] | None:
        target = self.payload.mapping.providers.get(doc.ref)
        if target is not None:
            found = next((provider for provider in existing if provider.id == target), None)
            if found is None:
                raise Unprocessable(
                    {"field": f"mapping.providers.{doc.ref}", "message": f"no LLM provider with id {target}"}
                )
            return found, "mapping"
        same = [provider for provider in existing if provider.name == doc.name and provider.type == doc.type]
        return (same[0], "name_and_type") if same else None

    async def providers(self) -> None:
        existing = await TransferRepository(self.session).providers()
        missing = [doc for doc in self.document.providers if self._pick(doc, existing) is None]
        if missing and not is_allowed(self.principal.role, Resource.llm_providers, Action.write):
            names = ", ".join(repr(doc.name) for doc in missing)
            raise Forbidden(
                f"the providers {names} would be created, which only an admin may do: map them to providers "
                "of this workspace (mapping.providers) or ask an admin to import"
            )
        for position, doc in enumerate(self.document.providers):
            picked = self._pick(doc, existing)
            if picked is not None:
                provider, how = picked
                self.ids["provider"][doc.ref] = provider.id
                self.mapped.providers.append(MappedProvider(ref=doc.ref, id=provider.id, name=provider.name, by=how))
                continue
            payload = ProviderIn.model_validate(doc.model_dump(exclude={"ref"}))
            out = await within(
                f"document.providers.{position}",
                llm_service.create_provider(self.session, self.principal, self.ring, payload),
            )
            self.ids["provider"][doc.ref] = out.id
            self.created.providers.append(CreatedProvider(ref=doc.ref, id=out.id, name=out.name))

    async def tools(self) -> None:
        for position, doc in enumerate(self.document.tools):
            secrets = self.payload.secrets.get(doc.ref)
            payload = ToolIn(
                name=doc.name,
                description=doc.description,
                tags=doc.tags,
                type=doc.type,
                config=doc.config,
                secrets=secrets,
            )
            out = await within(
                f"document.tools.{position}",
                tools_service.create_tool(self.session, self.principal, self.ring, payload),
            )
            self.ids["tool"][doc.ref] = out.id
            missing = sorted(set(doc.secret_names) - set(out.secret_names))
            self.created.tools.append(CreatedTool(ref=doc.ref, id=out.id, name=out.name, missing_secrets=missing))

    async def agents(self) -> None:
        for position, doc in enumerate(self.document.agents):
            values = doc.model_dump(exclude={"ref"})
            values["provider_id"] = self.ids["provider"][doc.provider_id]
            values["tool_ids"] = [self.ids["tool"][tool_id] for tool_id in doc.tool_ids]
            call = agents_service.create_agent(self.session, self.principal, AgentIn.model_validate(values))
            out = await within(f"document.agents.{position}", call)
            self.ids["agent"][doc.ref] = out.id
            self.created.agents.append(CreatedObject(ref=doc.ref, id=out.id, name=out.name))

    def _agent(self, agent_id: uuid.UUID | None) -> uuid.UUID | None:
        return None if agent_id is None else self.ids["agent"][agent_id]

    async def crews(self) -> None:
        for position, doc in enumerate(self.document.crews):
            values = doc.model_dump(exclude={"ref"})
            values["agent_ids"] = [self.ids["agent"][agent_id] for agent_id in doc.agent_ids]
            values["tasks"] = [{**task.model_dump(), "agent_id": self._agent(task.agent_id)} for task in doc.tasks]
            values["manager_agent_id"] = self._agent(doc.manager_agent_id)
            if doc.manager_provider_id is not None:
                values["manager_provider_id"] = self.ids["provider"][doc.manager_provider_id]
            call = crews_service.create_crew(self.session, self.principal, CrewIn.model_validate(values))
            out = await within(f"document.crews.{position}", call)
            self.ids["crew"][doc.ref] = out.id
            self.created.crews.append(CreatedObject(ref=doc.ref, id=out.id, name=out.name))

    async def flow(self) -> FlowImported:
        part = self.document.flow
        graph = rewrite_graph(part.graph, self.ids)
        payload = FlowIn(
            name=part.name, description=part.description, tags=part.tags, graph=graph, message=IMPORT_MESSAGE
        )
        flow = await within("document.flow", flows_service.create_flow(self.session, self.principal, payload))
        return FlowImported(
            flow_id=flow.id,
            version=flow.latest_version,
            created=self.created,
            mapped=self.mapped,
            problems=flow.problems,
        )


async def import_flow(
    session: AsyncSession, principal: Principal, ring: KeyRing, payload: FlowImportIn
) -> FlowImported:
    """Create the document's flow (version 1, "Imported") in this workspace. Providers are mapped
    (explicitly, else by name and type) or created without a key; tools, agents and crews are created."""
    run = _Import(session, principal, ring, payload)
    run.check()
    await run.providers()
    await run.tools()
    await run.agents()
    await run.crews()
    result = await run.flow()
    await record(
        session,
        principal,
        action="flow.import",
        resource_type="flow",
        resource_id=result.flow_id,
        detail={
            "name": payload.document.flow.name,
            "created": {kind: len(getattr(result.created, kind)) for kind in ("providers", "tools", "agents", "crews")},
            "mapped_providers": len(result.mapped.providers),
        },
    )
    return result
