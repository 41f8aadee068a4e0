"""The project's layers: each part imports only from the layers below it.

From the top (each line may import the lines under it, never those above):

    project    covenant/api.py, urls.py, settings.py, cli.py, wsgi.py, gunicorn_conf.py: wire everything together
    demo       the demo sector: seeds every app through its services
    assessments    the member self-assessment cycle: reads every app below for its pre-filled figures
    plans      the member's action plan and exit decisions: links joint actions
    saq, joint     the supplier questionnaire (recommends learning); joint actions (attach audits, cases)
    audits, grievances, capability, learning, partners    (none imports another)
    risk       scores sites; reads the register
    registry   the shared facility register
    orgs       organisations, memberships, the session's actor, switching organisation
    accounts   people, API tokens (and the API's TokenAuth), the two-factor rule
    core       the actor, kinds and roles, scoping, the audit trail, jobs, the menu and dashboard
               registries, API plumbing: it knows no app, the apps register with it
    matching, tabular     plain Python (no Django): the matching engine, the table reader

Parses every module under ``covenant/`` (imports inside functions included) and fails on
an import that goes up or sideways, since an import hidden in a function is how a circle
between apps gets past the module-level graph. Imports under ``if TYPE_CHECKING:`` never
run; they are allowed only where listed in ``TYPE_ONLY``. Then builds the graph of
module-level imports between the parts and checks it has no circle.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "project"
PROJECT_MODULES = {"__init__", "api", "urls", "settings", "cli", "wsgi", "gunicorn_conf"}

# Bottom first. A part may import its own modules and those of the layers before its own.
LAYERS: list[set[str]] = [
    {"tabular"},
    {"matching"},
    {"core"},
    {"accounts"},
    {"orgs"},
    {"registry"},
    {"risk"},
    {"audits", "grievances", "capability", "learning", "partners"},
    {"saq", "joint"},
    {"plans"},
    {"assessments"},
    {"demo"},
    {PROJECT},
]
ABOVE_CORE = {
    "accounts",
    "orgs",
    "registry",
    "risk",
    "audits",
    "grievances",
    "capability",
    "learning",
    "partners",
    "saq",
    "joint",
    "plans",
    "assessments",
    "demo",
}

# (importing module, imported module): type names for annotations, never imported at run time.
TYPE_ONLY = {
    # The actor names its person and organisation.
    ("covenant.core.actors", "covenant.accounts.models"),
    ("covenant.core.actors", "covenant.orgs.models"),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    line: int
    name: str  # the imported module
    in_function: bool
    type_only: bool


def _part(name: str) -> str | None:
    """The layer part a ``covenant.…`` module belongs to, or None outside the project."""
    pieces = name.split(".")
    if pieces[0] != "covenant":
        return None
    if len(pieces) == 1 or pieces[1] in PROJECT_MODULES:
        return PROJECT
    return pieces[1]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(source: str, module: str, *, is_package: bool = False) -> list[Import]:
    """Every ``covenant`` module that ``source`` (the text of ``module``) imports, wherever the import is."""
    package = module if is_package else module.rsplit(".", 1)[0]
    found: list[Import] = []

    def names(node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.Import):
            return [alias.name for alias in node.names]
        target = node.module or ""
        if node.level:  # relative: resolve against the module's own package
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
        if not node.module or target == "covenant":
            # "from covenant import orgs" and "from . import scoping" import modules by name.
            return [f"{target}.{alias.name}" for alias in node.names]
        return [target]

    def visit(nodes: list[ast.AST], in_function: bool, type_only: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.extend(
                    Import(module, node.lineno, name, in_function, type_only)
                    for name in names(node)
                    if _part(name) is not None
                )
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                visit(list(node.body), in_function, True)
                visit(list(node.orelse), in_function, type_only)
            else:
                function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                visit(list(ast.iter_child_nodes(node)), in_function or function, type_only)

    visit([ast.parse(source)], False, False)
    return found


def _project_imports() -> list[Import]:
    result: list[Import] = []
    for path in sorted((ROOT / "covenant").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        is_package = rel.name == "__init__"
        module = ".".join(rel.parts[:-1] if is_package else rel.parts)
        result += imports_of(path.read_text(encoding="utf-8"), module, is_package=is_package)
    return result


def _layer(part: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if part in layer)


def wrong_way(imports: list[Import]) -> list[str]:
    """Imports that go up the layers or sideways (type-only ones listed in TYPE_ONLY excepted)."""
    bad = []
    for imp in imports:
        source, target = _part(imp.module), _part(imp.name)
        assert source is not None and target is not None
        if source == target or (imp.type_only and (imp.module, imp.name) in TYPE_ONLY):
            continue
        if _layer(target) >= _layer(source):
            where = " (inside a function)" if imp.in_function else " (type only)" if imp.type_only else ""
            bad.append(f"{imp.module}:{imp.line} imports {imp.name}{where}")
    return bad


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The circles of a directed graph, one per strongly connected group of more than one node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def module_level_graph(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for imp in imports:
        source, target = _part(imp.module), _part(imp.name)
        if imp.in_function or imp.type_only or source is None or target is None or source == target:
            continue
        graph.setdefault(source, set()).add(target)
    return graph


def test_every_part_has_a_layer() -> None:
    parts = {
        PROJECT if path.stem in PROJECT_MODULES else path.stem
        for path in (ROOT / "covenant").iterdir()
        if path.suffix == ".py" or (path / "__init__.py").exists()
    }
    placed = set().union(*LAYERS)
    assert parts <= placed, f"put these in LAYERS (and in docs/ARCHITECTURE.md): {sorted(parts - placed)}"


def test_core_imports_no_app_above_it() -> None:
    above = [
        f"{imp.module}:{imp.line} imports {imp.name}"
        for imp in _project_imports()
        if imp.module.startswith("covenant.core")
        and _part(imp.name) in ABOVE_CORE
        and not (imp.type_only and (imp.module, imp.name) in TYPE_ONLY)
    ]
    assert not above, "core must not import the apps built on it; let them register with it:\n" + "\n".join(above)


def test_every_import_goes_down_the_layers() -> None:
    bad = wrong_way(_project_imports())
    assert not bad, "imports against the layers (see this file's docstring):\n" + "\n".join(bad)


def test_the_apps_module_level_imports_have_no_circle() -> None:
    graph = module_level_graph(_project_imports())
    assert graph, "no imports found: is the project where the test looks?"
    assert cycles(graph) == []


def test_the_type_only_exceptions_are_still_type_only() -> None:
    used = {(imp.module, imp.name) for imp in _project_imports() if imp.type_only}
    assert used >= TYPE_ONLY, f"remove from TYPE_ONLY what no longer exists: {sorted(TYPE_ONLY - used)}"


@pytest.mark.parametrize(
    "source",
    [
        "from covenant.orgs.models import OrgKind",
        "import covenant.accounts.services",
        "from covenant import registry",
        "def f():\n    from covenant.risk.selectors import dashboard_card\n",
        "class C:\n    def m(self):\n        import covenant.audits.models\n",
        "from ..orgs.selectors import memberships_of",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from covenant.registry.models import Facility\n",
    ],
)
def test_the_check_catches_core_importing_upwards(source: str) -> None:
    assert wrong_way(imports_of(source, "covenant.core.navigation"))


@pytest.mark.parametrize(
    "source",
    [
        "from covenant.core.roles import OrgKind",
        "from covenant.core import audit",
        "from . import scoping",
        "from covenant.tabular import read_table",
        "from django.db import models",
        "if TYPE_CHECKING:\n    from covenant.orgs.models import Organisation\n",
    ],
)
def test_the_check_lets_core_import_downwards(source: str) -> None:
    assert wrong_way(imports_of(source, "covenant.core.actors")) == []


def test_sideways_is_wrong_too() -> None:
    assert wrong_way(imports_of("def f():\n    from covenant.grievances import selectors\n", "covenant.audits.views"))


def test_the_cycle_finder_finds_circles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"accounts": {"orgs"}, "orgs": {"accounts", "core"}, "core": set()}) == [["accounts", "orgs"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
