"""The flow engine: graph model, node types, templating and validation. It knows nothing of HTTP."""
