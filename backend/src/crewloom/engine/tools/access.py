"""What a workspace tool may reach besides public hosts: its tenant's workspace directory, and the internal
hosts an admin allowed. The default reaches no file and no internal host."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from crewloom.engine.tools.outbound.addresses import HostAllowlist


def tenant_workspace(data_dir: Path, tenant_id: uuid.UUID) -> Path:
    return data_dir / "workspaces" / str(tenant_id)


@dataclass(frozen=True, kw_only=True)
class ToolAccess:
    # The directory file tools work in; None: file tools are refused.
    workspace: Path | None = None
    allowed_hosts: HostAllowlist = field(default_factory=HostAllowlist)
