"""The rules of chat: sessions and their targets, what a new message or a retry stores before the reply
is produced, and what the target is given of the conversation. Nothing here commits."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.agents.repository import AgentRepository
from crewloom.auth.principal import Principal
from crewloom.chat.hub import Frame
from crewloom.chat.memory import Context, Turn, build_context
from crewloom.chat.replies import ExecutionCall, ModelCall, PreparedReply, message_frame
from crewloom.chat.repository import ChatRepository
from crewloom.chat.schemas import (
    AgentTarget,
    CrewTarget,
    FlowTarget,
    MessageOut,
    ModelTarget,
    SessionIn,
    SessionOut,
    SessionUpdate,
    Target,
)
from crewloom.chat.targets import AGENT_INPUTS, ChatInputs, agent_graph, crew_inputs, flow_inputs
from crewloom.config import Settings
from crewloom.crews.repository import CrewRepository
from crewloom.errors import AppError, Conflict, Unprocessable
from crewloom.executions import service as executions
from crewloom.executions.repository import ExecutionRepository
from crewloom.executions.schemas import ExecuteIn, KickoffIn
from crewloom.flows.repository import FlowRepository
from crewloom.flows.service import graph_problems
from crewloom.kit.encryption import Sealed
from crewloom.kit.ids import new_id
from crewloom.kit.pagination import Page, PageRequest
from crewloom.llm import gateway
from crewloom.llm.repository import ProviderRepository
from crewloom.models import ChatMessage, ChatSession, Execution, Flow
from crewloom.models.base import utcnow
from crewloom.queue import enqueue

# The messages a (re)connecting socket receives at once; older ones are paged with GET .../messages.
HISTORY_LIMIT = 200
_TITLE_CHARACTERS = 80
# A reply still "streaming" this long after its time ran out lost its process (a restart, a crash).
_ABANDONED_GRACE = timedelta(seconds=30)


def _target(chat: ChatSession) -> Target | None:
    if chat.target_kind == "agent":
        return AgentTarget(kind="agent", agent_id=chat.agent_id) if chat.agent_id is not None else None
    if chat.target_kind == "flow":
        return FlowTarget(kind="flow", flow_id=chat.flow_id) if chat.flow_id is not None else None
    if chat.target_kind == "crew":
        return CrewTarget(kind="crew", crew_id=chat.crew_id) if chat.crew_id is not None else None
    return ModelTarget(provider_id=chat.provider_id, model=chat.model) if chat.provider_id is not None else None


def session_out(chat: ChatSession) -> SessionOut:
    return SessionOut(
        id=chat.id,
        title=chat.title,
        target=_target(chat),
        memory_tokens=chat.memory_tokens,
        created_by=chat.created_by,
        created_at=chat.created_at,
        updated_at=chat.updated_at,
    )


def title_from(content: str) -> str:
    words = " ".join(content.split())
    if len(words) <= _TITLE_CHARACTERS:
        return words
    return words[: _TITLE_CHARACTERS - 1].rsplit(" ", 1)[0].rstrip() + "…"


async def _target_columns(session: AsyncSession, target: Target) -> dict[str, Any]:
    """The session's columns for a target of this tenant: 404 for an unknown one, 422 for a flow or crew
    that has no input for the message."""
    if isinstance(target, ModelTarget):
        provider = await ProviderRepository(session).get(target.provider_id)
        return {"provider_id": provider.id, "model": target.model or provider.default_model}
    if isinstance(target, AgentTarget):
        return {"agent_id": (await AgentRepository(session).get(target.agent_id)).id}
    if isinstance(target, FlowTarget):
        flow = await FlowRepository(session).get(target.flow_id)
        await _flow_version(session, flow, refuse=_unfit_target)
        return {"flow_id": flow.id}
    crew = await CrewRepository(session).get(target.crew_id)
    if crew_inputs(crew) is None:
        raise _unfit_target("the crew's tasks have no {placeholder} for the message")
    return {"crew_id": crew.id}


def _unfit_target(message: str) -> AppError:
    return Unprocessable({"field": "target", "message": message})


async def create_session(
    session: AsyncSession, principal: Principal, settings: Settings, payload: SessionIn
) -> SessionOut:
    now = utcnow()
    chat = ChatSession(
        id=new_id(),
        title=payload.title,
        target_kind=payload.target.kind,
        **await _target_columns(session, payload.target),
        memory_tokens=payload.memory_tokens or settings.chat_history_tokens,
        created_by=principal.actor_id,
        created_at=now,
        updated_at=now,
    )
    await ChatRepository(session).add(chat)
    return session_out(chat)


async def list_sessions(session: AsyncSession, request: PageRequest) -> Page[SessionOut]:
    rows, cursor = await ChatRepository(session).sessions(request)
    return Page(items=[session_out(row) for row in rows], next_cursor=cursor)


async def get_session(session: AsyncSession, session_id: uuid.UUID) -> SessionOut:
    return session_out(await ChatRepository(session).get_session(session_id))


async def rename_session(session: AsyncSession, session_id: uuid.UUID, payload: SessionUpdate) -> SessionOut:
    chat = await ChatRepository(session).get_session(session_id)
    chat.title = payload.title
    await session.flush()
    return session_out(chat)


async def delete_session(session: AsyncSession, session_id: uuid.UUID) -> None:
    repository = ChatRepository(session)
    await repository.delete_session(await repository.get_session(session_id, lock=True))


async def list_messages(session: AsyncSession, session_id: uuid.UUID, request: PageRequest) -> Page[MessageOut]:
    repository = ChatRepository(session)
    await repository.get_session(session_id)
    rows, cursor = await repository.messages(session_id, request)
    return Page(items=[MessageOut.model_validate(row) for row in rows], next_cursor=cursor)


async def history(session: AsyncSession, session_id: uuid.UUID) -> tuple[SessionOut, list[MessageOut]]:
    repository = ChatRepository(session)
    chat = await repository.get_session(session_id)
    messages = await repository.latest_messages(session_id, HISTORY_LIMIT)
    return session_out(chat), [MessageOut.model_validate(message) for message in messages]


async def _refuse_if_busy(repository: ChatRepository, settings: Settings, session_id: uuid.UUID) -> None:
    """One reply at a time per session. A reply left streaming by a process that went away is closed as
    an error that can be retried, so the conversation never stays blocked."""
    abandoned_before = utcnow() - timedelta(seconds=settings.chat_reply_timeout_seconds) - _ABANDONED_GRACE
    for message in await repository.streaming(session_id):
        if message.created_at > abandoned_before:
            raise Conflict("a reply is still being written in this chat; stop it or wait for it")
        reason = "The reply was interrupted (the server stopped while writing it)"
        message.role, message.status, message.content, message.error = "error", "failed", reason, reason
        message.retryable, message.finished_at = True, utcnow()


async def accept_message(
    session: AsyncSession, principal: Principal, settings: Settings, session_id: uuid.UUID, content: str
) -> PreparedReply:
    """Store the user's message first (nothing typed is lost, whatever happens to the reply), then the
    assistant message the reply will fill."""
    repository = ChatRepository(session)
    chat = await repository.get_session(session_id, lock=True)
    await _refuse_if_busy(repository, settings, chat.id)
    user = ChatMessage(
        id=new_id(),
        session_id=chat.id,
        role="user",
        status="complete",
        content=content,
        created_by=principal.actor_id,
        created_at=utcnow(),
    )
    await repository.add(user)
    if not chat.title:
        chat.title = title_from(content)
    return await _prepare_reply(repository, principal, chat, user, [message_frame("message", _out(user))])


async def accept_retry(
    session: AsyncSession, principal: Principal, settings: Settings, session_id: uuid.UUID, message_id: uuid.UUID
) -> PreparedReply:
    """Answer again the user message an error message failed to answer."""
    repository = ChatRepository(session)
    chat = await repository.get_session(session_id, lock=True)
    await _refuse_if_busy(repository, settings, chat.id)
    failed = await repository.message(chat.id, message_id)
    if failed.role != "error" or not failed.retryable or failed.reply_to is None:
        raise Conflict("only an error message that was not retried yet can be retried")
    user = await repository.message(chat.id, failed.reply_to)
    failed.retryable = False
    return await _prepare_reply(repository, principal, chat, user, [message_frame("message", _out(failed))])


def _out(message: ChatMessage) -> MessageOut:
    return MessageOut.model_validate(message)


async def _context(repository: ChatRepository, chat: ChatSession, user: ChatMessage) -> Context:
    turns = [
        Turn(role="user" if message.role == "user" else "assistant", content=message.content)
        for message in await repository.conversation(chat.id, until=user.created_at)
    ]
    return build_context(turns, chat.memory_tokens)


async def _model_call(repository: ChatRepository, chat: ChatSession, context: Context) -> ModelCall:
    provider = await repository.provider(chat.provider_id)
    if provider is None:
        raise Conflict("this chat's LLM provider was deleted; start a new chat with another one")
    return ModelCall(
        provider_id=provider.id,
        provider_type=gateway.ProviderType(provider.type),
        base_url=provider.base_url,
        options=dict(provider.options),
        sealed_key=Sealed(provider.api_key_ciphertext, provider.api_key_key_id or "")
        if provider.api_key_ciphertext is not None
        else None,
        model=chat.model or provider.default_model,
        messages=context.messages,
    )


async def _flow_version(session: AsyncSession, flow: Flow, refuse: Callable[[str], AppError]) -> ChatInputs:
    """The chat inputs of the flow's latest version, the one a message runs."""
    version = await FlowRepository(session).find_version(flow.id, flow.latest_version)
    if version is None:
        raise refuse(f"the flow {flow.name!r} has no saved version to run")
    inputs = flow_inputs(version.graph)
    if inputs is None:
        raise refuse(f"the flow {flow.name!r} has no text input for the message")
    return inputs


