"""Identifiers and dates in supplier lists, as tables of accepted and refused values.

The tables pin what a member's list may hold: check digits (LEI: ISO 17442, GLN: GS1
mod 10), the padding of numbers that lost their leading zeros in a spreadsheet, and
every date form we read, with day-first for the ambiguous ones. Errors name the
spreadsheet row.
"""

from __future__ import annotations

from datetime import date

import pytest

from covenant.registry.listfiles import (
    FIELD_LABELS,
    FIELDS,
    CleanRow,
    RowError,
    Table,
    clean_rows,
    normalize_identifier,
)

HEADERS = [FIELD_LABELS[name] for name in FIELDS]
MAPPING = {name: index for index, name in enumerate(FIELDS)}


def clean_at(row_number: int, **cells: str) -> tuple[list[CleanRow], list[RowError]]:
    """Clean one row that sits at ``row_number`` in the spreadsheet."""
    values = {"name": "Dhaka Knit Ltd", "country": "BD"} | cells
    table = Table(HEADERS, [[values.get(name, "") for name in FIELDS]], "utf-8", None, row_numbers=[row_number])
    return clean_rows(table, MAPPING)


# --------------------------------------------------------------------------- identifiers

VALID_IDENTIFIERS = [
    # LEI: 18 letters and digits, then two ISO 7064 MOD 97-10 check digits.
    ("lei", "7LTWFZYICNSX8D621K86", "7LTWFZYICNSX8D621K86"),
    ("lei", "529900T8BM49AURSDO55", "529900T8BM49AURSDO55"),
    ("lei", "HWUPKR0MPOU8FGXBT394", "HWUPKR0MPOU8FGXBT394"),
    ("lei", "5493001KJTIIGC8Y1R12", "5493001KJTIIGC8Y1R12"),
    ("lei", "529900SUAHXJPYGGJ000", "529900SUAHXJPYGGJ000"),  # "00" is what the sum gives here
    ("lei", "529900t8bm49aursdo55", "529900T8BM49AURSDO55"),
    ("lei", " 5299 00T8 BM49 AURS DO55 ", "529900T8BM49AURSDO55"),
    ("lei", "5299-00T8-BM49-AURS-DO55", "529900T8BM49AURSDO55"),
    ("lei", "5299.00T8.BM49.AURS.DO55", "529900T8BM49AURSDO55"),
    ("lei", "5299\t00T8\u00a0BM49AURSDO55", "529900T8BM49AURSDO55"),
    # GLN: 13 digits, the last a GS1 mod-10 check digit; 12 digits lost a leading zero.
    ("gln", "4012345000009", "4012345000009"),
    ("gln", "0614141000012", "0614141000012"),
    ("gln", "5901234123457", "5901234123457"),
    ("gln", "4006381333931", "4006381333931"),
    ("gln", "0000000000000", "0000000000000"),
    ("gln", "614141000012", "0614141000012"),
    ("gln", "036000291452", "0036000291452"),
    ("gln", "401-2345-00000-9", "4012345000009"),
    ("gln", "4012345 000009", "4012345000009"),
    # DUNS: nine digits and no check digit; 7 or 8 digits lost their leading zeros.
    ("duns", "123456789", "123456789"),
    ("duns", "12-345-6789", "123456789"),
    ("duns", "12345678", "012345678"),
    ("duns", "1234567", "001234567"),
    # Open Supply Hub ID: two letters, seven digits, six letters or digits.
    ("os_id", "CN2019303BQ3FZP", "CN2019303BQ3FZP"),
    ("os_id", "cn 2019303 bq3fzp", "CN2019303BQ3FZP"),
]

