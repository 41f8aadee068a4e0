"""``covenant purge-grievances``: apply the retention rules (run daily)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from covenant.grievances.dialogue import drop_stale_conversations
from covenant.grievances.models import SeenMessage
from covenant.grievances.services import purge_closed


class Command(BaseCommand):
    help = (
        "Delete closed grievance cases older than their mechanism's retention period (files overwritten first), "
        "SMS/WhatsApp dialogues left unfinished for a day, and replay markers older than 30 days."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        cases = purge_closed()
        conversations = drop_stale_conversations(days=1)
        seen, _per_model = SeenMessage.objects.filter(seen_on__lt=timezone.localdate() - timedelta(days=30)).delete()
        self.stdout.write(f"{cases} case(s), {conversations} unfinished dialogue(s), {seen} replay marker(s) deleted.")
