"""Apps read the register through ``covenant.registry.interface`` only.

Parses every module of ``risk``, ``audits`` and ``grievances`` (imports inside functions
included) and fails on any import of ``covenant.registry`` other than its interface.
Migrations are left out: they name the register's models as they were.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
READERS = ("risk", "audits", "grievances", "capability", "learning", "partners", "saq", "joint", "plans", "assessments")
ALLOWED = {"covenant.registry.interface"}


def _modules(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / "covenant" / app).rglob("*.py") if "migrations" not in p.relative_to(ROOT).parts)


def _imported(tree: ast.AST, package: str) -> list[tuple[int, str]]:
    """Every module name an import statement in ``tree`` brings in, with its line."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's own package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            if module in ("covenant", "covenant.registry"):
                # "from covenant.registry import selectors" imports covenant.registry.selectors.
                found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, module))
    return found


def forbidden_imports(source: str, package: str) -> list[str]:
    """The imports of ``covenant.registry`` in ``source`` that are not its interface."""
    bad = []
    for line, name in _imported(ast.parse(source), package):
        inside = name == "covenant.registry" or name.startswith("covenant.registry.")
        allowed = name == "covenant.registry" or any(name == a or name.startswith(a + ".") for a in ALLOWED)
        if inside and not allowed:
            bad.append(f"line {line}: {name}")
    return bad


@pytest.mark.parametrize("app", READERS)
def test_apps_import_only_the_registry_interface(app: str) -> None:
    modules = _modules(app)
    assert modules, f"no modules found for {app}"
    problems = []
    for path in modules:
        rel = path.relative_to(ROOT)
        package = ".".join(rel.with_suffix("").parts[:-1])
        problems += [f"{rel} {bad}" for bad in forbidden_imports(path.read_text(encoding="utf-8"), package)]
    assert not problems, "import from covenant.registry.interface instead:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        "from covenant.registry.models import Facility",
        "from covenant.registry import selectors",
        "from covenant.registry import interface, models",
        "import covenant.registry.models",
        "def f():\n    from covenant.registry import matchindex\n",
        "from ..registry.models import Facility",
    ],
)
def test_the_check_catches_a_way_around_the_interface(source: str) -> None:
    assert forbidden_imports(source, "covenant.risk")


@pytest.mark.parametrize(
    "source",
    [
        "from covenant.registry.interface import Facility, active_links",
        "from covenant.registry import interface as registry",
        "import covenant.registry.interface",
        "from covenant.risk.models import SiteRisk",
    ],
)
def test_the_check_lets_the_interface_through(source: str) -> None:
    assert forbidden_imports(source, "covenant.risk") == []
