"""Form fields shared by the apps."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_countries import countries

from covenant.core.countries import country_candidates, normalize, parse_country

# What a datalist option looks like when its name alone would not parse back: "Guinea (GN)".
_NAME_AND_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Za-z]{2})\)\s*$")


def _known(code: str) -> bool:
    return code in countries


def country_options() -> list[tuple[str, str]]:
    """(code, text to type) for every country, in the active language, each text parsing back to its code."""
    options = []
    for code, name in countries:
        text = str(name)
        options.append((code, text if parse_country(text) == code else f"{text} ({code})"))
    return options


def country_text(code: str) -> str:
    """What a country field shows for a stored code: the name in the active language."""
    return next((text for known, text in country_options() if known == code), code)


class CountryInputWidget(forms.TextInput):
    """A text input with a datalist of country names, so the browser suggests as people type."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}-countries"
        attrs = {**(attrs or {}), "list": list_id, "autocomplete": "off"}
        options = format_html_join("", '<option value="{}"></option>', ((text,) for _code, text in country_options()))
        return format_html(
            '{}<datalist id="{}">{}</datalist>', super().render(name, value, attrs, renderer), list_id, options
        )


class CountryInput(forms.CharField):
    """A country as a person types it: a name (English, Dutch, local forms) or a code.

    Cleans to the ISO 3166-1 alpha-2 code, or "" when left empty. What cannot be read
    as exactly one country is refused with a message naming what was typed; the value
    is never shortened to fit, since the first two letters of a name are often another
    country's code ("Nederland" is not NE, Niger).
    """

    widget = CountryInputWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        # A stored code is shown as the name; what the person typed is shown back as typed.
        code = str(value or "")
        return country_text(code) if len(code) == 2 and code.upper() == code and _known(code) else value

    def to_python(self, value: Any) -> str:
        text = (super().to_python(value) or "").strip()
        if not text:
            return ""
        code = parse_country(text) or _from_name_and_code(text)
        if code and _known(code):
            return code
        candidates = [c for c in country_candidates(text) if _known(c)]
        if len(candidates) > 1:
            raise forms.ValidationError(
                _("'%(value)s' could mean several countries: %(options)s. Type the name or code of the one you mean."),
                code="ambiguous_country",
                params={"value": text, "options": ", ".join(f"{countries.name(c)} ({c})" for c in candidates)},
            )
        raise forms.ValidationError(
            _("'%(value)s' is not a country we know. Type its name or its two-letter code, e.g. NL."),
            code="unknown_country",
            params={"value": text},
        )


def _from_name_and_code(text: str) -> str | None:
    """The code of a datalist option such as "Guinea (GN)": the name must fit the code."""
    match = _NAME_AND_CODE.match(text)
    if not match:
        return None
    code = match["code"].upper()
    name = match["name"]
    if code in country_candidates(name) or normalize(name) == normalize(str(countries.name(code))):
        return code
    return None
