"""Templates are Jinja2 in the sandboxed environment: they read ``inputs`` and ``nodes`` and cannot
reach Python internals. Validation reads what a template refers to from its syntax tree, never by
rendering it."""

from __future__ import annotations

from dataclasses import dataclass, field

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOTS = ("inputs", "nodes")


def environment() -> ImmutableSandboxedEnvironment:
    """The one environment templates are parsed and rendered with: sandboxed, immutable values, and an
    undefined variable is an error rather than an empty string."""
    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


@dataclass
class TemplateReferences:
    inputs: set[str] = field(default_factory=set)
    nodes: set[str] = field(default_factory=set)
    # Root names that are neither ``inputs``, ``nodes``, a global nor a template-local variable.
    unknown: set[str] = field(default_factory=set)


def _key(node: nodes.Getattr | nodes.Getitem) -> str | None:
    """The attribute or constant key an access reads: ``x.key`` or ``x["key"]``."""
    if isinstance(node, nodes.Getattr):
        return node.attr
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        return node.arg.value
    return None


def references(source: str) -> TemplateReferences:
    """What ``source`` reads from ``inputs`` and ``nodes``; raises TemplateSyntaxError if it is not a template."""
    env = environment()
    tree = env.parse(source)
    found = TemplateReferences()
    for name in meta.find_undeclared_variables(tree):
        if name not in ROOTS and name not in env.globals:
            found.unknown.add(name)
    for access in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if not isinstance(access, nodes.Getattr | nodes.Getitem):
            continue
        target = access.node
        key = _key(access)
        if key is not None and isinstance(target, nodes.Name) and target.name in ROOTS:
            getattr(found, target.name).add(key)
    return found


__all__ = ["ROOTS", "TemplateReferences", "TemplateSyntaxError", "environment", "references"]
