"""The sector's library as data in the repository: ``data/resources.json`` (sources and licence
notes in ``data/SOURCES.md``). Read and checked here; ``services.import_library`` writes it.

Each entry links to a public resource on its publisher's site; none of their content is copied.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import locale

from covenant.core.oecd import OecdStep
from covenant.learning.models import ResourceKind

DATA = Path(__file__).parent / "data" / "resources.json"
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")


def language_codes() -> set[str]:
    """ISO 639-1 codes (and Django's regional variants) a resource may be in."""
    return {code.lower() for code in locale.LANG_INFO}


@dataclass(frozen=True)
class Entry:
    key: str
    kind: str
    title: str
    summary: str
    topics: tuple[str, ...]
    steps: tuple[int, ...]
    language: str
    url: str
    licence: str
    licence_url: str
    publisher: str
    sme_friendly: bool


class LibraryError(ValueError):
    pass


def _text(raw: dict[str, Any], name: str, where: str, *, required: bool = True, limit: int = 500) -> str:
    value = raw.get(name, "")
    if not isinstance(value, str):
        raise LibraryError(f"{where}: {name} must be text")
    value = " ".join(value.split())
    if required and not value:
        raise LibraryError(f"{where}: {name} is missing")
    if len(value) > limit:
        raise LibraryError(f"{where}: {name} is longer than {limit} characters")
    return value


def parse(raw: Any, topic_codes: set[str]) -> list[Entry]:
    """The entries of a library file, or a ``LibraryError`` naming the first wrong one."""
    if not isinstance(raw, dict) or not isinstance(raw.get("resources"), list):
        raise LibraryError('the file must be {"resources": [...]}')
    entries: list[Entry] = []
    seen: set[str] = set()
    languages = language_codes()
    for i, item in enumerate(raw["resources"], start=1):
        if not isinstance(item, dict):
            raise LibraryError(f"resource {i}: not an object")
        key = _text(item, "key", f"resource {i}", limit=80)
        where = f"resource {key}"
        if not KEY.match(key) or key in seen:
            raise LibraryError(f"{where}: key must be unique, lower case letters, digits and hyphens")
        seen.add(key)
        kind = _text(item, "kind", where)
        if kind not in ResourceKind.values:
            raise LibraryError(f"{where}: kind {kind!r} is not one of {', '.join(ResourceKind.values)}")
        topics = item.get("topics", [])
        steps = item.get("steps", [])
        if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
            raise LibraryError(f"{where}: topics must be a list of topic codes")
        unknown = sorted(set(topics) - topic_codes)
        if unknown:
            raise LibraryError(f"{where}: unknown topics {', '.join(unknown)}")
        if not isinstance(steps, list) or not all(isinstance(s, int) and s in OecdStep.values for s in steps):
            raise LibraryError(f"{where}: steps must be a list of OECD steps 1-6")
        if not topics and not steps:
            raise LibraryError(f"{where}: give at least one topic or step")
        language = _text(item, "language", where, limit=10).lower()
        if language not in languages:
            raise LibraryError(f"{where}: language {language!r} is not an ISO 639-1 code")
        url = _text(item, "url", where)
        if not url.startswith("https://") and not url.startswith("http://"):
            raise LibraryError(f"{where}: url must be a web address")
        licence_url = _text(item, "licence_url", where, required=False)
        sme = item.get("sme_friendly", False)
        if not isinstance(sme, bool):
            raise LibraryError(f"{where}: sme_friendly must be true or false")
        entries.append(
            Entry(
                key=key,
                kind=kind,
                title=_text(item, "title", where, limit=200),
                summary=_text(item, "summary", where, required=False, limit=2000),
                topics=tuple(sorted(set(topics))),
                steps=tuple(sorted(set(steps))),
                language=language,
                url=url,
                licence=_text(item, "licence", where, limit=150),
                licence_url=licence_url,
                publisher=_text(item, "publisher", where, limit=200),
                sme_friendly=sme,
            )
        )
    return entries


def load(topic_codes: set[str], path: Path = DATA) -> list[Entry]:
    with path.open(encoding="utf-8") as handle:
        return parse(json.load(handle), topic_codes)
