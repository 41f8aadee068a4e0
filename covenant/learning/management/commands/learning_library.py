"""``covenant learning-library``: load or update the sector's learning library from the repository's
data (``covenant/learning/data/resources.json``). Safe to run again: it changes only what changed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from covenant.core.actors import Actor
from covenant.learning.services import import_library


class Command(BaseCommand):
    help = "Load or update the sector's learning library from covenant/learning/data/resources.json."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_library(Actor.system(via="cli"))
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Learning library: {result.created} added, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.withdrawn} withdrawn."
        )
