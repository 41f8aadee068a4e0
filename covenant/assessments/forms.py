"""Forms of the self-assessment pages: shape and lengths; the rules are in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from covenant.assessments import questionnaire
from covenant.assessments.questionnaire import Item
from covenant.core.roles import OrgKind
from covenant.orgs.models import Organisation


class OpenCycleForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.ChoiceField(label=_("Questionnaire version"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = [(v, v) for v in sorted(questionnaire.versions())]
        self.fields["version"].choices = [("", _("The latest")), *versions]  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)


class ReopenForm(forms.Form):
    """The secretariat reopens a member's submitted self-assessment (the member asked, or it needs
    correcting). The member is chosen by name: the secretariat need not see who submitted what."""

    member = forms.ModelChoiceField(label=_("Member"), queryset=Organisation.objects.none())
    reason = forms.CharField(label=_("Reason (the member reads it)"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Organisation.objects.filter(kind=OrgKind.MEMBER, is_active=True).order_by("name")
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class EvidenceForm(forms.Form):
    question = forms.ChoiceField(label=_("Question"))
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"), required=False)
    link = forms.URLField(label=_("or a link"), required=False, max_length=500, assume_scheme="https")
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, codes: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = codes or []  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("link"):
            raise forms.ValidationError(_("Attach a file or give a link."))
        return data


def _field(item: Item) -> forms.Field:
    label = f"{item.code} {item.text}"
    if item.type == "yesno":
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "—"), ("yes", _("Yes")), ("partly", _("Partly")), ("no", _("No"))],
        )
    if item.type == "choice":
        return forms.ChoiceField(
            label=label, required=False, choices=[("", "—")] + [(o.value, o.label) for o in item.options]
        )
    if item.type == "percentage":
        return forms.DecimalField(label=label, required=False, min_value=0, max_value=100, decimal_places=2)
    if item.type == "number":
        return forms.DecimalField(label=label, required=False, min_value=0, max_value=10**9, decimal_places=2)
    return forms.CharField(label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class StepForm(forms.Form):
    """One OECD step's sub-questions, and for each pre-filled one a box "take the platform's figure"."""

    def __init__(self, *args: Any, items: list[Item], answers: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[item.code] = _field(item)
            if not self.is_bound and answers is not None:
                self.initial[item.code] = questionnaire.answer_value(answers, item.code)
            if item.prefill:
                self.fields[f"accept:{item.code}"] = forms.BooleanField(
                    label=_("Take the platform's figure"), required=False
                )
                if not self.is_bound and answers is not None:
                    entry = answers.get(item.code)
                    self.initial[f"accept:{item.code}"] = isinstance(entry, dict) and bool(entry.get("platform"))

    def answers(self) -> dict[str, object]:
        return {item.code: self.cleaned_data.get(item.code) for item in self.items}

    def accepted(self) -> list[str]:
        return [item.code for item in self.items if item.prefill and self.cleaned_data.get(f"accept:{item.code}")]
