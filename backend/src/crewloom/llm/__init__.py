"""LLM providers and the gateway every model call goes through."""
