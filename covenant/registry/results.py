"""What a member checks after matching: differences between a row and its register site,
sample values of a file's columns, and the results as a table to download.

Plain functions (no queries): the views, the API and the template tags call them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

_TOKEN = re.compile(r"\w+|[^\w\s]+|\s+", re.UNICODE)
_WORD = re.compile(r"\w", re.UNICODE)

#: A piece of text and whether it is a word the other side lacks.
Piece = tuple[str, bool]


def mark_differences(text: str, other: str) -> tuple[list[Piece], list[Piece]]:
    """Split both texts into pieces and mark the words present on one side only.

    Words are compared case-insensitively and in order; punctuation and spacing are never
    marked (a comma is not a difference a reviewer cares about). Joining the pieces of
    each side gives back its text unchanged.
    """
    a, b = _TOKEN.findall(text or ""), _TOKEN.findall(other or "")
    pos_a = [i for i, t in enumerate(a) if _WORD.search(t)]
    pos_b = [i for i, t in enumerate(b) if _WORD.search(t)]
    words_a = [a[i].casefold() for i in pos_a]
    words_b = [b[i].casefold() for i in pos_b]
    marked_a: set[int] = set()
    marked_b: set[int] = set()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=words_a, b=words_b, autojunk=False).get_opcodes():
        if op != "equal":
            marked_a.update(pos_a[i1:i2])
            marked_b.update(pos_b[j1:j2])
    return [(t, i in marked_a) for i, t in enumerate(a)], [(t, i in marked_b) for i, t in enumerate(b)]


def sample_values(headers: Sequence[str], rows: Iterable[Sequence[str]], n: int = 3) -> list[list[str]]:
    """The first ``n`` distinct non-empty values of each column (cut to 60 characters), so a
    person mapping the columns sees what each one holds."""
    samples: list[list[str]] = [[] for _ in headers]
    open_columns = set(range(len(headers)))
    for cells in rows:
        for column in list(open_columns):
            value = cells[column].strip() if column < len(cells) and cells[column] else ""
            if value:
                value = value if len(value) <= 60 else value[:57] + "..."
                if value not in samples[column]:
                    samples[column].append(value)
                if len(samples[column]) >= n:
                    open_columns.discard(column)
        if not open_columns:
            break
    return samples


# The download of an upload's results. Column names follow the list-results CSV of Open Supply
# Hub's predecessor, the Open Apparel Registry (open-apparel-registry, src/app/src/util/
# util.listItemCSV.js: row_index, status, country_code, country_name, name, address,
# matched_facility_*, potential_match_*; Open Supply Hub renamed the "oar_id" ids to "os_id").
# Where Covenant's column has no counterpart there (our own facility id, the score, the
# member's reference, the error) it gets a plain name of ours. Covenant's facility id is not
# an OS ID, so it is "matched_facility_id"; a site's OS ID, when the register knows it, is in
# "os_id". One line per row of the file: a row in review carries its best candidate only.
RESULT_HEADER = [
    "row_index",
    "status",
    "country_code",
    "country_name",
    "name",
    "address",
    "reference",
    "matched_facility_id",
    "os_id",
    "matched_facility_name",
    "matched_facility_address",
    "matched_facility_lat",
    "matched_facility_lng",
    "match_score",
    "potential_match_id",
    "potential_match_name",
    "potential_match_address",
    "potential_match_confidence",
    "error",
]


def result_line(
    row: Any, *, country_name: str, facility: Any, os_id: str, candidate: Any, candidate_score: float | None
) -> list[Any]:
    """One line of :data:`RESULT_HEADER` for a list row (``row`` a ``ListRow``; ``facility``
    the site it is linked to, ``candidate`` the best register candidate of a row in review)."""
    return [
        row.row_number,
        row.status,
        row.country,
        country_name,
        row.name,
        row.address,
        row.reference,
        facility.public_id if facility else "",
        os_id,
        facility.name if facility else "",
        facility.address if facility else "",
        facility.lat if facility else None,
        facility.lng if facility else None,
        round(row.score, 4) if row.score is not None and facility else None,
        candidate.public_id if candidate else "",
        candidate.name if candidate else "",
        candidate.address if candidate else "",
        candidate_score if candidate else None,
        row.error_text if row.error else "",
    ]
