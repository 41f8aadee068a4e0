"""What other apps may use of the learning library: resources that fit a gap, and gap sources.

The library sits below the supplier questionnaire (``saq``) and the self-assessment
(``assessments``), so those call ``resources_for`` for the resources their gap reports link to.
The library's own page recommends resources from every gap known about the person's
organisation: the apps above register a ``GapSource`` in their ``AppConfig.ready()``
(``register_gap_source``), so the library never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from covenant.core.actors import Actor


@dataclass(frozen=True)
class Gap:
    """One thing an organisation does not yet do well enough, as its own data says."""

    source: str  # "self_assessment", "saq", "risk": where the gap was seen
    reason: str  # translated, short: "Self-assessment 2026, step 2: maturity 1 of 4"
    topic: str | None = None  # a salient topic code (risk's topics), if the gap is about one
    step: int | None = None  # an OECD step (core.oecd.OecdStep), if the gap is about one
    url: str = ""  # where the organisation sees the gap itself


GapSource = Callable[[Actor], list[Gap]]
_GAP_SOURCES: list[GapSource] = []


def register_gap_source(source: GapSource) -> None:
    """Called in an app's ``ready()``: ``source(actor)`` lists the gaps of the actor's organisation
    that the actor may read (through the app's own scoping)."""
    if source not in _GAP_SOURCES:
        _GAP_SOURCES.append(source)


def gap_sources() -> list[GapSource]:
    return list(_GAP_SOURCES)


def resources_for(
    *, topics: Iterable[str] = (), steps: Iterable[int] = (), language: str | None = None, limit: int = 5
) -> list[Any]:
    """Published resources (sector library and approved member tools) that fit any of ``topics`` or
    ``steps``, best fit first, those in ``language`` before others; at most ``limit``.

    Each is a ``learning.models.Resource``: ``title``, ``kind`` (``get_kind_display()``),
    ``language``, ``url`` (empty for an uploaded file), and its page at
    ``reverse("learning:resource", args=[resource.pk])``. Published resources are open to every
    participant, so no actor is needed. Ranking: ``learning.selectors.resources_for``.
    """
    # Imported here: the selectors import this module (Gap, gap_sources).
    from covenant.learning.selectors import resources_for as ranked

    return list(ranked(topics=topics, steps=steps, language=language, limit=limit))
