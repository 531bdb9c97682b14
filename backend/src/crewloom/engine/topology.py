"""Graph walks over node ids: cycles, reachability and ancestry, deterministic in declaration order."""

from __future__ import annotations

from collections.abc import Iterable


class Topology:
    def __init__(self, node_ids: list[str], links: Iterable[tuple[str, str]]) -> None:
        self.order = {node_id: index for index, node_id in enumerate(node_ids)}
        self.children: dict[str, list[str]] = {node_id: [] for node_id in node_ids}
        self.parents: dict[str, list[str]] = {node_id: [] for node_id in node_ids}
        for source, target in links:
            self.children[source].append(target)
            self.parents[target].append(source)

    def _walk(self, starts: Iterable[str], step: dict[str, list[str]]) -> set[str]:
        seen: set[str] = set()
        stack = list(starts)
        while stack:
            current = stack.pop()
            for following in step[current]:
                if following not in seen:
                    seen.add(following)
                    stack.append(following)
        return seen

    def descendants(self, starts: Iterable[str]) -> set[str]:
        """Every node reachable from ``starts`` through at least one edge."""
        return self._walk(starts, self.children)

    def ancestors(self, node_id: str) -> set[str]:
        return self._walk([node_id], self.parents)

    def can_reach(self, targets: Iterable[str]) -> set[str]:
        """Every node with a path to one of ``targets``, the targets included."""
        targets = list(targets)
        return self._walk(targets, self.parents) | set(targets)

    def _components(self) -> list[list[str]]:
        """Strongly connected components (Tarjan, iterative so deep graphs cannot overflow the stack)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        components: list[list[str]] = []
        for root in self.order:
            if root in index:
                continue
            work = [(root, 0)]
            while work:
                node, position = work.pop()
                if position == 0:
                    index[node] = low[node] = len(index)
                    stack.append(node)
                    on_stack.add(node)
                children = self.children[node]
                if position < len(children):
                    work.append((node, position + 1))
                    child = children[position]
                    if child not in index:
                        work.append((child, 0))
                    elif child in on_stack:
                        low[node] = min(low[node], index[child])
                    continue
                for child in children:
                    if child in on_stack:
                        low[node] = min(low[node], low[child])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component)
        return components

    def _cycle_through(self, start: str, members: set[str]) -> list[str]:
        """One cycle from ``start`` back to it inside its component, following edges in declaration order."""
        path = [start]
        seen = {start}
        positions = [0]
        while path:
            node = path[-1]
            children = [child for child in self.children[node] if child in members]
            if positions[-1] >= len(children):
                path.pop()
                positions.pop()
                continue
            child = children[positions[-1]]
            positions[-1] += 1
            if child == start:
                return path
            if child not in seen:
                seen.add(child)
                path.append(child)
                positions.append(0)
        return [start]

    def cycles(self) -> list[list[str]]:
        """One cycle per strongly connected component that loops, starting at its first-declared node;
        components are listed in the order of their first-declared nodes."""
        found = []
        for component in self._components():
            first = min(component, key=self.order.__getitem__)
            if len(component) > 1 or first in self.children[first]:
                found.append(self._cycle_through(first, set(component)))
        return sorted(found, key=lambda cycle: self.order[cycle[0]])
