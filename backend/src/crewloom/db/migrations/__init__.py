"""Alembic migrations: ``public`` for shared tables, ``tenant`` applied to every tenant schema."""
