"""Agents: a role with a goal and a backstory, a model to think with, and the tools it may call."""
