"""E-mail to people in the language each of them reads Covenant in.

A notice is sent after the commit of the change it reports, and its words must be those of the
person reading it, not of the person whose action sent it. So a caller gives a *function* that
writes the subject and body; :func:`send_each` calls it once per language, inside
``translation.override``, and sends one message per language to the people reading it.
Who the people are (and their language) comes from the app that knows them
(``orgs.selectors.people_to_tell``): ``core`` imports no app.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str = ""  # blank: the deployment's default language


Writer = Callable[[], tuple[str, str]]


def send_each(recipients: Iterable[Recipient], write: Writer, *, fail_silently: bool = True) -> int:
    """Send ``write()``'s subject and body to each recipient in their language; returns messages sent."""
    by_language: dict[str, set[str]] = defaultdict(set)
    known = {code for code, _name in settings.LANGUAGES}
    for person in recipients:
        if person.email:
            code = person.language if person.language in known else settings.LANGUAGE_CODE
            by_language[code].add(person.email)
    sent = 0
    for code, emails in sorted(by_language.items()):
        with translation.override(code):
            subject, body = write()
        sent += send_mail(str(subject), str(body), None, sorted(emails), fail_silently=fail_silently)
    return sent


def after_commit(recipients: Iterable[Recipient], write: Writer) -> Callable[[], None]:
    """A callable for ``transaction.on_commit``: the recipients are read now, the words written then."""
    people = list(recipients)

    def send() -> None:
        send_each(people, write)

    return send
