"""Exceptions the services raise besides Django's own."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """The action does not fit the object's current state: already closed, decided, revoked, withdrawn.

    A subclass of ``ValidationError``, so HTML views that show a service's validation
    messages keep showing these; the API answers 409 instead of 400.
    """
