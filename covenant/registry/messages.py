"""Translatable texts for the errors the (Django-free) list reader reports by code.

`covenant.registry.listfiles` reports every problem with a stable code and its
parameters; these are the same sentences in the reader's language. A test
checks that every code there has a text here with the same placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from covenant.tabular import TableError

ROW_ERRORS = {
    "missing_name": _("Row %(row)s: the name is missing."),
    "missing_country": _("Row %(row)s: the country is missing."),
    "unknown_country": _(
        "Row %(row)s: '%(value)s' is not a country we know. Use the country's name or its two-letter code."
    ),
    "ambiguous_country": _(
        "Row %(row)s: '%(value)s' could be more than one country (%(codes)s). Use the two-letter code."
    ),
    "too_long": _("Row %(row)s: the %(label)s is longer than %(limit)s characters."),
    "duplicate_row": _("Row %(row)s: this row repeats row %(first_row)s."),
    "invalid_tier": _("Row %(row)s: tier must be a whole number from 1 to 10."),
    "invalid_spend_band": _(
        "Row %(row)s: '%(value)s' is not a spend we understand. Use <10k, 10k-100k, 100k-1M or >1M, or an amount."
    ),
    "invalid_lat": _("Row %(row)s: '%(value)s' is not a latitude; use decimal degrees such as 23.81."),
    "invalid_lng": _("Row %(row)s: '%(value)s' is not a longitude; use decimal degrees such as 90.41."),
    "lat_out_of_range": _("Row %(row)s: latitude must be between -90 and 90."),
    "lng_out_of_range": _("Row %(row)s: longitude must be between -180 and 180."),
    "incomplete_coordinates": _("Row %(row)s: give both latitude and longitude, or neither."),
    "invalid_duns": _("Row %(row)s: '%(value)s' is not a valid DUNS number (9 digits)."),
    "invalid_lei": _("Row %(row)s: '%(value)s' is not a valid LEI (20 letters and digits, ending in check digits)."),
    "invalid_gln": _("Row %(row)s: '%(value)s' is not a valid GLN (13 digits, the last one a check digit)."),
    "invalid_os_id": _("Row %(row)s: '%(value)s' is not a valid OS ID (15 characters, such as CN2019303BQ3FZP)."),
    "invalid_start_date": _("Row %(row)s: '%(value)s' is not a date we understand. Use YYYY-MM-DD or DD-MM-YYYY."),
    "invalid_end_date": _("Row %(row)s: '%(value)s' is not a date we understand. Use YYYY-MM-DD or DD-MM-YYYY."),
    "end_before_start": _("Row %(row)s: the end date is before the start date."),
    "formula": _(
        "Row %(row)s: the %(label)s '%(value)s' is a spreadsheet formula, not a site's %(label)s. Type the text itself."
    ),
    "no_letters": _("Row %(row)s: the name '%(value)s' has no letters. Give the site's name."),
    "garbled_text": _(
        "Row %(row)s: the %(label)s '%(value)s' looks garbled, as when a file is read in the wrong text encoding."
        " Save the file as UTF-8 CSV or as .xlsx and upload it again."
    ),
    "control_characters": _("Row %(row)s: the %(label)s contains hidden control characters. Type it again."),
    "bidi_controls": _(
        "Row %(row)s: the %(label)s contains hidden characters that change the reading direction,"
        " so it may show differently from what it says. Type it again."
    ),
    # A note on an accepted row, not an error.
    "repaired_text": _(
        "Row %(row)s: the %(label)s was garbled by a wrong text encoding and was repaired to '%(value)s'."
    ),
    # Found after matching, not by the reader.
    "same_site": _("Row %(row)s: this is the same site as row %(first_row)s."),
    # Set when the secretariat rejects the provisional site a row created or matched.
    "not_a_site": _("Row %(row)s: the secretariat found this is not a production site."),
}

FILE_ERRORS = {
    "empty": _("The file is empty."),
    "unknown_format": _("This does not look like a CSV or Excel file."),
    "xls": _("This is an old Excel file (.xls). Save it as .xlsx or .csv."),
    "xlsb": _("This is a binary Excel workbook (.xlsb). Save it as .xlsx or .csv."),
    "encrypted": _("This Excel file is protected with a password. Remove the password and save it again."),
    "ods": _("OpenDocument spreadsheets (.ods) cannot be read. Save it as .xlsx or .csv."),
    "damaged_xlsx": _("We could not open this Excel file; it may be damaged. Open it in Excel and save it again."),
    "damaged_csv": _('Row %(row)s could not be read. Check that its quotes (") are closed.'),
    "undecodable": _("We could not read the file as text: save it as UTF-8 CSV or as .xlsx."),
    "too_large": _("The file is too large when unpacked; split it."),
    "too_many_rows": _("The file has more than %(max_rows)s rows; split it."),
    "too_many_columns": _("The file has more than %(max_columns)s columns."),
    "no_header": _("The header row is missing."),
    "duplicate_header": _("Two columns are both called '%(name)s'."),
    "no_rows": _("The file has no rows below the header."),
    "missing_fields": _("Choose the columns for: %(fields)s."),
    "invalid_mapping": _("The column choice is not valid: %(detail)s."),
}


def row_error_text(code: str, params: Mapping[str, object], fallback: str = "") -> str:
    template = ROW_ERRORS.get(code)
    if template is None:
        return fallback
    try:
        return str(template) % dict(params)
    except (KeyError, TypeError, ValueError):
        return fallback


def file_error_text(exc: TableError) -> str:
    """A file error of :mod:`covenant.tabular` (or a supplier list's) in the reader's language."""
    template = FILE_ERRORS.get(exc.code)
    if template is None:
        return str(exc)
    try:
        return str(template) % dict(exc.params)
    except (KeyError, TypeError, ValueError):
        return str(exc)
