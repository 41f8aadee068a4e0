"""The list reader's error codes all have translatable texts with the same placeholders."""

from __future__ import annotations

import re

from django.utils import translation

from covenant.registry.listfiles import FILE_ERROR_MESSAGES, ROW_ERROR_MESSAGES, ListFileError
from covenant.registry.messages import FILE_ERRORS, ROW_ERRORS, file_error_text, row_error_text

PLACEHOLDER = re.compile(r"%\((\w+)\)")


def test_every_code_has_a_text_with_the_same_placeholders() -> None:
    for english, translatable in ((ROW_ERROR_MESSAGES, ROW_ERRORS), (FILE_ERROR_MESSAGES, FILE_ERRORS)):
        for code, text in english.items():
            assert code in translatable, code
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(str(translatable[code]))), code


def test_texts_follow_the_language(db) -> None:  # type: ignore[no-untyped-def]
    with translation.override("nl"):
        dutch = row_error_text("missing_name", {"row": 7})
    assert "7" in dutch
    assert dutch != ROW_ERROR_MESSAGES["missing_name"] % {"row": 7}
    with translation.override("en"):
        assert file_error_text(ListFileError("empty")) == "The file is empty."
    assert row_error_text("no_such_code", {}, "fallback") == "fallback"
