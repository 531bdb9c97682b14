from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from crewloom.auth.principal import get_settings
from crewloom.db.session import get_database
from crewloom.health import service
from crewloom.health.schemas import Alive, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Alive)
async def alive() -> Alive:
    return Alive()


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
async def ready(request: Request) -> JSONResponse:
    readiness = await service.readiness(get_settings(request), get_database(request))
    return JSONResponse(readiness.model_dump(), status_code=200 if readiness.status == "ready" else 503)
