"""The layers of docs/architecture.md, held by reading every module's imports.

Doors (app/api, app/clinic, the CLI, the worker, the demo seed) → use cases
(app/usecases) → domains (models, queries, rules, services) → app/core. An import
points down, never up; no two packages import each other; a door never writes an
audit row or queues a notification itself.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import app

ROOT = Path(app.__file__).parent
DOORS = {"api", "clinic", "cli", "worker", "main", "seed", "seed_care", "seed_measures"}
USECASES = "usecases"
CORE = "core"
# A package may import another's tables freely: models carry no behaviour.
MODELS = "models"


@dataclass(frozen=True)
class Import:
    source: str  # app.api.entries
    target: str  # app.entries.service
    names: tuple[str, ...]


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    path = ROOT.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports() -> list[Import]:
    found = []
    for path in ROOT.rglob("*.py"):
        source = _module(path)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app"):
                names = tuple(a.name for a in node.names)
                found.append(Import(source, node.module, names))
                # `from app.x import y` where y is a module counts as importing app.x.y
                for name in names:
                    if _is_module(f"{node.module}.{name}"):
                        found.append(Import(source, f"{node.module}.{name}", ()))
            elif isinstance(node, ast.Import):
                found += [
                    Import(source, a.name, ()) for a in node.names if a.name.startswith("app.")
                ]
    return found


def package(module: str) -> str:
    bits = module.split(".")
    return bits[1] if len(bits) > 1 else ""


def layer(module: str) -> int:
    pkg = package(module)
    if pkg in DOORS:
        return 3
    if pkg == USECASES:
        return 2
    if pkg == CORE:
        return 0
    return 1


def mutual_pairs(found: list[Import]) -> set[tuple[str, str]]:
    edges = {
        (package(i.source), package(i.target))
        for i in found
        if package(i.source) != package(i.target)
        and package(i.target)
        and i.target.split(".")[-1] != MODELS
    }
    return {(a, b) for a, b in edges if a < b and (b, a) in edges}


def upward(found: list[Import]) -> list[Import]:
    return [i for i in found if package(i.target) and layer(i.target) > layer(i.source)]


def file_cycle(found: list[Import]) -> list[str] | None:
    graph: dict[str, set[str]] = {}
    for i in found:
        if i.source != i.target:
            graph.setdefault(i.source, set()).add(i.target)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            # A package's __init__ importing its own modules is how packages work.
            if node == nxt.rsplit(".", 1)[0]:
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (hit := visit(nxt)):
                return hit
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (hit := visit(node)):
            return hit
    return None


def test_no_package_imports_a_package_that_imports_it_back() -> None:
    assert mutual_pairs(imports()) == set()


def test_imports_point_down_the_layers() -> None:
    up = [f"{i.source} imports {i.target}" for i in upward(imports())]
    assert up == []


def test_no_circle_of_module_imports() -> None:
    assert file_cycle(imports()) is None


def test_no_domain_imports_a_door_or_a_use_case() -> None:
    bad = [
        f"{i.source} imports {i.target}"
        for i in imports()
        if layer(i.source) == 1 and package(i.target) in DOORS | {USECASES}
    ]
    assert bad == []


# What a door must leave to a use case: audit rows, notifications, reminders.
SIDE_EFFECTS = (
    "app.audit.service",
    "app.notifications.outbox",
    "app.notifications.reminders",
    "app.questionnaires.reminders",
)


def _door_modules() -> list[Path]:
    return [*(ROOT / "api").rglob("*.py"), *(ROOT / "clinic").rglob("*.py")]


def test_doors_import_no_side_effect_service() -> None:
    bad = [
        f"{i.source} imports {i.target}"
        for i in imports()
        if package(i.source) in {"api", "clinic"} and i.target.startswith(SIDE_EFFECTS)
    ]
    assert bad == []


def _audit_calls(tree: ast.AST) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"record", "record_many"}
        and "audit" in ast.unparse(node.func.value)
    ]


def test_doors_never_write_an_audit_row_themselves() -> None:
    bad = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _door_modules()
        for line in _audit_calls(ast.parse(path.read_text()))
    ]
    assert bad == []


# The rules above find what they look for.
def test_the_checks_find_what_they_forbid() -> None:
    found = [
        Import("app.entries.service", "app.reviews.service", ()),
        Import("app.reviews.service", "app.entries.queries", ()),
        Import("app.safety.flags", "app.usecases.care", ()),
        Import("app.usecases.care", "app.safety.flags", ()),
    ]
    assert mutual_pairs(found) == {("entries", "reviews"), ("safety", "usecases")}
    assert [i.source for i in upward(found)] == ["app.safety.flags"]
    assert file_cycle(found) == ["app.safety.flags", "app.usecases.care", "app.safety.flags"]
    assert _audit_calls(ast.parse("act.audit.record('x', patient_id=p)")) == [1]
    assert _audit_calls(ast.parse("recorder.record(1)")) == []


@pytest.mark.parametrize("models_import", [Import("app.entries.x", "app.reviews.models", ())])
def test_importing_another_package_s_models_is_no_dependency(models_import: Import) -> None:
    back = Import("app.reviews.service", "app.entries.queries", ())
    assert mutual_pairs([models_import, back]) == set()
