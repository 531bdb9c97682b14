"""Queries of the crews domain."""

from __future__ import annotations

from crewloom.kit.resources import ResourceRepository
from crewloom.models import Crew


class CrewRepository(ResourceRepository[Crew]):
    model = Crew
    label = "crew"
