"""The permission matrix: role × resource × action, in one place. Every route declares one entry."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    member = "member"
    viewer = "viewer"


class Action(StrEnum):
    read = "read"
    write = "write"
    delete = "delete"
    execute = "execute"


class Resource(StrEnum):
    # The caller's own identity and session (me, switch-tenant); every role has it.
    session = "session"
    tenant = "tenant"
    members = "members"
    invitations = "invitations"
    api_keys = "api_keys"
    audit = "audit"
    llm_providers = "llm_providers"
    agents = "agents"
    crews = "crews"
    tools = "tools"
    flows = "flows"
    executions = "executions"
    chat = "chat"


_EVERYONE = frozenset(Role)
_ADMINS = frozenset({Role.admin})
_EDITORS = frozenset({Role.admin, Role.member})


MATRIX: dict[tuple[Resource, Action], frozenset[Role]] = {
    (Resource.session, Action.read): _EVERYONE,
    (Resource.session, Action.write): _EVERYONE,
    (Resource.tenant, Action.read): _EVERYONE,
    (Resource.tenant, Action.write): _ADMINS,
    (Resource.tenant, Action.delete): _ADMINS,
    (Resource.members, Action.read): _EVERYONE,
    (Resource.members, Action.write): _ADMINS,
    (Resource.members, Action.delete): _ADMINS,
    (Resource.invitations, Action.read): _ADMINS,
    (Resource.invitations, Action.write): _ADMINS,
    (Resource.invitations, Action.delete): _ADMINS,
    (Resource.api_keys, Action.read): _ADMINS,
    (Resource.api_keys, Action.write): _ADMINS,
    (Resource.api_keys, Action.delete): _ADMINS,
    (Resource.audit, Action.read): _ADMINS,
    # Provider keys are the tenant's money and secrets: only admins change providers.
    (Resource.llm_providers, Action.read): _EVERYONE,
    (Resource.llm_providers, Action.write): _ADMINS,
    (Resource.llm_providers, Action.delete): _ADMINS,
    (Resource.llm_providers, Action.execute): _EDITORS,
    # Anyone may watch runs; cancelling and retrying spend like starting one does.
    (Resource.executions, Action.read): _EVERYONE,
    (Resource.executions, Action.execute): _EDITORS,
    **{
        (resource, action): _EVERYONE if action == Action.read else _EDITORS
        for resource in (Resource.agents, Resource.crews, Resource.tools, Resource.flows, Resource.chat)
        for action in Action
    },
}


def is_allowed(role: Role, resource: Resource, action: Action) -> bool:
    return role in MATRIX.get((resource, action), frozenset())
