"""Queries of the agents domain."""

from __future__ import annotations

from crewloom.kit.resources import ResourceRepository
from crewloom.models import Agent


class AgentRepository(ResourceRepository[Agent]):
    model = Agent
    label = "agent"
