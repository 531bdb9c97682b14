"""Crewloom: self-hostable, multi-tenant platform for AI agent workflows."""
