"""Input of the SAQ pages: shape, choices and lengths (the rules stay in the services)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from covenant.core.countries import parse_country
from covenant.saq.questionnaire import Questionnaire, Section, text_of
from covenant.saq.selectors import members


class SectionForm(forms.Form):
    """One section's questions as fields, built from the SAQ's version; every answer optional (a draft)."""

    def __init__(self, *args: Any, version: Questionnaire, section: Section, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        for q in section.questions:
            label = f"{q.code} · {q.text}"
            field: forms.Field
            if q.type in ("yesno", "choice"):
                choices = version.answer_choices(q)
                if q.type == "choice":
                    choices = [*choices, ("na", text_of(version.answer_texts.get("na")))]
                field = forms.ChoiceField(
                    label=label, choices=choices, required=False, widget=forms.RadioSelect, help_text=q.guidance
                )
            elif q.type == "number":
                field = forms.DecimalField(
                    label=label, required=False, min_value=0, max_value=10**7, decimal_places=1, help_text=q.guidance
                )
            else:
                field = forms.CharField(
                    label=label,
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    help_text=q.guidance,
                )
            self.fields[q.code] = field

    def answers(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for code, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            out[code] = float(value) if not isinstance(value, str) else value
        return out


NATIONALITY_LINE = re.compile(r"^\s*(?P<country>.+?)\s*[:=,;]?\s*(?P<count>\d+)\s*$")


class WorkforceForm(forms.Form):
    workers_women = forms.IntegerField(label=_("Women"), min_value=0, max_value=10**6, required=False)
    workers_men = forms.IntegerField(label=_("Men"), min_value=0, max_value=10**6, required=False)
    workers_other = forms.IntegerField(label=_("Other or undisclosed"), min_value=0, max_value=10**6, required=False)
    migrant_workers = forms.IntegerField(
        label=_("Migrant workers"),
        min_value=0,
        max_value=10**6,
        required=False,
        help_text=_("Workers from another country or region than the site's, however they were hired."),
    )
    agency_workers = forms.IntegerField(
        label=_("Agency workers"),
        min_value=0,
        max_value=10**6,
        required=False,
        help_text=_("Hired and paid through a labour agency or contractor."),
    )
    refugee_workers = forms.IntegerField(
        label=_("Refugee workers"),
        min_value=0,
        max_value=10**6,
        required=False,
        help_text=_("Refugees and asylum seekers, with or without a work permit."),
    )
    young_workers = forms.IntegerField(
        label=_("Young workers (under 18)"), min_value=0, max_value=10**6, required=False
    )
    nationalities = forms.CharField(
        label=_("Nationalities"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: the country and the number of workers, e.g. “Myanmar 120”."),
    )

    def clean_nationalities(self) -> list[tuple[str, int]]:
        rows: list[tuple[str, int]] = []
        errors = []
        for line in (self.cleaned_data.get("nationalities") or "").splitlines():
            if not line.strip():
                continue
            found = NATIONALITY_LINE.match(line)
            code = parse_country(found.group("country")) if found else None
            if found is None or code is None:
                errors.append(_("Cannot read “%(line)s” as a country and a number.") % {"line": line.strip()[:80]})
                continue
            rows.append((code, int(found.group("count"))))
        if errors:
            raise forms.ValidationError(errors)
        return rows


def nationalities_text(rows: list[dict[str, Any]]) -> str:
    """The stored nationalities as the form shows them (countries by their English name)."""
    from covenant.core.countries import country_name

    return "\n".join(f"{country_name(r['country'])} {r['count']}" for r in rows)


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I confirm these answers are true to the best of my knowledge, and that they are locked once submitted."
        ),
        required=True,
    )


class ShareForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=members(), empty_label=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members()  # type: ignore[attr-defined]


class ShareLinkedForm(forms.Form):
    share_with_linked = forms.BooleanField(
        label=_("Share the SAQ of each of our sites with every customer linked to that site"), required=False
    )


class DecideForm(forms.Form):
    grant = forms.TypedChoiceField(
        choices=[("1", _("Share")), ("0", _("Decline"))], coerce=lambda v: v == "1", empty_value=None
    )