INVALID_IDENTIFIERS = [
    ("lei", "529900T8BM49AURSDO56"),  # wrong check digits
    ("lei", "529900T8BM49AURSDO5"),  # 19 characters
    ("lei", "529900T8BM49AURSDO555"),  # 21 characters
    ("lei", "7LTWFZYICNSX8D621K68"),  # check digits swapped
    ("lei", "7LTWFZYICNSX8D621K8"),
    ("lei", "529900K28Y2S8PS1XH5G"),  # the sum works out, but the check "digits" are letters
    ("lei", "529900WVP7U69OCAXGQY"),
    ("lei", "529900T8BM49AURSD_55"),
    ("lei", "529900T8BM49AURSDØ55"),
    ("lei", "LEI"),
    ("gln", "4012345000008"),  # wrong check digit
    ("gln", "0614141000013"),
    ("gln", "401234500000"),  # 12 digits, padded, then the check digit is wrong
    ("gln", "96385074"),  # a valid EAN-8, not a GLN
    ("gln", "10614141000019"),  # a valid GTIN-14, not a GLN
    ("gln", "40123450000O9"),  # a letter O
    ("gln", "12345"),
    ("duns", "12345"),
    ("duns", "1234567890"),
    ("duns", "12345678X"),
    ("os_id", "CN2019303BQ3FZ"),
    ("os_id", "1234567890ABCDE"),
]


@pytest.mark.parametrize(("scheme", "value", "expected"), VALID_IDENTIFIERS)
def test_valid_identifiers(scheme: str, value: str, expected: str) -> None:
    assert normalize_identifier(scheme, value) == expected


@pytest.mark.parametrize(("scheme", "value"), INVALID_IDENTIFIERS)
def test_invalid_identifiers(scheme: str, value: str) -> None:
    assert normalize_identifier(scheme, value) is None


@pytest.mark.parametrize(("scheme", "value", "expected"), VALID_IDENTIFIERS)
def test_valid_identifiers_in_a_row(scheme: str, value: str, expected: str) -> None:
    rows, errors = clean_at(7, **{scheme: value})
    assert errors == []
    assert rows[0].identifiers == {scheme: expected}


IDENTIFIER_MESSAGES = {
    "duns": "Row 7: '{}' is not a valid DUNS number (9 digits).",
    "lei": "Row 7: '{}' is not a valid LEI (20 letters and digits, ending in check digits).",
    "gln": "Row 7: '{}' is not a valid GLN (13 digits, the last one a check digit).",
    "os_id": "Row 7: '{}' is not a valid OS ID (15 characters, such as CN2019303BQ3FZP).",
}


@pytest.mark.parametrize(("scheme", "value"), INVALID_IDENTIFIERS)
def test_invalid_identifiers_in_a_row_name_the_row(scheme: str, value: str) -> None:
    rows, errors = clean_at(7, **{scheme: value})
    assert rows == []
    [error] = errors
    assert (error.row_number, error.field, error.code) == (7, scheme, f"invalid_{scheme}")
    assert error.message == IDENTIFIER_MESSAGES[scheme].format(value)
    assert error.params == {"row": 7, "value": value}


def test_every_identifier_a_row_holds_is_checked() -> None:
    """One bad identifier refuses the row even when the others are fine, and each bad one is named."""
    rows, errors = clean_at(12, lei="7LTWFZYICNSX8D621K86", gln="4012345000008", duns="12345")
    assert rows == []
    assert [(error.row_number, error.code) for error in errors] == [(12, "invalid_duns"), (12, "invalid_gln")]


# --------------------------------------------------------------------------- dates

