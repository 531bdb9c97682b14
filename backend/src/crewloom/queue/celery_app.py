"""Dispatch through Celery on Redis: the API side sends "run next" messages, ``crewloom worker`` processes
consume them. A message carries nothing: the worker that takes it claims the fairest execution from
PostgreSQL, so a lost or duplicated message delays or wastes a claim, never a run."""

from __future__ import annotations

import asyncio
import logging

from celery import Celery  # type: ignore[import-untyped]
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from crewloom.config import Settings
from crewloom.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

RUN_NEXT_TASK = "crewloom.run_next"
QUEUE_NAME = "crewloom"
# Short enough that a request never waits long on an unreachable Redis.
BROKER_TIMEOUT_SECONDS = 2.0
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
_SEND_TIMEOUT_SECONDS = 4 * BROKER_TIMEOUT_SECONDS


def build_celery_app(redis_url: str) -> Celery:
    app = Celery("crewloom", broker=redis_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE_NAME,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_publish_retry_policy=_PUBLISH_RETRY,
        # A worker waits out a Redis restart or outage instead of exiting.
        broker_connection_retry=True,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        broker_connection_timeout=BROKER_TIMEOUT_SECONDS,
        broker_transport_options={
            "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
            # Above the one-second BRPOP of the consumer.
            "socket_timeout": 5.0,
        },
        # A message is acknowledged when its run ends, so a busy worker reserves no message an idle one
        # could take.
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        # Runs need PostgreSQL only: they go on through a Redis outage.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_enable_remote_control=False,
        worker_send_task_events=False,
    )
    return app


def send_run_next(app: Celery) -> None:
    """Ask some worker to claim the next execution (blocking: call it from a thread)."""
    # Said outright: left unset, Celery looks up a result backend at every send.
    app.send_task(RUN_NEXT_TASK, retry=True, retry_policy=_PUBLISH_RETRY, ignore_result=True)


class CeleryDispatcher:
    """The API side of the Celery dispatcher: new work is refused with 503 while Redis is unreachable,
    and a wake-up lost to an outage is made up by the workers' periodic sweep."""

    def __init__(self, settings: Settings) -> None:
        if not settings.redis_url:
            raise ValueError("the celery dispatcher needs CREWLOOM_REDIS_URL")
        self._app = build_celery_app(settings.redis_url)
        self._redis: Redis = Redis.from_url(
            settings.redis_url,
            socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
            socket_timeout=BROKER_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),
        )
        self._wake_wanted = False
        self._waking: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Nothing to start: the broker is connected on first use."""

    async def stop(self) -> None:
        if self._waking is not None:
            await self._waking
        await self._redis.aclose()
        await asyncio.to_thread(self._app.close)

    async def ensure_available(self) -> None:
        try:
            async with asyncio.timeout(BROKER_TIMEOUT_SECONDS):
                await self._redis.ping()
        except (RedisError, OSError, TimeoutError) as exc:
            raise ServiceUnavailable("the execution queue (Redis) is unreachable") from exc

    async def submitted(self) -> None:
        """Have a wake-up sent after this call. Submissions that come while one is on its way share the next one:
        a worker that wakes claims all it has room for, and passes the baton when more is waiting."""
        self._wake_wanted = True
        if self._waking is None or self._waking.done():
            self._waking = asyncio.create_task(self._send_wanted(), name="wake workers")

    async def _send_wanted(self) -> None:
        while self._wake_wanted:
            self._wake_wanted = False
            try:
                async with asyncio.timeout(_SEND_TIMEOUT_SECONDS):
                    await asyncio.to_thread(send_run_next, self._app)
            except Exception as exc:
                # The execution is queued in PostgreSQL already: a worker's sweep finds it.
                logger.warning("could not wake a worker through Redis (%r); the next sweep picks the execution up", exc)
