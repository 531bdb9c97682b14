"""Chat: sessions with a target, their messages, a reply streamed over a WebSocket (or SSE), stop and retry."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, WebSocket, status
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from crewloom.auth.permissions import Action, Resource
from crewloom.auth.principal import Allow, AppSettings, Principal, TenantSession
from crewloom.chat import service, socket
from crewloom.chat.replies import PreparedReply
from crewloom.chat.runtime import ChatRuntime, chat_runtime, follow_reply, get_runtime
from crewloom.chat.schemas import MessageOut, RetryIn, SendIn, SessionIn, SessionOut, SessionUpdate
from crewloom.db.session import unit_of_work
from crewloom.events import SSE_HEADERS, SSE_MEDIA_TYPE
from crewloom.kit.pagination import Page, PageRequest, page_request

router = APIRouter(prefix="/chat", tags=["chat"], lifespan=chat_runtime)
Reader = Annotated[Principal, Depends(Allow(Resource.chat, Action.read))]
Writer = Annotated[Principal, Depends(Allow(Resource.chat, Action.write))]
Deleter = Annotated[Principal, Depends(Allow(Resource.chat, Action.delete))]
Sender = Annotated[Principal, Depends(Allow(Resource.chat, Action.execute))]
Runtime = Annotated[ChatRuntime, Depends(get_runtime)]
Pages = Annotated[PageRequest, Depends(page_request)]
_STREAMED: dict[int | str, dict[str, Any]] = {
    200: {"content": {SSE_MEDIA_TYPE: {}}, "description": "The reply's frames as Server-Sent Events"}
}


@router.post("/sessions", status_code=status.HTTP_201_CREATED, summary="Start a chat with a provider's model")
async def create_session(
    payload: SessionIn, principal: Writer, session: TenantSession, settings: AppSettings
) -> SessionOut:
    return await service.create_session(session, principal, settings, payload)


@router.get("/sessions", summary="List chat sessions, the most recently active first")
async def list_sessions(_principal: Reader, session: TenantSession, request: Pages) -> Page[SessionOut]:
    return await service.list_sessions(session, request)


@router.get("/sessions/{session_id}", summary="Get a chat session")
async def get_session(session_id: uuid.UUID, _principal: Reader, session: TenantSession) -> SessionOut:
    return await service.get_session(session, session_id)


@router.patch("/sessions/{session_id}", summary="Rename a chat session")
async def rename_session(
    session_id: uuid.UUID, payload: SessionUpdate, _principal: Writer, session: TenantSession
) -> SessionOut:
    return await service.rename_session(session, session_id, payload)


@router.delete(
    "/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a chat session and its messages"
)
async def delete_session(
    session_id: uuid.UUID, _principal: Deleter, session: TenantSession, runtime: Runtime
) -> Response:
    await service.delete_session(session, session_id)
    await runtime.hub.stop(session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/sessions/{session_id}/messages", summary="A chat's messages, oldest first")
async def list_messages(
    session_id: uuid.UUID, _principal: Reader, session: TenantSession, request: Pages
) -> Page[MessageOut]:
    return await service.list_messages(session, session_id, request)


async def _streamed(runtime: ChatRuntime, prepared: PreparedReply) -> StreamingResponse:
    frames, subscription = await follow_reply(runtime, prepared)
    return StreamingResponse(
        frames, media_type=SSE_MEDIA_TYPE, headers=SSE_HEADERS, background=BackgroundTask(subscription.aclose)
    )


@router.post(
    "/sessions/{session_id}/messages",
    summary="Send a message; the reply streams back as SSE (the WebSocket's frames)",
    response_class=StreamingResponse,
    responses=_STREAMED,
)
async def send_message(
    session_id: uuid.UUID, payload: SendIn, principal: Sender, runtime: Runtime
) -> StreamingResponse:
    # Committed before the reply starts, so the reply (in the background) finds its messages.
    async with unit_of_work(runtime.database, principal.schema) as session:
        prepared = await service.accept_message(session, principal, runtime.settings, session_id, payload.content)
    return await _streamed(runtime, prepared)


@router.post(
    "/sessions/{session_id}/retry",
    summary="Answer again the message an error message failed to answer; the reply streams back as SSE",
    response_class=StreamingResponse,
    responses=_STREAMED,
)
async def retry_message(
    session_id: uuid.UUID, payload: RetryIn, principal: Sender, runtime: Runtime
) -> StreamingResponse:
    async with unit_of_work(runtime.database, principal.schema) as session:
        prepared = await service.accept_retry(session, principal, runtime.settings, session_id, payload.message_id)
    return await _streamed(runtime, prepared)


@router.post(
    "/sessions/{session_id}/stop",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop the reply being written; its partial text is kept, marked stopped",
)
async def stop_reply(session_id: uuid.UUID, _principal: Sender, session: TenantSession, runtime: Runtime) -> Response:
    await service.get_session(session, session_id)
    await runtime.hub.stop(session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.websocket("/sessions/{session_id}/ws")
async def chat_socket(websocket: WebSocket, session_id: uuid.UUID, runtime: Runtime) -> None:
    await socket.serve(websocket, runtime, session_id)
