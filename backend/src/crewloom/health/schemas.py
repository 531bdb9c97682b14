from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Alive(BaseModel):
    status: Literal["alive"] = "alive"


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, str]
