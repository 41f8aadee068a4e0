"""Forms of joint action: shape, choices and lengths; the rules stay in the services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from covenant.joint.models import ActionStatus, ParticipantRole
from covenant.joint.services import ActionInput

SPLIT = re.compile(r"[;,\n]+")


def _items(text: str) -> list[str]:
    return [part.strip() for part in SPLIT.split(text or "") if part.strip()]


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    aim = forms.CharField(label=_("Aim"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        max_length=1000,
        help_text=_("Names or ISO codes, separated by commas (for instance: Kenya, MY)."),
    )
    commodities = forms.CharField(
        label=_("Commodities"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"list": "joint-goods"}),
        help_text=_("As the risk indicators name them, separated by commas (for instance: tea, palm fruit)."),
    )
    sites = forms.CharField(
        label=_("Sites"),
        required=False,
        max_length=2000,
        help_text=_("Facility ids from the register, separated by commas."),
    )
    gender_dimension = forms.CharField(
        label=_("Gender dimension"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the action reaches women and men differently; add targets by sex on its page."),
    )
    event = forms.TypedChoiceField(label=_("Responds to a risk event"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, topics: list[tuple[str, str]], events: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = topics  # type: ignore[attr-defined]
        self.fields["event"].choices = [("", _("None"))] + [(str(pk), title) for pk, title in events]  # type: ignore[attr-defined]

    def to_input(self) -> ActionInput:
        data = self.cleaned_data
        return ActionInput(
            title=data["title"],
            aim=data["aim"],
            topics=data["topics"],
            sites=_items(data["sites"]),
            countries=_items(data["countries"]),
            commodities=_items(data["commodities"]),
            gender_dimension=data["gender_dimension"],
            event_id=data["event"],
        )


class InviteForm(forms.Form):
    org = forms.ChoiceField(label=_("Organisation"))
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices, initial=ParticipantRole.PARTICIPANT)

    def __init__(self, *args: Any, orgs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = orgs  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    participant = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)


class NamedForm(forms.Form):
    named = forms.BooleanField(label=_("Name my organisation in the published summary"), required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(str(pk), name) for pk, name in owners]  # type: ignore[attr-defined]


class MilestoneDoneForm(forms.Form):
    milestone = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    done_on = forms.DateField(label=_("Done on"), widget=forms.DateInput(attrs={"type": "date"}))


class BudgetForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3, initial="EUR")
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, orgs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(str(pk), name) for pk, name in orgs]  # type: ignore[attr-defined]


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"))


class GenderTargetForm(forms.Form):
    indicator = forms.CharField(label=_("Indicator"), max_length=200, help_text=_("For instance: workers reached."))
    target_women = forms.IntegerField(label=_("Target (women)"), min_value=0, max_value=2**31 - 1, initial=0)
    target_men = forms.IntegerField(label=_("Target (men)"), min_value=0, max_value=2**31 - 1, initial=0)
    actual_women = forms.IntegerField(label=_("Actual (women)"), min_value=0, max_value=2**31 - 1, initial=0)
    actual_men = forms.IntegerField(label=_("Actual (men)"), min_value=0, max_value=2**31 - 1, initial=0)


class GenderActualsForm(forms.Form):
    target = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    actual_women = forms.IntegerField(label=_("Actual (women)"), min_value=0, max_value=2**31 - 1)
    actual_men = forms.IntegerField(label=_("Actual (men)"), min_value=0, max_value=2**31 - 1)


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Update"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


class AttachFindingForm(forms.Form):
    finding = forms.TypedChoiceField(label=_("Collaborative audit finding"), coerce=int)

    def __init__(self, *args: Any, findings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding"].choices = [(str(pk), label) for pk, label in findings]  # type: ignore[attr-defined]


class AttachCaseForm(forms.Form):
    reference = forms.CharField(label=_("Grievance case reference"), max_length=12)


class AttachEventForm(forms.Form):
    event = forms.TypedChoiceField(label=_("Risk event"), coerce=int)

    def __init__(self, *args: Any, events: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [(str(pk), title) for pk, title in events]  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    confirm = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class ConfirmForm(forms.Form):
    confirm = forms.CharField(max_length=64, widget=forms.HiddenInput)
