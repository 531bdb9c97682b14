"""Queries of the tools domain."""

from __future__ import annotations

from crewloom.kit.resources import ResourceRepository
from crewloom.models import Tool


class ToolRepository(ResourceRepository[Tool]):
    model = Tool
    label = "tool"