# (text, as a start date, as an end date)
ACCEPTED_DATES = [
    # ISO, with any of the three separators, and a time that is ignored
    ("2023-01-31", date(2023, 1, 31), date(2023, 1, 31)),
    ("2023/01/31", date(2023, 1, 31), date(2023, 1, 31)),
    ("2023.01.31", date(2023, 1, 31), date(2023, 1, 31)),
    ("2023-1-5", date(2023, 1, 5), date(2023, 1, 5)),
    ("2023-01-02", date(2023, 1, 2), date(2023, 1, 2)),  # year first: never read as 1 February
    ("2023-12-01", date(2023, 12, 1), date(2023, 12, 1)),
    ("2023-01-31 00:00:00", date(2023, 1, 31), date(2023, 1, 31)),
    ("2023-01-31T10:20:30", date(2023, 1, 31), date(2023, 1, 31)),
    ("2023-01-31 10:20:30.123", date(2023, 1, 31), date(2023, 1, 31)),
    ("2024-02-29", date(2024, 2, 29), date(2024, 2, 29)),
    ("  2023-01-31 ", date(2023, 1, 31), date(2023, 1, 31)),
    # day first, as the members write them
    ("31-01-2023", date(2023, 1, 31), date(2023, 1, 31)),
    ("31/01/2023", date(2023, 1, 31), date(2023, 1, 31)),
    ("31.01.2023", date(2023, 1, 31), date(2023, 1, 31)),
    ("1/3/2023", date(2023, 3, 1), date(2023, 3, 1)),
    ("01/02/2023", date(2023, 2, 1), date(2023, 2, 1)),
    ("12/11/2023", date(2023, 11, 12), date(2023, 11, 12)),
    ("31-01-2023 10:30", date(2023, 1, 31), date(2023, 1, 31)),
    ("1-3-2023 00:00:00", date(2023, 3, 1), date(2023, 3, 1)),
    # month first only where day first is impossible
    ("03/31/2023", date(2023, 3, 31), date(2023, 3, 31)),
    ("12/13/2023", date(2023, 12, 13), date(2023, 12, 13)),
    # month names, English and Dutch, full or short, with or without a day
    ("5 March 2021", date(2021, 3, 5), date(2021, 3, 5)),
    ("5 maart 2021", date(2021, 3, 5), date(2021, 3, 5)),
    ("5. maart 2021", date(2021, 3, 5), date(2021, 3, 5)),
    ("5 Mar 2021", date(2021, 3, 5), date(2021, 3, 5)),
    ("5 Mar. 2021", date(2021, 3, 5), date(2021, 3, 5)),
    ("5 mrt 2021", date(2021, 3, 5), date(2021, 3, 5)),
    ("5 mrt. 2021", date(2021, 3, 5), date(2021, 3, 5)),
    ("05 MAART 2021", date(2021, 3, 5), date(2021, 3, 5)),
    ("1 januari 2020", date(2020, 1, 1), date(2020, 1, 1)),
    ("29 februari 2024", date(2024, 2, 29), date(2024, 2, 29)),
    ("15 augustus 2019", date(2019, 8, 15), date(2019, 8, 15)),
    ("31 December 2022", date(2022, 12, 31), date(2022, 12, 31)),
    ("5March2021", date(2021, 3, 5), date(2021, 3, 5)),
    ("March 2021", date(2021, 3, 1), date(2021, 3, 1)),
    ("march 2021", date(2021, 3, 1), date(2021, 3, 1)),
    ("March, 2021", date(2021, 3, 1), date(2021, 3, 1)),
    ("maart 2021", date(2021, 3, 1), date(2021, 3, 1)),
    ("mei 2021", date(2021, 5, 1), date(2021, 5, 1)),
    ("May 2021", date(2021, 5, 1), date(2021, 5, 1)),
    ("juni 2022", date(2022, 6, 1), date(2022, 6, 1)),
    ("juli 2022", date(2022, 7, 1), date(2022, 7, 1)),
    ("Sept 2021", date(2021, 9, 1), date(2021, 9, 1)),
    ("sep. 2021", date(2021, 9, 1), date(2021, 9, 1)),
    ("okt 2021", date(2021, 10, 1), date(2021, 10, 1)),
    ("oktober 2021", date(2021, 10, 1), date(2021, 10, 1)),
    ("Oct 2021", date(2021, 10, 1), date(2021, 10, 1)),
    ("Dec 2021", date(2021, 12, 1), date(2021, 12, 1)),
    # a bare year: the first day for a start, the last for an end
    ("2019", date(2019, 1, 1), date(2019, 12, 31)),
    ("1900", date(1900, 1, 1), date(1900, 12, 31)),
    ("2099", date(2099, 1, 1), date(2099, 12, 31)),
    # the years we accept run from 1900 to 2100
    ("01-01-1900", date(1900, 1, 1), date(1900, 1, 1)),
    ("31-12-2100", date(2100, 12, 31), date(2100, 12, 31)),
]

REFUSED_DATES = [
    "yesterday",
    "today",
    "n/a",
    "31-02-2024",  # no such day
    "29-02-2023",
    "2023-02-30",
    "2023-13-01",
    "13/13/2023",
    "32-01-2023",
    "1899",
    "2100",
    "2101",
    "31-12-1899",
    "01-01-2101",
    "999",
    "5 Frimaire 2021",  # not a month
    "maart",  # no year
    "5 maart",
    "31-01",
    "31-01-23",  # a two-digit year is ambiguous
    "01/02/03",
    "2023-01-31 garbage",
    # numbers a lenient parser would take as a time or an offset, or drop
    "01-02-2023 - 05-06-2024",
    "31-01-2023/2024",
    "1.5 2021",
    "1-1-2021-1",
    "2023-01-31T10:00:00+02:00",
    "20230131",
    "44927",  # an Excel serial number
    "Q1 2021",
    "2019/2020",
    "99999999999999999999999",
]


