from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from covenant.core.forms import CountryInput
from covenant.registry.listfiles import FIELD_LABELS, REQUIRED_FIELDS
from covenant.registry.models import SpendBand, SupplyLink, UploadMode

# Field names of listfiles, in the reader's language.
FIELD_NAMES: dict[str, Any] = {
    "name": _("Name"),
    "country": _("Country"),
    "address": _("Address"),
    "city": _("City"),
    "postal_code": _("Postal code"),
    "reference": _("Your supplier number"),
    "tier": _("Tier"),
    "products": _("Products"),
    "spend_band": _("Spend"),
    "volume": _("Volume"),
    "sector": _("Sector"),
    "lat": _("Latitude"),
    "lng": _("Longitude"),
    "duns": "DUNS",
    "lei": "LEI",
    "gln": "GLN",
    "os_id": "OS ID",
    "start_date": _("Start date"),
    "end_date": _("End date"),
    "parent_company": _("Parent company"),
}


class UploadForm(forms.Form):
    list_name = forms.CharField(
        label=_("List"),
        max_length=150,
        initial=_("Suppliers"),
        help_text=_("Upload a new version under the same name to see what changed."),
    )
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,.xlsm"}),
    )
    # Not required, so a client that never heard of it gets the full list, as before.
    mode = forms.ChoiceField(
        label=_("This file is"),
        choices=UploadMode.choices,
        initial=UploadMode.FULL,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "The full list: a site you linked through an earlier version that is missing from this "
            "file stops being your supplier, but only after you have seen which sites and confirmed. "
            "Additions: the sites in this file are added, nothing ends."
        ),
    )


class LinkEndsForm(forms.Form):
    """The answer to a full list that would end links."""

    decision = forms.ChoiceField(choices=[("end", _("End these links")), ("keep", _("Keep all my links"))])


class MappingForm(forms.Form):
    """One select per field: which column holds it."""

    def __init__(self, *args: Any, headers: list[str], initial_mapping: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(str(i), h or f"({i + 1})") for i, h in enumerate(headers)]
        for field in FIELD_LABELS:
            self.fields[field] = forms.ChoiceField(
                label=FIELD_NAMES.get(field) or field,
                choices=choices,
                required=field in REQUIRED_FIELDS,
                initial=str(initial_mapping[field]) if field in initial_mapping else "",
            )

    def mapping(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.cleaned_data.items() if v not in ("", None)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used = [v for v in data.values() if v not in ("", None)]
        if len(used) != len(set(used)):
            raise forms.ValidationError(_("Each column can be used for one field only."))
        return data


class LinkForm(forms.ModelForm):  # type: ignore[type-arg]
    products = forms.CharField(label=_("Products"), required=False, help_text=_("Separate with commas."))

    class Meta:
        model = SupplyLink
        fields = ["tier", "products", "spend_band", "volume", "reference", "start_date", "end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "tier": forms.NumberInput(attrs={"min": 1, "max": 10}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["products"] = ", ".join(self.instance.products or [])
        self.fields["spend_band"].choices = [("", "—"), *SpendBand.choices]  # type: ignore[attr-defined]

    def clean_products(self) -> list[str]:
        raw = self.cleaned_data.get("products") or ""
        return [p.strip() for p in raw.split(",") if p.strip()]


class EdgeForm(forms.Form):
    supplier = forms.CharField(label=_("Facility id of the supplying site"), max_length=15)
    buyer = forms.CharField(label=_("Facility id of the site it supplies"), max_length=15)
    products = forms.CharField(label=_("Products"), required=False)


class ClaimForm(forms.Form):
    evidence = forms.CharField(
        label=_("How can the secretariat check that this site is yours?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example a business licence number, or a contact person at the site."),
    )


class MergeForm(forms.Form):
    loser = forms.CharField(label=_("Facility id to merge (it will point to the other)"), max_length=15)
    survivor = forms.CharField(label=_("Facility id that remains"), max_length=15)
    # The duplicates queue's pair being merged, carried through the preview.
    pair = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class PairForm(forms.Form):
    """Which pair of the duplicates queue a page is about."""

    pair = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class PublishForm(forms.Form):
    """The confirmation of a disclosure preview: publishing refuses if the list changed since."""

    fingerprint = forms.CharField(max_length=64, min_length=64, widget=forms.HiddenInput)


class SplitForm(forms.Form):
    name = forms.CharField(label=_("Name of the new facility"), max_length=300)
    address = forms.CharField(label=_("Address of the new facility"), max_length=500, required=False)


class SiteForm(forms.Form):
    """One site typed by hand: what a row of a supplier list holds, and how the member decides."""

    name = forms.CharField(label=_("Name of the site"), max_length=300)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    country = CountryInput(label=_("Country"), help_text=_("A name or a two-letter code."))
    tier = forms.IntegerField(label=_("Tier"), min_value=1, max_value=10, initial=1)
    products = forms.CharField(
        label=_("Products"), max_length=500, required=False, help_text=_("Separate with commas.")
    )
    spend_band = forms.ChoiceField(label=_("Spend"), choices=[("", "—"), *SpendBand.choices], required=False)
    duns = forms.CharField(label="DUNS", max_length=40, required=False)
    lei = forms.CharField(label="LEI", max_length=40, required=False)
    gln = forms.CharField(label="GLN", max_length=40, required=False)
    os_id = forms.CharField(label="OS ID", max_length=40, required=False)
    IDENTIFIERS = ("duns", "lei", "gln", "os_id")

    def clean_products(self) -> list[str]:
        raw = self.cleaned_data.get("products") or ""
        return [p.strip() for p in raw.split(",") if p.strip()]

    def identifiers(self) -> dict[str, str]:
        return {s: self.cleaned_data[s] for s in self.IDENTIFIERS if self.cleaned_data.get(s)}


class SiteChoiceForm(forms.Form):
    """The buttons under the suggestions: link this register site, or add a new one anyway."""

    facility = forms.CharField(max_length=15, required=False)
    create = forms.BooleanField(required=False)


class ModerationForm(forms.Form):
    """The secretariat's accept button: nothing to fill in, the form only checks the POST."""


class RejectSiteForm(forms.Form):
    """Rejecting a provisional site cannot be undone: the secretariat says so explicitly."""

    confirm = forms.BooleanField(
        label=_("Yes: this is not a production site. Remove it and turn its list rows into errors."), required=True
    )
