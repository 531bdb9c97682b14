"""Graph validation: a pure function from a graph and the tenant's known ids to every problem at once,
in a deterministic order (graph-wide, duplicates, nodes, edges, branches, cycles, reachability)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from crewloom.engine import templates
from crewloom.engine.graph import Edge, Graph, Node
from crewloom.engine.nodes import BRANCH_HANDLES, NODE_TYPES, NodeConfig, Reference
from crewloom.engine.problems import KnownReferences, Problem
from crewloom.engine.topology import Topology

if TYPE_CHECKING:
    import celpy


@lru_cache(maxsize=1)
def _cel() -> celpy.Environment:
    # Building the CEL parser takes a moment; only flows with conditions need it.
    import celpy

    return celpy.Environment()


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def parse_graph(graph: dict[str, Any]) -> tuple[Graph | None, list[Problem]]:
    """The graph model, or the problems that keep ``graph`` from being one."""
    try:
        return Graph.model_validate(graph), []
    except ValidationError as exc:
        return None, [
            Problem(code="invalid_graph", message=error["msg"], field=_location(error["loc"]) or None)
            for error in exc.errors()
        ]


def parse_config(node: Node) -> NodeConfig | None:
    """The node's config model, or None if its type is unknown or its config does not match."""
    node_type = NODE_TYPES.get(node.type)
    if node_type is None:
        return None
    try:
        return node_type.config.model_validate(node.config)
    except ValidationError:
        return None


def references(graph: dict[str, Any]) -> list[Reference]:
    """The tenant objects a graph names, from the configs that are valid."""
    parsed, _ = parse_graph(graph)
    if parsed is None:
        return []
    return [reference for node in parsed.nodes if (config := parse_config(node)) for reference in config.references()]