async def _execution_call(
    session: AsyncSession, principal: Principal, chat: ChatSession, context: Context
) -> ExecutionCall:
    """Queue the run that answers, in the transaction that stores the message."""
    if chat.target_kind == "agent":
        return await _agent_run(session, principal, chat, context)
    if chat.target_kind == "flow":
        flow = await FlowRepository(session).find(chat.flow_id) if chat.flow_id is not None else None
        if flow is None:
            raise Conflict("this chat's flow was deleted; start a new chat with another one")
        inputs = await _flow_version(session, flow, refuse=Conflict)
        payload = ExecuteIn(inputs=inputs.values(context), version=flow.latest_version)
        execution = await executions.start_flow(session, principal, flow, payload)
        return ExecutionCall(kind="flow", execution_id=execution.id, principal=principal)
    crew = await CrewRepository(session).find(chat.crew_id) if chat.crew_id is not None else None
    if crew is None:
        raise Conflict("this chat's crew was deleted; start a new chat with another one")
    found = crew_inputs(crew)
    if found is None:
        raise Conflict(f"the crew {crew.name!r} has no {{placeholder}} for the message")
    execution = await executions.kickoff(session, principal, crew, KickoffIn(inputs=found.values(context)))
    return ExecutionCall(kind="crew", execution_id=execution.id, principal=principal)