@pytest.mark.parametrize(("text", "start", "end"), ACCEPTED_DATES)
def test_accepted_dates(text: str, start: date, end: date) -> None:
    rows, errors = clean_at(4, start_date=text, end_date=text)
    assert errors == []
    assert (rows[0].start_date, rows[0].end_date) == (start, end)


@pytest.mark.parametrize("text", REFUSED_DATES)
@pytest.mark.parametrize("field_name", ["start_date", "end_date"])
def test_refused_dates_name_the_row(text: str, field_name: str) -> None:
    rows, errors = clean_at(9, **{field_name: text})
    assert rows == []
    [error] = errors
    assert (error.row_number, error.field, error.code) == (9, field_name, f"invalid_{field_name}")
    assert error.message == f"Row 9: '{text}' is not a date we understand. Use YYYY-MM-DD or DD-MM-YYYY."


def test_end_before_start_still_compares_the_parsed_dates() -> None:
    # "2021" as an end is 31 December, so a start in March of that year is fine ...
    rows, errors = clean_at(3, start_date="maart 2021", end_date="2021")
    assert (errors, rows[0].end_date) == ([], date(2021, 12, 31))
    # ... and 1 January as a start is not after 31 December 2020.
    _, errors = clean_at(3, start_date="2021", end_date="31-12-2020")
    assert [(error.row_number, error.code) for error in errors] == [(3, "end_before_start")]


# --------------------------------------------------------------------------- what dateutil changed

# Forms the hand-written parser refused and python-dateutil reads, each unambiguous.
NEWLY_ACCEPTED_DATES = [
    ("March 5, 2021", date(2021, 3, 5)),
    ("5th March 2021", date(2021, 3, 5)),
    ("Monday 5 March 2021", date(2021, 3, 5)),
    ("31 01 2023", date(2023, 1, 31)),
    ("01 02 2023", date(2023, 2, 1)),  # day first, as with dashes
    ("2023 01 02", date(2023, 1, 2)),
    ("03-2021", date(2021, 3, 1)),  # a month: its first day, as "maart 2021"
    ("2021-03", date(2021, 3, 1)),
    ("31-01-2023 10:30 AM", date(2023, 1, 31)),
    ("31-01-2023 10:20:30,5", date(2023, 1, 31)),
]

# Words the hand-written parser took for a month because they begin like one.
NEWLY_REFUSED_DATES = ["Januar 2021", "Mayo 2021", "Marzo 2021", "Mayonnaise 2021", "1 decembre 2021", "maa 2021"]


@pytest.mark.parametrize(("text", "expected"), NEWLY_ACCEPTED_DATES)
def test_newly_accepted_dates(text: str, expected: date) -> None:
    rows, errors = clean_at(5, start_date=text)
    assert (errors, rows[0].start_date) == ([], expected)


@pytest.mark.parametrize("text", NEWLY_REFUSED_DATES)
def test_words_that_only_begin_like_a_month_are_refused(text: str) -> None:
    _, errors = clean_at(5, start_date=text)
    assert [(error.row_number, error.code) for error in errors] == [(5, "invalid_start_date")]


@pytest.mark.parametrize(
    ("scheme", "value"),
    [
        ("gln", "４０１２３４５０００００９"),  # full-width digits
        ("gln", "٤٠١٢٣٤٥٠٠٠٠٠٩"),  # Arabic-Indic digits
        ("duns", "١٢٣٤٥٦٧٨٩"),
        ("lei", "529900T8BM49AURSDO٥٥"),
        ("os_id", "CN٢٠١٩٣٠٣BQ3FZP"),
    ],
)
def test_identifiers_are_ascii_digits_only(scheme: str, value: str) -> None:
    """Other scripts' digits would be kept as they are and then match nothing in the register."""
    assert normalize_identifier(scheme, value) is None
