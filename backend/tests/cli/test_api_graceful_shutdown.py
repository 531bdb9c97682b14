"""SIGTERM to a `crewloom api` replica in a rolling deploy: it stops accepting, ends each event stream with a
reconnect hint, closes chat WebSockets with 1012 (service restart) and exits within its deadline; the execution
it was running is handed back, and another replica carries the stream on from Last-Event-ID to its end."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from crewloom.kit.encryption import format_keys, new_master_key
from tests.chat.talk import chat_socket, create_session
from tests.cli.running import CliProcess, cli_env
from tests.conftest import Account, register, separate_database
from tests.executions.runs import chain, create_flow, detail, execute, follow, mock_provider, parse_frames, wait_for
from tests.waiting import eventually

SHUTDOWN_SECONDS = 6
# What a stopping server may take beyond its deadline: the process's own exit.
EXIT_ALLOWANCE_SECONDS = 10.0
WEBSOCKET_SERVICE_RESTART = 1012


@pytest.fixture(scope="module")
def replica_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What every replica shares: the database, the signing secret and the master keys."""
    return cli_env(
        CREWLOOM_DATABASE_URL=separate_database("api_shutdown"),
        CREWLOOM_DATA_DIR=str(tmp_path_factory.mktemp("replicas")),
        CREWLOOM_SECRET_KEY="replica-signing-key-" + "x" * 32,
        CREWLOOM_MASTER_KEYS=format_keys([new_master_key()]),
        CREWLOOM_SHUTDOWN_SECONDS=str(SHUTDOWN_SECONDS),
        # A handed-back execution is claimed by the other replica's next sweep.
        CREWLOOM_REAPER_INTERVAL_SECONDS="0.5",
    )


@contextmanager
def replica(env: dict[str, str]) -> Iterator[tuple[CliProcess, str]]:
    process = CliProcess("api", "--port", "0", env=env)
    try:
        yield process, process.wait_for(r"Crewloom API at (http://127\.0\.0\.1:\d+)").group(1)
    finally:
        process.close()


async def _stream(client: httpx.AsyncClient, account: Account, execution_id: str, chunks: list[str]) -> str:
    """An execution's event stream, read until the server ends it; ``chunks`` fills as it comes."""
    path = f"/api/v1/executions/{execution_id}/events"
    async with client.stream("GET", path, headers=account.headers) as response:
        assert response.status_code == 200, await response.aread()
        async for text in response.aiter_text():
            chunks.append(text)
    return "".join(chunks)


def _ending(body: str) -> tuple[list[dict[str, Any]], str]:
    """The events of a stream a stopping server ended, and its last frame."""
    *frames, last, _ = body.split("\n\n")
    events, _heartbeats = parse_frames("\n\n".join(frames))
    return events, last


async def test_sigterm_ends_streams_with_a_reconnect_hint_and_another_replica_resumes_them(
    replica_env: dict[str, str],
) -> None:
    with replica(replica_env) as (stopping, stopping_url):
        async with httpx.AsyncClient(base_url=stopping_url, timeout=30) as first:
            account = await register(first)
            provider = await mock_provider(first, account, latency_ms=3000)
            flow_id = await create_flow(first, account, chain(provider, length=4))
            chat = await create_session(first, account, provider)
            started = await execute(first, account, flow_id, {"topic": "bees"})
            await wait_for(first, account, started["id"], ("running",))
            chunks: list[str] = []
            following = asyncio.create_task(_stream(first, account, started["id"], chunks))

            async def streaming() -> bool:
                return "event: run_started" in "".join(chunks)

            await eventually(streaming, what="the stream starting")
            async with chat_socket(stopping_url, account, chat["id"]) as socket:
                stopping.process.send_signal(signal.SIGTERM)
                stopped_at = time.monotonic()
                events, last = _ending(await asyncio.wait_for(following, SHUTDOWN_SECONDS))
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(socket.recv(), SHUTDOWN_SECONDS)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == WEBSOCKET_SERVICE_RESTART
        assert last.startswith(": reconnect")
        assert "\nretry: " in last
        async with httpx.AsyncClient(base_url=stopping_url) as late:
            with pytest.raises(httpx.ConnectError):
                await late.get("/healthz")
        code = await asyncio.to_thread(stopping.process.wait, SHUTDOWN_SECONDS + EXIT_ALLOWANCE_SECONDS)
        assert code == 0, stopping.output
        assert time.monotonic() - stopped_at < SHUTDOWN_SECONDS + EXIT_ALLOWANCE_SECONDS

    # The new replica of the rolling deploy: it runs the handed-back execution, and the client reconnects to it.
    with replica(replica_env) as (_, other_url):
        async with httpx.AsyncClient(base_url=other_url, timeout=30) as second:
            resumed = await follow(second, account, started["id"], last_event_id=events[-1]["id"])
            done = await detail(second, account, started["id"])
    ids = [event["id"] for event in events + resumed]
    assert ids == list(range(1, len(ids) + 1))
    # Handed back by the stopping replica, not left for a lease to run out.
    (requeued,) = [event for event in resumed if event["type"] == "run_requeued"]
    assert "shutting down" in requeued["data"]["reason"]
    assert resumed[-1]["type"] == "run_succeeded"
    assert (done["status"], done["attempts"]) == ("succeeded", 1)
