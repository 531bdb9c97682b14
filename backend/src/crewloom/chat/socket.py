"""The chat WebSocket: authenticated by its first frame (never by a token in the URL, which proxies log),
then the history, then every frame of the session live, while the client sends, stops and retries.
Closing codes are 4000 plus the HTTP status that the same refusal would have: 4401, 4403, 4404."""

from __future__ import annotations

import asyncio
import json
import uuid
from contextlib import suppress
from typing import Any

from fastapi import Request, WebSocket, WebSocketDisconnect
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import ValidationError

from crewloom.auth.permissions import Action, Resource, is_allowed
from crewloom.auth.principal import Principal, get_principal
from crewloom.chat import service
from crewloom.chat.hub import Frame, FrameStream
from crewloom.chat.runtime import ChatRuntime
from crewloom.chat.schemas import CLIENT_FRAME, AuthFrame, RetryFrame, SendFrame, StopFrame
from crewloom.db.session import unit_of_work
from crewloom.errors import AppError, Forbidden, Unauthorized

AUTH_SECONDS = 10.0
# How long the forwarder waits on a quiet channel before looking again; it only bounds idle loops.
_POLL_SECONDS = 15.0
# A close reason must fit a control frame (123 bytes).
_REASON_BYTES = 120


async def _text(websocket: WebSocket) -> str | None:
    """The next text frame; None for a binary one. Raises WebSocketDisconnect when the client went."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text: str | None = message.get("text")
    return text


async def _close(websocket: WebSocket, error: AppError) -> None:
    reason = str(error.detail).encode()[:_REASON_BYTES].decode(errors="ignore")
    with suppress(RuntimeError, WebSocketDisconnect):
        await websocket.close(code=4000 + error.status_code, reason=reason)


async def _authenticate(websocket: WebSocket) -> Principal:
    try:
        async with asyncio.timeout(AUTH_SECONDS):
            text = await _text(websocket)
    except TimeoutError:
        raise Unauthorized(f"send the auth frame within {AUTH_SECONDS:g} s") from None
    try:
        frame = AuthFrame.model_validate_json(text or "")
    except ValidationError:
        raise Unauthorized('the first frame must be {"type": "auth", "token": "<access token or API key>"}') from None
    # The bearer check of every HTTP route; it reads only the app and the client's address from the scope.
    request = Request({**websocket.scope, "type": "http"})
    return await get_principal(request, HTTPAuthorizationCredentials(scheme="Bearer", credentials=frame.token))


class _Connection:
    def __init__(self, websocket: WebSocket, runtime: ChatRuntime, principal: Principal, session_id: uuid.UUID):
        self._websocket = websocket
        self._runtime = runtime
        self._principal = principal
        self._session_id = session_id
        # The forwarder and the receiver both write to the socket.
        self._sending = asyncio.Lock()

    async def send(self, frame: Frame) -> None:
        async with self._sending:
            await self._websocket.send_text(json.dumps(frame, ensure_ascii=False, default=str))

    async def refuse(self, error: AppError) -> None:
        await self.send({"type": "refused", "error": error.code, "detail": error.detail})

    async def forward(self, frames: FrameStream) -> None:
        while True:
            frame = await frames.next(_POLL_SECONDS)
            if frame is not None:
                await self.send(frame)

    async def receive(self) -> None:
        """Handle the client's frames until it leaves, or is closed for sending without the right."""
        while True:
            text = await _text(self._websocket)
            try:
                frame = CLIENT_FRAME.validate_python(json.loads(text or ""))
            except (ValueError, ValidationError) as exc:
                await self.send({"type": "refused", "error": "validation_error", "detail": _problems(exc)})
                continue
            if not is_allowed(self._principal.role, Resource.chat, Action.execute):
                await _close(
                    self._websocket, Forbidden(f"the {self._principal.role} role may read this chat, not send")
                )
                return
            try:
                await self._handle(frame)
            except AppError as error:
                await self.refuse(error)

    async def _handle(self, frame: SendFrame | StopFrame | RetryFrame) -> None:
        runtime, principal = self._runtime, self._principal
        if isinstance(frame, SendFrame | RetryFrame):
            async with unit_of_work(runtime.database, principal.schema) as session:
                if isinstance(frame, SendFrame):
                    prepared = await service.accept_message(
                        session, principal, runtime.settings, self._session_id, frame.content
                    )
                else:
                    prepared = await service.accept_retry(
                        session, principal, runtime.settings, self._session_id, frame.message_id
                    )
            await runtime.launch(prepared)
            return
        await runtime.hub.stop(self._session_id)


def _problems(exc: Exception) -> Any:
    if isinstance(exc, ValidationError):
        return [
            {"field": ".".join(str(part) for part in error["loc"]), "message": error["msg"]} for error in exc.errors()
        ]
    return "frames are JSON objects"


async def serve(websocket: WebSocket, runtime: ChatRuntime, session_id: uuid.UUID) -> None:
    await websocket.accept()
    try:
        principal = await _authenticate(websocket)
    except AppError as error:
        await _close(websocket, error)
        return
    except WebSocketDisconnect:
        return
    connection = _Connection(websocket, runtime, principal, session_id)
    # Subscribed before the history is read, so that nothing said in between goes by unseen.
    async with runtime.hub.subscribe(session_id) as frames:
        try:
            async with unit_of_work(runtime.database, principal.schema) as session:
                chat, messages = await service.history(session, session_id)
        except AppError as error:
            await _close(websocket, error)
            return
        history = {
            "type": "history",
            "session": chat.model_dump(mode="json"),
            "messages": [message.model_dump(mode="json") for message in messages],
        }
        try:
            await connection.send(history)
        except WebSocketDisconnect:
            return
        # Frames published meanwhile wait in the subscription, so they follow the history.
        forwarding = asyncio.create_task(connection.forward(frames))
        try:
            await connection.receive()
        except WebSocketDisconnect:
            pass
        finally:
            forwarding.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await forwarding
