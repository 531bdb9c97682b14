"""The API's routes as the permission walk and the cross-tenant test see them."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from crewloom.app import API_PREFIX, create_app
from crewloom.auth.principal import Allow
from crewloom.config import Settings

# Routes that need no credentials: everything else must declare its entry in the permission matrix.
PUBLIC_ROUTES = {
    ("POST", f"{API_PREFIX}/auth/register"),
    ("POST", f"{API_PREFIX}/auth/login"),
    ("POST", f"{API_PREFIX}/auth/refresh"),
    ("POST", f"{API_PREFIX}/auth/logout"),
    ("POST", f"{API_PREFIX}/invitations/accept"),
}
_PARAM = re.compile(r"\{([^}:]+)(:[^}]+)?\}")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    permissions: tuple[Allow, ...]

    @property
    def params(self) -> list[str]:
        return [match.group(1) for match in _PARAM.finditer(self.path)]

    def url(self, **values: str) -> str:
        return _PARAM.sub(lambda match: values.get(match.group(1), str(uuid.uuid4())), self.path)

    @property
    def sends_body(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH", "DELETE")


def _permissions(dependant: Dependant) -> list[Allow]:
    found: list[Allow] = []
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, Allow):
            found.append(dependency.call)
        found.extend(_permissions(dependency))
    return found


def api_routes(settings: Settings) -> list[Route]:
    routes: list[Route] = []
    # Included routers are kept as branches, so walk the effective (prefixed) routes.
    for context in iter_route_contexts(create_app(settings).routes):
        path, methods = context.path, context.methods
        if isinstance(context.original_route, APIRoute) and path and methods and path.startswith(API_PREFIX):
            permissions = tuple(_permissions(context.dependant))
            routes.extend(Route(method, path, permissions) for method in sorted(methods))
    return routes
