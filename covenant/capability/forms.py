"""The quick scan's form: countries and products or sectors as people type or tick them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from covenant.capability.library import Item, find_item, good_item
from covenant.capability.scan import MAX_COUNTRIES, MAX_ITEMS
from covenant.core.forms import CountryInput
from covenant.risk import interface as risk

_SPLIT = re.compile(r"[,;\n]+")
MAX_TEXT = 1000


def _parts(values: Sequence[str]) -> list[str]:
    """Each value split at commas, semicolons and line breaks, blanks dropped, repeats once."""
    seen: dict[str, str] = {}
    for value in values:
        for part in _SPLIT.split(value[:MAX_TEXT]):
            text = " ".join(part.split())
            if text and text.casefold() not in seen:
                seen[text.casefold()] = text
    return list(seen.values())


class QuickScanForm(forms.Form):
    """Bound from GET parameters that may repeat (``?country=CI&country=GH&product=cocoa``) or
    hold several values separated by commas; cleaned to country codes and library items."""

    country = forms.CharField(
        label=gettext_lazy("Countries"),
        max_length=MAX_TEXT,
    )
    product = forms.CharField(
        label=gettext_lazy("Products or sectors"),
        max_length=MAX_TEXT,
    )

    def __init__(self, params: Any = None, **kwargs: Any) -> None:
        data = None
        if params is not None:
            data = {
                "country": ", ".join(_parts(params.getlist("country"))),
                "product": ", ".join(_parts(params.getlist("product"))),
            }
        super().__init__(data, **kwargs)

    def clean_country(self) -> list[str]:
        field = CountryInput()
        codes: list[str] = []
        errors: list[forms.ValidationError] = []
        for part in _parts([self.cleaned_data["country"]]):
            try:
                code = field.clean(part)
            except forms.ValidationError as exc:
                errors.append(exc)
                continue
            if code and code not in codes:
                codes.append(code)
        if errors:
            raise forms.ValidationError(errors)
        if len(codes) > MAX_COUNTRIES:
            raise forms.ValidationError(
                _("Scan at most %(max)s countries at a time.") % {"max": MAX_COUNTRIES}, code="too_many"
            )
        return codes

    def clean_product(self) -> list[Item]:
        found: list[Item] = []
        unknown: list[str] = []
        goods: set[str] | None = None
        for part in _parts([self.cleaned_data["product"]]):
            item = find_item(part)
            if item is None:
                goods = goods if goods is not None else set(risk.scanner().goods())
                if part.casefold() in goods:
                    item = good_item(part.casefold())
            if item is None:
                unknown.append(part)
            elif item not in found:
                found.append(item)
        if unknown:
            raise forms.ValidationError(
                _("We do not know %(values)s as a product or sector. Pick one from the list, or type another name.")
                % {"values": ", ".join(f"'{u}'" for u in unknown)},
                code="unknown_product",
            )
        if len(found) > MAX_ITEMS:
            raise forms.ValidationError(
                _("Scan at most %(max)s products or sectors at a time.") % {"max": MAX_ITEMS}, code="too_many"
            )
        return found

    def error_texts(self) -> list[str]:
        """Every error as one sentence (for the API's problem document)."""
        return [str(message) for messages in self.errors.values() for message in messages]
