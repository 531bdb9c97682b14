"""Fixtures shared by the execution tests."""

from tests.tools.mcp_servers import mcp_server as mcp_server
