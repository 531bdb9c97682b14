"""Database access: engine, unit of work, tenancy, embedded PostgreSQL and migrations."""
