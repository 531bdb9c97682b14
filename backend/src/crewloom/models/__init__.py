"""ORM models, one table per file. Importing this package registers every table on its metadata."""

from crewloom.models.agent import Agent
from crewloom.models.api_key import ApiKey
from crewloom.models.audit_event import AuditEvent
from crewloom.models.base import PUBLIC_SCHEMA, TENANT_SCHEMA, PublicBase, TenantBase
from crewloom.models.crew import Crew
from crewloom.models.flow import Flow
from crewloom.models.flow_version import FlowVersion
from crewloom.models.invitation import Invitation
from crewloom.models.llm_provider import LlmProvider
from crewloom.models.login_failure import LoginFailure
from crewloom.models.membership import Membership
from crewloom.models.refresh_token import RefreshToken
from crewloom.models.tenant import Tenant
from crewloom.models.tenant_schema import TenantSchema
from crewloom.models.tool import Tool
from crewloom.models.user import User

__all__ = [
    "PUBLIC_SCHEMA",
    "TENANT_SCHEMA",
    "Agent",
    "ApiKey",
    "AuditEvent",
    "Crew",
    "Flow",
    "FlowVersion",
    "Invitation",
    "LlmProvider",
    "LoginFailure",
    "Membership",
    "PublicBase",
    "RefreshToken",
    "Tenant",
    "TenantBase",
    "TenantSchema",
    "Tool",
    "User",
]
