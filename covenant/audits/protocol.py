"""The sector's reference protocol (data/reference_protocol.json) and how scheme versions cover it.

Data, not code: the clauses and each seeded scheme version's section map live in ``data/`` (see
``data/SOURCES.md`` for what they are, and are not). The rule itself, the share of clauses
covered, is ``rules.overlap``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from covenant.audits import rules

DATA = Path(__file__).resolve().parent / "data"


@cache
def reference_protocol() -> dict[str, Any]:
    """The whole protocol: name, version, note and ``clauses`` (code, name, topic, source)."""
    with (DATA / "reference_protocol.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def clauses() -> list[dict[str, str]]:
    return list(reference_protocol()["clauses"])


def clause_codes() -> tuple[str, ...]:
    return tuple(str(c["code"]) for c in clauses())


def seeded_maps() -> dict[str, dict[str, list[str]]]:
    """``{"scheme/version": {section: [clause codes]}}`` for the seeded versions (migration 0006)."""
    with (DATA / "scheme_reference_map.json").open(encoding="utf-8") as handle:
        data: dict[str, dict[str, list[str]]] = json.load(handle)["versions"]
    return data


def overlap_of(reference_map: Any) -> float:
    """The share (percent) of the reference protocol a version's ``reference_map`` covers."""
    return rules.overlap(reference_map if isinstance(reference_map, dict) else {}, clause_codes())
