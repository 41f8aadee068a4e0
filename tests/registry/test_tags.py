"""Highlighted differences for reviewers, and escaping of what members typed."""

from __future__ import annotations

from covenant.registry.templatetags.registry_tags import diff, explain


def test_diff_marks_words_the_other_side_lacks_but_not_punctuation() -> None:
    html = diff("Plot 12, Road 3, Dhaka EPZ", "Plot 12 Rd 3 DEPZ")
    assert "<mark>Road</mark>" in html
    assert "<mark>Dhaka</mark>" in html
    assert "<mark>,</mark>" not in html
    assert html.startswith("Plot 12,")


def test_diff_escapes_user_text() -> None:
    html = diff("<script>alert(1)</script> Mill", "Mill")
    assert "<script" not in html
    assert "&lt;<mark>script</mark>&gt;" in html


def test_explanations_read_as_plain_words() -> None:
    reasons = explain({"name_weighted": 0.93, "address_weighted": 0.5, "same_duns": 1.0, "distance_km": 2.25})
    assert reasons == ["same DUNS", "name 93% alike", "address 50% alike", "2.2 km apart"]
