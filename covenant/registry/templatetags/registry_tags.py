"""Template helpers for the register: highlighted differences, match explanations and row notes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from covenant.registry.messages import row_error_text
from covenant.registry.results import Piece, mark_differences

register = template.Library()


def _marked(pieces: list[Piece]) -> SafeString:
    out = [f"<mark>{escape(t)}</mark>" if marked else escape(t) for t, marked in pieces]
    return mark_safe("".join(out))  # noqa: S308 (every piece was escaped above)


@register.simple_tag
def diff(text: str, other: str) -> SafeString:
    """``text`` with the words that ``other`` lacks marked, so a reviewer sees the difference."""
    return _marked(mark_differences(text, other)[0])


@register.inclusion_tag("registry/_match_diff.html")
def match_diff(name: str, address: str, facility: Any) -> dict[str, Any]:
    """What the file said beside the register site it matched, words on one side only marked
    (both pages that show a match use this, so they mark differences alike)."""
    name_row, name_site = mark_differences(name, facility.name if facility else "")
    address_row, address_site = mark_differences(address, facility.address if facility else "")
    return {
        "facility": facility,
        "name_row": _marked(name_row),
        "name_site": _marked(name_site),
        "address_row": _marked(address_row),
        "address_site": _marked(address_site),
    }


@register.simple_tag
def explain(features: dict[str, Any]) -> list[str]:
    """The reasons behind a candidate's score, in the reader's language."""
    f = features or {}
    out: list[str] = []
    if f.get("remembered"):
        out.append(_("confirmed by a reviewer before"))
    for key in sorted(f):
        if key.startswith("same_"):
            out.append(_("same %(id)s") % {"id": key[5:].upper().replace("_", " ")})
        elif key.startswith("different_"):
            out.append(_("different %(id)s") % {"id": key[10:].upper().replace("_", " ")})
    if "name_weighted" in f:
        out.append(_("name %(score).0f%% alike") % {"score": 100 * float(f["name_weighted"])})
    if f.get("address_missing"):
        out.append(_("address missing on one side"))
    elif "address_weighted" in f:
        out.append(_("address %(score).0f%% alike") % {"score": 100 * float(f["address_weighted"])})
    if f.get("number_conflict"):
        out.append(_("house or plot numbers differ"))
    if f.get("country_differs"):
        out.append(_("country differs"))
    if "distance_km" in f:
        out.append(_("%(km).1f km apart") % {"km": float(f["distance_km"])})
    return out


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f} %"


@register.filter
def row_note(note: dict[str, Any]) -> str:
    """A note on an accepted upload row (such as a repaired name), in the reader's language."""
    return row_error_text(str(note.get("code", "")), note.get("params") or {})