class _Validator:
    def __init__(self, graph: Graph, known: KnownReferences) -> None:
        self.graph = graph
        self.known = known
        self.problems: list[Problem] = []
        self.nodes: dict[str, Node] = {}
        for node in graph.nodes:
            self.nodes.setdefault(node.id, node)
        self.links = [edge for edge in graph.edges if edge.source in self.nodes and edge.target in self.nodes]
        self.topology = Topology(list(self.nodes), [(edge.source, edge.target) for edge in self.links])
        self.inputs = [node for node in self.nodes.values() if node.type == "input"]
        self.outputs = [node for node in self.nodes.values() if node.type == "output"]

    def add(self, code: Any, message: str, **where: Any) -> None:
        self.problems.append(Problem(code=code, message=message, **where))

    def run(self) -> list[Problem]:
        self.check_inputs_and_outputs()
        self.check_duplicates()
        input_fields = self.input_fields()
        for node in self.nodes.values():
            self.check_node(node, input_fields)
        for edge in self.graph.edges:
            self.check_edge(edge)
        self.check_branches()
        for cycle in self.topology.cycles():
            self.add("cycle", f"these nodes form a cycle: {' -> '.join([*cycle, cycle[0]])}", node_ids=cycle)
        self.check_reachability()
        return self.problems

    def check_inputs_and_outputs(self) -> None:
        if not self.inputs:
            self.add("missing_input", "a flow needs exactly one input node")
        for extra in self.inputs[1:]:
            self.add("multiple_inputs", "a flow has exactly one input node", node_id=extra.id)
        if not self.outputs:
            self.add("missing_output", "a flow needs at least one output node")

    def check_duplicates(self) -> None:
        for kind, elements in (("node", self.graph.nodes), ("edge", self.graph.edges)):
            seen: set[str] = set()
            for element in elements:
                if element.id in seen:
                    where = {"node_id": element.id} if kind == "node" else {"edge_id": element.id}
                    self.add("duplicate_id", f"another {kind} already has the id {element.id!r}", **where)
                seen.add(element.id)

    def input_fields(self) -> set[str]:
        names: set[str] = set()
        for node in self.inputs:
            config = parse_config(node)
            if config is not None:
                names.update(field.name for field in getattr(config, "fields", []))
        return names

    def check_node(self, node: Node, input_fields: set[str]) -> None:
        node_type = NODE_TYPES.get(node.type)
        if node_type is None:
            known = ", ".join(NODE_TYPES)
            self.add("unknown_type", f"unknown node type {node.type!r} (known: {known})", node_id=node.id, field="type")
            return
        try:
            config = node_type.config.model_validate(node.config)
        except ValidationError as exc:
            for error in exc.errors():
                field = _location(("config", *error["loc"]))
                self.add("invalid_config", error["msg"], node_id=node.id, field=field)
            return
        for reference in config.references():
            if not self.known.knows(reference):
                self.add(
                    "missing_reference",
                    f"no {reference.kind} with id {reference.id} in this workspace",
                    node_id=node.id,
                    field=f"config.{reference.field}",
                )
        for path, source in config.expressions().items():
            self.check_expression(node, f"config.{path}", source)
        for path, source in config.templates().items():
            self.check_template(node, f"config.{path}", source, input_fields)

    def check_expression(self, node: Node, field: str, source: str) -> None:
        from celpy.celparser import CELParseError

        try:
            _cel().compile(source)
        except CELParseError as exc:
            self.add("invalid_expression", f"not a CEL expression: {exc}", node_id=node.id, field=field)

    def check_template(self, node: Node, field: str, source: str, input_fields: set[str]) -> None:
        try:
            found = templates.references(source)
        except templates.TemplateSyntaxError as exc:
            message = f"template syntax error on line {exc.lineno}: {exc.message}"
            self.add("invalid_config", message, node_id=node.id, field=field)
            return
        upstream = self.topology.ancestors(node.id)
        for name in sorted(found.unknown):
            message = f"{name!r} is not a variable; use inputs.<field> or nodes.<node id>"
            self.add("unknown_template_variable", message, node_id=node.id, field=field)
        for name in sorted(found.inputs - input_fields):
            self.add("unknown_template_variable", f"the input has no field {name!r}", node_id=node.id, field=field)
        for name in sorted(found.nodes - upstream):
            message = (
                f"node {name!r} is not upstream of this node" if name in self.nodes else f"there is no node {name!r}"
            )
            self.add("unknown_template_variable", message, node_id=node.id, field=field)

    def check_edge(self, edge: Edge) -> None:
        for end in ("source", "target"):
            node_id = getattr(edge, end)
            if node_id not in self.nodes:
                self.add("dangling_edge", f"the {end} {node_id!r} is not a node", edge_id=edge.id, field=end)
        source = self.nodes.get(edge.source)
        if source is None or source.type not in NODE_TYPES:
            return
        outputs = NODE_TYPES[source.type].outputs
        if source.type == "condition":
            if edge.source_handle not in outputs:
                message = "an edge leaving a condition starts from its true or false handle"
                self.add("condition_branches", message, edge_id=edge.id, field="source_handle")
        elif edge.source_handle in BRANCH_HANDLES:
            message = f"only condition nodes have a {edge.source_handle} handle"
            self.add("condition_branches", message, edge_id=edge.id, field="source_handle")
        elif edge.source_handle is not None and edge.source_handle not in outputs:
            message = f"node {source.id!r} has no handle {edge.source_handle!r}"
            self.add("dangling_edge", message, edge_id=edge.id, field="source_handle")

    def check_branches(self) -> None:
        for node in self.nodes.values():
            if node.type != "condition":
                continue
            handles = {edge.source_handle for edge in self.links if edge.source == node.id}
            missing = [handle for handle in BRANCH_HANDLES if handle not in handles]
            if missing:
                message = f"a condition needs both a true and a false edge; missing: {', '.join(missing)}"
                self.add("condition_branches", message, node_id=node.id)

    def check_reachability(self) -> None:
        if self.inputs:
            starts = [node.id for node in self.inputs]
            reached = self.topology.descendants(starts) | set(starts)
            for node_id in self.nodes:
                if node_id not in reached:
                    self.add("unreachable", "no path leads here from the input node", node_id=node_id)
        if self.outputs:
            reaching = self.topology.can_reach(node.id for node in self.outputs)
            for node_id in self.nodes:
                if node_id not in reaching:
                    self.add("no_path_to_output", "no path leads from here to an output node", node_id=node_id)


def validate(graph: dict[str, Any], known: KnownReferences) -> list[Problem]:
    """Every problem of ``graph``; an empty list means it can be published and run."""
    parsed, problems = parse_graph(graph)
    if parsed is None:
        return problems
    return _Validator(parsed, known).run()
