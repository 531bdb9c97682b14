"""Flows: graphs of nodes and edges, saved as immutable numbered versions, one of them published."""
