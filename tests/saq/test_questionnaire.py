"""The questionnaire is versioned data: complete in English and Dutch, read by version, and a new
version never changes what was stored under an old one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from covenant.risk.interface import topic_codes
from covenant.saq import questionnaire, services
from covenant.saq.models import Saq, SaqStatus
from tests.conftest import World, actor_of
from tests.saq.world import saq_world


def _texts(raw: Any) -> list[dict[str, str]]:
    """Every text dict of a questionnaire file (dicts keyed by language)."""
    found: list[dict[str, str]] = []
    if isinstance(raw, dict):
        if "en" in raw and all(isinstance(v, str) for v in raw.values()):
            found.append(raw)
        else:
            for value in raw.values():
                found += _texts(value)
    elif isinstance(raw, list):
        for value in raw:
            found += _texts(value)
    return found


def test_v1_asks_each_ilo_forced_labour_indicator_and_every_section() -> None:
    v1 = questionnaire.load("v1")
    assert 50 <= len(v1.questions()) <= 80
    assert [s.code for s in v1.sections] == [
        "management", "wages_hours", "health_safety", "association", "forced_labour", "children",
        "discrimination", "environment",
    ]  # fmt: skip
    indicators = [q for q in v1.section("forced_labour").questions if q.code <= "FL-11"]  # type: ignore[union-attr]
    assert len(indicators) == 11
    assert {q.type for q in v1.questions()} == set(questionnaire.TYPES)


def test_every_text_is_written_in_english_and_dutch() -> None:
    raw = json.loads((questionnaire.DATA / "saq-v1.json").read_text(encoding="utf-8"))
    texts = _texts(raw)
    assert len(texts) > 150
    missing = [t["en"] for t in texts if t.get("en") and not t.get("nl")]
    assert missing == []


@pytest.mark.django_db
def test_topics_are_salient_topics_and_deltas_only_raise() -> None:
    known = topic_codes()
    for q in questionnaire.load("v1").questions():
        assert set(q.topics) <= known, q.code
        if q.risk:
            assert questionnaire.MIN_DELTA <= q.risk["delta"] <= questionnaire.MAX_DELTA
            assert q.first_step, q.code


def test_texts_fall_back_to_english() -> None:
    q = questionnaire.load("v1").question("FL-07")
    assert q is not None
    with translation.override("nl"):
        assert "paspoorten" in q.text
    with translation.override("km"):  # one of the twelve languages of the file
        assert "passports" not in q.text and q.text.strip()
    with translation.override("ar"):  # a language the file does not hold
        assert "passports" in q.text
    assert questionnaire.text_of({"en": "Yes", "pt": "Sim"}, "pt-br") == "Sim"


def test_risk_points_follow_the_answers() -> None:
    v1 = questionnaire.load("v1")
    passports = v1.question("FL-07")  # "yes" signals risk
    hours = v1.question("WH-08")  # a number above 60 signals risk
    assert passports is not None and hours is not None
    assert passports.risk_delta("yes") == 2.0
    assert passports.risk_delta("partly") == 1.0
    assert passports.risk_delta("no") == 0.0
    assert passports.risk_delta("na") == 0.0
    assert hours.risk_delta(72) == 1.5
    assert hours.risk_delta(60) == 0.0
    assert hours.risk_delta("not a number") == 0.0


def test_completeness_counts_not_applicable_and_leaves_out_the_free_text() -> None:
    v1 = questionnaire.load("v1")
    required = [q for q in v1.questions() if q.type != "text"]
    assert v1.completeness({}) == 0
    half = {q.code: "na" for q in required[: len(required) // 2]}
    assert v1.completeness(half) == round(100 * len(half) / len(required))
    assert v1.completeness({q.code: "na" for q in required}) == 100


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(questionnaire.UnknownVersion):
        questionnaire.load("v99")
    with pytest.raises(questionnaire.UnknownVersion):
        questionnaire.load("../secrets")


@pytest.fixture
def with_v2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A second version beside v1: WH-07 is gone, a new question EN-07 asked, FL-07 reworded."""
    shutil.copy(questionnaire.DATA / "saq-v1.json", tmp_path / "saq-v1.json")
    raw = json.loads((tmp_path / "saq-v1.json").read_text(encoding="utf-8"))
    raw["version"] = "v2"
    for section in raw["sections"]:
        section["questions"] = [q for q in section["questions"] if q["code"] != "WH-07"]
        for q in section["questions"]:
            if q["code"] == "FL-07":
                q["text"] = {"en": "Reworded: does anyone hold workers' passports?"}
        if section["code"] == "environment":
            section["questions"].append(
                {"code": "EN-07", "type": "yesno", "topics": ["environment"], "text": {"en": "Do you recycle?"}}
            )
    (tmp_path / "saq-v2.json").write_text(json.dumps(raw), encoding="utf-8")
    monkeypatch.setattr(questionnaire, "DATA", tmp_path)
    monkeypatch.setattr(questionnaire, "CURRENT", "v2")
    questionnaire.load.cache_clear()
    yield
    questionnaire.load.cache_clear()


def test_a_new_version_never_changes_stored_answers(world: World, with_v2: Any) -> None:
    """SAQ world is built under v1 (before v2 was published in this test it is built now, so force v1)."""
    # The world's SAQ is answered under v1: build it with v1 current, then publish v2.
    questionnaire.CURRENT = "v1"  # monkeypatched: restored after the test
    saq_world(world)
    saq: Saq = world.extras["saq"]
    world.extras["saq_draft"].delete()
    stored = dict(saq.answers)
    assert saq.version == "v1" and "WH-07" in stored
    questionnaire.CURRENT = "v2"
    questionnaire.load.cache_clear()

    draft = services.start(actor_of(world.extras["saq_supplier_admin"]), world.extras["saq_site"])
    assert draft.version == "v2"
    assert "WH-07" not in draft.answers and "EN-07" not in draft.answers
    assert draft.answers["FL-07"] == stored["FL-07"]
    assert draft.completeness < 100  # EN-07 is new

    saq.refresh_from_db()
    assert saq.status == SaqStatus.SUBMITTED and saq.answers == stored and saq.version == "v1"
    v1 = questionnaire.load(saq.version)
    assert v1.question("WH-07") is not None
    assert "Reworded" not in v1.question("FL-07").text  # type: ignore[union-attr]
    assert v1.completeness(saq.answers) == 100
