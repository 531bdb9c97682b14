"""Templates: what they refer to is read from the syntax tree, and the environment is sandboxed."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

from crewloom.engine.templates import TemplateReferences, environment, references


def test_references_of_inputs_and_nodes() -> None:
    found = references(
        "{{ inputs.topic }} {{ nodes.research.output.title }} {{ nodes['draft'].output }}"
        "{% for item in inputs.items %}{{ item }} {{ loop.index }}{% endfor %}{% set n = 1 %}{{ n }} {{ range(2) }}"
    )
    assert found == TemplateReferences(inputs={"topic", "items"}, nodes={"research", "draft"}, unknown=set())


def test_other_names_are_unknown() -> None:
    assert references("{{ secret }} {{ os.environ }}").unknown == {"secret", "os"}


def test_a_syntax_error_raises() -> None:
    with pytest.raises(TemplateSyntaxError):
        references("{% if %}")


def test_the_environment_is_sandboxed_and_strict() -> None:
    env = environment()
    with pytest.raises(SecurityError):
        env.from_string("{{ inputs.__class__.__mro__ }}").render(inputs={})
    with pytest.raises(UndefinedError):
        env.from_string("{{ inputs.missing }}").render(inputs={})
