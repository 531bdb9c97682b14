"""Time-ordered identifiers (UUIDv7) and tenant schema names derived from them."""

from __future__ import annotations

import os
import time
import uuid

TENANT_SCHEMA_PREFIX = "t_"


def new_id() -> uuid.UUID:
    """A UUIDv7: sortable by creation time, so B-tree inserts stay local and cursors follow creation order."""
    unix_ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def tenant_schema_name(tenant_id: uuid.UUID) -> str:
    """The schema of a tenant: derived from its generated id only, never from user text."""
    return f"{TENANT_SCHEMA_PREFIX}{tenant_id.hex}"
