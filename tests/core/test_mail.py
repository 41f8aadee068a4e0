"""Notices reach each person in the language they read Covenant in."""

from __future__ import annotations

from django.core import mail
from django.utils.translation import gettext as _

from covenant.core.mail import Recipient, send_each
from covenant.orgs.selectors import people_to_tell
from tests.conftest import World


def _write() -> tuple[str, str]:
    return _("Audits"), _("Corrective actions")


def test_one_message_per_language_written_in_it() -> None:
    sent = send_each(
        [Recipient("a@x.example", "nl"), Recipient("b@x.example", ""), Recipient("c@x.example", "nl")], _write
    )
    assert sent == 2
    by_to = {tuple(m.to): m for m in mail.outbox}
    assert by_to[("a@x.example", "c@x.example")].body == "Verbeterplannen"
    assert by_to[("b@x.example",)].body == "Corrective actions"  # blank: the deployment's default, English


def test_the_dutch_reader_gets_dutch_words() -> None:
    send_each([Recipient("a@x.example", "nl")], _write)
    assert mail.outbox[0].body == "Verbeterplannen"


def test_an_unknown_language_falls_back_to_the_default() -> None:
    send_each([Recipient("a@x.example", "xx")], _write)
    assert mail.outbox[0].body == "Corrective actions"


def test_people_to_tell_carries_each_persons_language(world: World) -> None:
    world.supplier_admin.language = "vi"
    world.supplier_admin.save(update_fields=["language"])
    people = people_to_tell([world.supplier.pk])
    assert Recipient(world.supplier_admin.email, "vi") in people
    assert all(p.email != world.admin_a.email for p in people)  # another organisation's people are not told
