"""``GET /metrics`` in Prometheus's text format: open, as scrapers expect (it holds counts, route templates
and tenant ids, never a name, a payload or a secret), or behind a bearer token when CREWLOOM_METRICS_TOKEN
is set. Not part of the API's schema."""

from __future__ import annotations

import asyncio
import hmac
import logging

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from crewloom.auth.principal import get_settings
from crewloom.db.engine import Database
from crewloom.db.session import get_database
from crewloom.errors import Unauthorized
from crewloom.observability.metrics import exposition
from crewloom.queue.store import queued_count

logger = logging.getLogger(__name__)

# A scrape waits this long for the queue's depth before answering without it.
_QUEUE_DEPTH_SECONDS = 2.0

router = APIRouter()


async def _queue_depth(database: Database) -> int | None:
    try:
        async with asyncio.timeout(_QUEUE_DEPTH_SECONDS), database.session() as session:
            return await queued_count(session)
    except Exception as exc:
        logger.warning("the queue depth could not be read for /metrics: %s", exc)
        return None


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    token = get_settings(request).metrics_token
    if token:
        sent = request.headers.get("authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            raise Unauthorized("/metrics wants the bearer token of CREWLOOM_METRICS_TOKEN")
    body = exposition(await _queue_depth(get_database(request)))
    return Response(body, media_type=CONTENT_TYPE_LATEST)
