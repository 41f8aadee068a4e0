"""Forms of the learning library: the filters, a contributed tool, the secretariat's decision, progress."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from covenant.core.oecd import OecdStep
from covenant.learning import files
from covenant.learning.models import ProgressStatus, ResourceKind
from covenant.learning.services import ContributionInput
from covenant.risk import selectors as risk_selectors


def topic_choices() -> list[tuple[str, str]]:
    return [(t.code, t.label) for t in risk_selectors.topics()]


def language_choices() -> list[tuple[str, str]]:
    """The platform's languages first, then other ISO 639-1 languages by name."""
    own = [(code, name) for code, name in settings.LANGUAGES]
    known = {code for code, _name in own}
    others = sorted(
        ((code, str(info.get("name_local") or info.get("name", code))) for code, info in LANG_INFO.items()
         if "name" in info and code not in known and "-" not in code),
        key=lambda pair: pair[1].casefold(),
    )  # fmt: skip
    return own + others


def step_choices() -> list[tuple[int, str]]:
    return [(int(v), str(label)) for v, label in OecdStep.choices]


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Title"), max_length=100, required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    step = forms.TypedChoiceField(label=_("OECD step"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *ResourceKind.choices])
    language = forms.ChoiceField(label=_("Language"), required=False)
    sme = forms.BooleanField(label=_("Fits small and medium-sized firms"), required=False)

    def __init__(self, *args: Any, languages: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("All")), *topic_choices()]  # type: ignore[attr-defined]
        self.fields["step"].choices = [("", _("All")), *step_choices()]  # type: ignore[attr-defined]
        names = dict(language_choices())
        codes = languages if languages is not None else list(names)
        self.fields["language"].choices = [("", _("All")), *((c, names.get(c, c)) for c in codes)]  # type: ignore[attr-defined]


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What it helps with, for whom, and how long it takes."),
    )
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    steps = forms.TypedMultipleChoiceField(
        label=_("OECD steps"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("Language"))
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint or OpenDocument, without macros."),
    )
    licence = forms.CharField(
        label=_("Licence"), max_length=150, help_text=_("Under which terms others may use it, e.g. CC BY 4.0.")
    )
    licence_url = forms.URLField(label=_("Licence link"), max_length=500, required=False, assume_scheme="https")
    publisher = forms.CharField(
        label=_("Publisher"), max_length=200, required=False, help_text=_("Leave empty for your organisation.")
    )
    sme_friendly = forms.BooleanField(label=_("Fits small and medium-sized firms"), required=False)
    action = forms.ChoiceField(choices=[("submit", "submit"), ("draft", "draft")], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = topic_choices()  # type: ignore[attr-defined]
        self.fields["steps"].choices = step_choices()  # type: ignore[attr-defined]
        self.fields["language"].choices = language_choices()  # type: ignore[attr-defined]

    def clean_file(self) -> tuple[str, bytes] | None:
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            return None
        # One byte over the limit is enough for the check to refuse it; never hold a huge upload in memory.
        return uploaded.name or "tool", uploaded.read(files.max_file_bytes() + 1)

    @property
    def submit(self) -> bool:
        return self.cleaned_data.get("action") != "draft"

    def to_input(self) -> ContributionInput:
        data = self.cleaned_data
        upload = data.get("file")
        return ContributionInput(
            kind=data["kind"],
            title=data["title"],
            summary=data.get("summary", ""),
            topics=list(data.get("topics", [])),
            steps=list(data.get("steps", [])),
            language=data["language"],
            url=data.get("url", ""),
            file_name=upload[0] if upload else "",
            file_data=upload[1] if upload else None,
            licence=data["licence"],
            licence_url=data.get("licence_url", ""),
            publisher=data.get("publisher", ""),
            sme_friendly=data.get("sme_friendly", False),
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProgressForm(forms.Form):
    status = forms.ChoiceField(choices=ProgressStatus.choices)
