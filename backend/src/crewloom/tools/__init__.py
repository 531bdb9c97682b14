"""Tools agents can call: built-in crewai-tools, custom Python, HTTP requests, Docker images, MCP servers."""
