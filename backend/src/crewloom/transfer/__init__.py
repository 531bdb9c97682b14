"""Moving flows and crews between workspaces, and to and from CrewAI projects."""
