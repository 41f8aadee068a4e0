"""Every schema of the API document has one name: django-ninja names a component after its class,
so two apps' classes of the same name would silently share one entry (the later one wins) and the
document would describe one of them wrongly."""

from __future__ import annotations

import importlib
import inspect
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[2] / "covenant"


def test_no_two_api_schemas_share_a_name() -> None:
    classes: dict[str, set[str]] = defaultdict(set)
    for path in sorted(ROOT.glob("*/api.py")):
        module = importlib.import_module(f"covenant.{path.parent.name}.api")
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == module.__name__:
                classes[name].add(module.__name__)
    shared = {name: sorted(modules) for name, modules in classes.items() if len(modules) > 1}
    assert not shared, f"schema classes with one name in several apps: {shared}"
