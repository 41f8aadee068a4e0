"""The shared (memory-mapped) index answers as the plain index does, before and after changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from covenant.matching import Matcher, MatchIndex, Record
from covenant.matching import shared as shared_mod
from covenant.matching.shared import SharedIndex, write_snapshot

SITES = [
    Record("F1", "Dongguan Huaxin Garment Co., Ltd.", "88 Dongcheng Road, Dongguan", "CN", lat=23.02, lng=113.75),
    Record("F2", "Huaxin Garments (Unit 2)", "12 Chashan Industrial Park, Dongguan", "CN"),
    Record("F3", "Anatolia Towel Mill", "Organize Sanayi Bolgesi, Denizli", "TR", identifiers={"duns": "123456789"}),
    Record("F4", "Bursa Silk Weavers", "Nilufer, Bursa", "TR", aliases=("Bursa Ipek Dokuma",)),
    Record("F5", "Saigon Knitting JSC", "Lot A5 Tan Tao IZ, Binh Tan, Ho Chi Minh City", "VN"),
    Record("F6", "Frigorifico San Jose S.A.", "Ruta 5 km 12, Canelones", "UY"),
    Record("F7", "Blue Moon Tea Farmers Cooperative", "Kericho", "KE"),
    Record(
        "F8", "Golden Textile Co.", "14 Industrial Road, Gazipur", "BD", identifiers={"lei": "5493001KJTIIGC8Y1R12"}
    ),
    Record("F9", "Nameless Place", "", ""),
]

QUERIES = [
    Record("q1", "Huaxin Garment Dongguan", "Dongcheng Rd 88", "CN"),
    Record("q2", "Huaxin Garments Unit 2", "Chashan, Dongguan", "CN"),
    Record("q3", "Anatolia Towels", "Denizli", "TR"),
    Record("q4", "Some Mill", "", "TR", identifiers={"duns": "123456789"}),
    Record("q5", "Bursa Ipek Dokuma", "Bursa", "TR"),
    Record("q6", "Cong ty Det Kim Sai Gon", "Tan Tao, Binh Tan", "VN"),
    Record("q7", "Frigorifico San Jorge SA", "Canelones", "UY"),
    Record("q8", "Golden Textiles", "Gazipur", "BD"),
    Record("q9", "Totally Unknown Works", "Nowhere", "BD"),
    Record("q10", "Nameless Place", "", ""),
]


def _plain() -> MatchIndex:
    index = MatchIndex()
    index.add_many(SITES)
    return index


def _answers(matcher: Matcher) -> list[tuple[str, str | None, float, list[str]]]:
    out = []
    for q in QUERIES:
        r = matcher.match(q)
        out.append((r.decision, r.registry_id, round(r.score, 9), [c.registry_id for c in r.candidates]))
    return out


def _screen(matcher: Matcher) -> list[tuple[str, float]]:
    return [(c.registry_id, round(c.score, 9)) for c in matcher.screen("Huaxin Garment", limit=5)]


def _change(index: MatchIndex | SharedIndex) -> None:
    index.update(Record("F3", "Anadolu Havlu Fabrikasi", "Organize Sanayi Bolgesi, Denizli", "TR"))
    index.merge("F2", "F1")
    index.remove("F6")
    index.add(Record("N1", "Silver Moon Tea Farmers Cooperative", "Kericho", "KE"))
    index.add_alias("F5", "Cong ty CP Det Sai Gon", "Lo A5 KCN Tan Tao")


def test_a_snapshot_answers_as_the_index_it_was_written_from(tmp_path: Path) -> None:
    plain = _plain()
    write_snapshot(plain, tmp_path / "register.idx", meta={"seq": 7})
    shared = SharedIndex.open(tmp_path / "register.idx")
    assert shared.snapshot_meta == {"seq": 7}
    assert len(shared) == len(plain) and shared.slot_count == plain.slot_count
    assert sorted(shared.ids()) == sorted(plain.ids())
    assert _answers(Matcher(shared)) == _answers(Matcher(plain))  # type: ignore[arg-type]
    assert _screen(Matcher(shared)) == _screen(Matcher(plain))  # type: ignore[arg-type]
    assert shared.identifiers("F3") == plain.identifiers("F3")
    assert shared.names("F4") == plain.names("F4")
    assert shared.country("F9") == plain.country("F9") == ""


def test_changes_give_the_same_answers_and_leave_the_original_as_it_was(tmp_path: Path) -> None:
    plain = _plain()
    write_snapshot(plain, tmp_path / "register.idx")
    original = SharedIndex.open(tmp_path / "register.idx")
    before = _answers(Matcher(original))  # type: ignore[arg-type]
    changed = original.copy()
    _change(plain)
    _change(changed)
    assert _answers(Matcher(changed)) == _answers(Matcher(plain))  # type: ignore[arg-type]
    assert changed.resolve("F2") == "F1" and "F6" not in changed and "N1" in changed
    assert len(changed) == len(plain) and changed.slot_count == plain.slot_count
    assert changed.names("F1") == plain.names("F1")
    # The copy took every change; the object readers may still hold took none.
    assert _answers(Matcher(original)) == before  # type: ignore[arg-type]
    assert "F6" in original and original.resolve("F2") == "F2" and "N1" not in original


def test_learning_on_a_copy_leaves_the_shared_feedback_alone(tmp_path: Path) -> None:
    plain = _plain()
    write_snapshot(plain, tmp_path / "register.idx")
    original = SharedIndex.open(tmp_path / "register.idx")
    copy = original.copy()
    row = Record("r", "Huaxin Apparel Factory", "Dongcheng, Dongguan", "CN")
    Matcher(copy).learn(row, "F1", confirmed=True)  # type: ignore[arg-type]
    Matcher(plain).learn(row, "F1", confirmed=True)
    assert Matcher(copy).match(row).decision == "match"  # type: ignore[arg-type]
    assert original.feedback.confirmed == {} and copy.feedback.confirmed == plain.feedback.confirmed
    assert copy.names("F1") == plain.names("F1")


def test_a_materialized_index_writes_the_next_snapshot(tmp_path: Path) -> None:
    plain = _plain()
    write_snapshot(plain, tmp_path / "one.idx")
    changed = SharedIndex.open(tmp_path / "one.idx").copy()
    _change(changed)
    _change(plain)
    write_snapshot(changed.materialize(), tmp_path / "two.idx")
    again = SharedIndex.open(tmp_path / "two.idx")
    assert again.layer_size == 0  # everything is in the file now
    assert _answers(Matcher(again)) == _answers(Matcher(plain))  # type: ignore[arg-type]
    assert again.resolve("F2") == "F1"


def test_colliding_hashes_are_looked_up_in_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Three hash values for every key there is: nearly every lookup meets a collision.
    monkeypatch.setattr(shared_mod, "_h64", lambda key: len(key) % 3)
    plain = _plain()
    write_snapshot(plain, tmp_path / "register.idx")
    shared = SharedIndex.open(tmp_path / "register.idx")
    assert _answers(Matcher(shared)) == _answers(Matcher(plain))  # type: ignore[arg-type]
    assert "F1" in shared and "F10" not in shared and "F" not in shared


def test_a_file_that_is_not_a_snapshot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "register.idx"
    _plain().save(path)  # the other (pickle) format
    with pytest.raises(ValueError, match="not a shared match-index snapshot"):
        SharedIndex.open(path)
    (tmp_path / "empty.idx").write_bytes(b"")
    with pytest.raises(ValueError, match="not a shared match-index snapshot"):
        SharedIndex.open(tmp_path / "empty.idx")
