"""Domain packages depend on each other in one direction only (docs/architecture.md).

A module of one domain may import another domain's data and pure helpers (the
modules in SHARED). Anything else (a service, a router, a flow's side effects)
counts as a dependency, and those dependencies must not form a cycle. Work
that moves several domains at once lives in app/flows, above them all.
"""

import ast
import itertools
from pathlib import Path

import app

ROOT = Path(app.__file__).parent
# Not domains: the framework below them, and what is above them all.
OUTSIDE = {"core", "flows"}
# Process runners compose domains the way the command line does (kap-journal worker).
RUNNERS = {"worker.py"}
# Another domain's modules that anyone may import: data, shapes, errors, request
# dependencies and pure helpers that trigger no side effect.
SHARED = {
    "models",
    "schemas",
    "errors",
    "window",
    "sequence",
    "deps",
    "access",
    "outbox",
    "queries",
}


def _domains() -> set[str]:
    return {
        p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in OUTSIDE
    }


def dependencies() -> dict[str, dict[str, set[str]]]:
    """domain -> the other domains it depends on -> the modules that make it so."""
    domains = _domains()
    out: dict[str, dict[str, set[str]]] = {d: {} for d in domains}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2 or parts[0] not in domains or parts[-1] in RUNNERS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                bits = name.split(".")
                if len(bits) < 3 or bits[0] != "app" or bits[1] not in domains:
                    continue
                if bits[1] != parts[0] and bits[2] not in SHARED:
                    where = f"{'/'.join(parts)} imports {name}"
                    out[parts[0]].setdefault(bits[1], set()).add(where)
    return out


def _cycle(graph: dict[str, dict[str, set[str]]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_domain_packages_form_no_import_cycle() -> None:
    graph = dependencies()
    cycle = _cycle(graph)
    if cycle:
        hops = [f"{a} -> {b}: {sorted(graph[a][b])}" for a, b in itertools.pairwise(cycle)]
        raise AssertionError("import cycle between domains:\n" + "\n".join(hops))


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b": {"x"}}, "b": {"c": {"y"}}, "c": {"a": {"z"}}, "d": {}}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b": {"x"}}, "b": {}}) is None
