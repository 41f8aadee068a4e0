from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from covenant.risk.models import EventKind, IndicatorLevel, ResponseStatus, Topic, default_review_date

DEFAULT_CHECKLIST = "\n".join(
    [
        "Protect workers: check that workers at the site are safe",
        "Keep paying wages and honour orders already placed",
        "Plan a responsible exit if you must leave, with notice and severance",
        "Heightened due diligence for displaced workers at your sites elsewhere",
    ]
)


def _topic_choices() -> list[tuple[str, str]]:
    return [(t.code, t.label) for t in Topic.objects.all()]


class OverrideForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"))
    score = forms.FloatField(label=_("Your score (0-10)"), min_value=0, max_value=10)
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    review_on = forms.DateField(
        label=_("Review date"),
        initial=default_review_date,
        help_text=_("Your score applies until this day, at most two years ahead; you are reminded a month before."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = _topic_choices()  # type: ignore[attr-defined]


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    regions = forms.CharField(
        label=_("Countries or regions"),
        help_text=_("ISO 3166-1 country codes or ISO 3166-2 subdivision codes, separated by commas: UA-14, UA-63"),
        max_length=1000,
    )
    starts_on = forms.DateField(
        label=_("From"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    topics = forms.MultipleChoiceField(label=_("Topics it raises"), widget=forms.CheckboxSelectMultiple)
    raise_by = forms.FloatField(label=_("Raise by (points)"), initial=2.0, min_value=0.5, max_value=4)
    guidance = forms.CharField(label=_("Guidance"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    checklist = forms.CharField(
        label=_("Response checklist (one item per line)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        initial=DEFAULT_CHECKLIST,
        max_length=5000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = _topic_choices()  # type: ignore[attr-defined]

    def region_list(self) -> list[str]:
        return [r for r in self.cleaned_data["regions"].replace(";", ",").replace(" ", ",").split(",") if r.strip()]


class ResponseForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ResponseStatus.choices)
    done = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, checklist: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done"].choices = list(enumerate(checklist or []))  # type: ignore[attr-defined]
        self.fields["done"].label = _("Done")


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    level = forms.ChoiceField(label=_("Level"), choices=IndicatorLevel.choices)
    edition = forms.CharField(label=_("Edition"), max_length=40, required=False)
    licence = forms.CharField(label=_("Licence"), max_length=200, required=False)
    url = forms.URLField(label=_("Web address"), required=False, max_length=300, assume_scheme="https")
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        help_text=_(
            "Columns: country, value (0-10, 10 = highest risk), source; commodity for commodity indicators;"
            " optionally edition, licence and raw (the value as published). Edition and licence come from"
            " the file or from the fields above."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in _topic_choices():
            self.fields[f"w_{code}"] = forms.FloatField(label=name, required=False, min_value=0, max_value=6, initial=0)

    def weights(self) -> dict[str, float]:
        return {k[2:]: float(v or 0) for k, v in self.cleaned_data.items() if k.startswith("w_")}


class WeightsForm(forms.Form):
    def __init__(self, *args: Any, initial_weights: dict[str, float] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in _topic_choices():
            self.fields[f"w_{code}"] = forms.FloatField(
                label=name, required=False, min_value=0, max_value=6, initial=(initial_weights or {}).get(code, 0)
            )

    def weights(self) -> dict[str, float]:
        return {k[2:]: float(v or 0) for k, v in self.cleaned_data.items() if k.startswith("w_")}


class SanctionsForm(forms.Form):
    name = forms.CharField(label=_("List name"), max_length=150)
    source = forms.CharField(label=_("Source"), max_length=300)
    licence = forms.CharField(label=_("Licence"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "FollowTheMoney JSON lines (OpenSanctions export) or CSV with name, country, identifiers, programme."
        ),
    )