async def _agent_run(session: AsyncSession, principal: Principal, chat: ChatSession, context: Context) -> ExecutionCall:
    agent = await AgentRepository(session).find(chat.agent_id) if chat.agent_id is not None else None
    if agent is None:
        raise Conflict("this chat's agent was deleted; start a new chat with another one")
    graph = agent_graph(agent.id)
    problems = await graph_problems(session, graph)
    if problems:
        raise Conflict(f"the agent {agent.name!r} cannot run: {'; '.join(problem.message for problem in problems)}")
    # An execution of its own kind: the agent's one-node graph is kept with it, as no flow holds it.
    execution = Execution(
        id=new_id(),
        kind="agent",
        graph=graph,
        inputs=AGENT_INPUTS.values(context),
        status="queued",
        created_by=principal.actor_id,
        created_at=utcnow(),
    )
    await ExecutionRepository(session).add(execution)
    await enqueue(session, tenant_id=principal.tenant_id, execution_id=execution.id)
    return ExecutionCall(kind="agent", execution_id=execution.id, principal=principal)


async def _prepare_reply(
    repository: ChatRepository,
    principal: Principal,
    chat: ChatSession,
    user: ChatMessage,
    frames: list[Frame],
) -> PreparedReply:
    context = await _context(repository, chat, user)
    call: ModelCall | ExecutionCall
    details: dict[str, Any] = {"memory": {"sent": context.sent, "trimmed": context.trimmed, "tokens": context.tokens}}
    if chat.target_kind == "model":
        call = await _model_call(repository, chat, context)
        details["model"] = call.model
    else:
        call = await _execution_call(repository.session, principal, chat, context)
        details["execution_id"] = str(call.execution_id)
    reply = ChatMessage(
        id=new_id(),
        session_id=chat.id,
        role="assistant",
        status="streaming",
        content="",
        reply_to=user.id,
        details=details,
        created_by=principal.actor_id,
        created_at=utcnow(),
    )
    await repository.add(reply)
    chat.updated_at = utcnow()
    return PreparedReply(
        schema=principal.schema,
        tenant_id=principal.tenant_id,
        session_id=chat.id,
        message_id=reply.id,
        call=call,
        frames=[*frames, message_frame("message", _out(reply))],
    )
