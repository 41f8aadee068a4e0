"""Forms of finding partners: signalling interest, and the page's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from covenant.partners.models import SubjectKind
from covenant.partners.services import NOTE_MAX


class InterestForm(forms.Form):
    kind = forms.ChoiceField(choices=SubjectKind.choices)
    key = forms.CharField(max_length=200)
    note = forms.CharField(
        label=_("Note for partners"),
        max_length=NOTE_MAX,
        required=False,
        help_text=_("Shown only to members who are interested too. Share risks and plans, never prices or volumes."),
    )
    show_contact = forms.BooleanField(label=_("Show me as the contact person"), required=False)


class FilterForm(forms.Form):
    topic = forms.CharField(required=False, max_length=40)
    country = forms.CharField(required=False, max_length=2)


class WithdrawForm(forms.Form):
    """Withdrawing takes no input: the interest is in the URL."""
