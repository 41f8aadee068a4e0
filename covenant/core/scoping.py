"""The one tenancy rule.

    An actor sees its own organisation's data. It sees another organisation's
    data only (a) where that organisation shared it on purpose, or (b) where the
    data kind is declared visible to the secretariat and the actor is
    secretariat staff.

Every selector that returns tenant data passes its queryset through
:func:`scoped`. Objects fetched by id go through :func:`get_scoped_or_404`,
which answers 404 (never 403) so an outsider cannot even learn that the object
exists. See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404

from covenant.core.actors import Actor

M = TypeVar("M", bound=models.Model)


def scoped(
    actor: Actor,
    qs: models.QuerySet[M],
    *,
    owner: str = "org",
    shared: Q | None = None,
    secretariat: bool = False,
) -> models.QuerySet[M]:
    """Filter ``qs`` to what ``actor`` may see.

    ``owner`` is the lookup path to the owning organisation; ``shared`` is an
    extra condition that grants access through an explicit share (it must not
    multiply rows: use ``pk__in=Subquery(...)`` or ``Exists``); ``secretariat``
    declares that this kind of data is visible to secretariat staff.
    """
    if actor.org is None or actor.role is None:
        return qs.none()
    if secretariat and actor.is_secretariat:
        return qs
    condition = Q(**{owner: actor.org.pk})
    if shared is not None:
        condition |= shared
    return qs.filter(condition)


def get_scoped_or_404(qs: models.QuerySet[M], **lookup: Any) -> M:
    """Fetch one object from an already scoped queryset, or 404."""
    try:
        return qs.get(**lookup)
    # A malformed id (not a UUID, not a number) is simply "not found" too.
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
