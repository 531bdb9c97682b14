"""ORM models, one table per file. Importing this package registers every table on its metadata."""

from crewloom.models.agent import Agent
from crewloom.models.api_key import ApiKey
from crewloom.models.audit_event import AuditEvent
from crewloom.models.base import PUBLIC_SCHEMA, TENANT_SCHEMA, PublicBase, TenantBase
from crewloom.models.chat_message import ChatMessage
from crewloom.models.chat_session import ChatSession
from crewloom.models.crew import Crew
from crewloom.models.dispatch_turn import DispatchTurn
from crewloom.models.execution import Execution
from crewloom.models.execution_event import ExecutionEvent
from crewloom.models.execution_queue import QueuedExecution
from crewloom.models.flow import Flow
from crewloom.models.flow_version import FlowVersion
from crewloom.models.invitation import Invitation
from crewloom.models.llm_provider import LlmProvider
from crewloom.models.llm_usage import LlmUsage
from crewloom.models.login_failure import LoginFailure
from crewloom.models.membership import Membership
from crewloom.models.node_run import NodeRun
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
    "ChatMessage",
    "ChatSession",
    "Crew",
    "DispatchTurn",
    "Execution",
    "ExecutionEvent",
    "Flow",
    "FlowVersion",
    "Invitation",
    "LlmProvider",
    "LlmUsage",
    "LoginFailure",
    "Membership",
    "NodeRun",
    "PublicBase",
    "QueuedExecution",
    "RefreshToken",
    "Tenant",
    "TenantBase",
    "TenantSchema",
    "Tool",
    "User",
]
