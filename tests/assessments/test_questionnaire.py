"""The questionnaire file, its scoring rule's edges, and versions: old answers never move."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from covenant.assessments import questionnaire
from covenant.assessments.models import AssessmentStatus
from tests.assessments.builders import answers, open_cycle, submitted
from tests.conftest import World, actor_of


def test_the_2026_file_holds_every_step_core_questions_and_enough_sub_questions() -> None:
    q = questionnaire.get("2026.1")
    assert len(q.items()) >= 60
    for step in questionnaire.STEPS:
        questions = q.questions_of(step)
        assert 1 <= len([x for x in questions if x.core]) <= 3, step
        assert all(x.guidance and x.texts.get("nl") and x.guidance_texts.get("nl") for x in questions)
        assert all(i.texts.get("en") and i.texts.get("nl") for i in q.items(step))
    assert {i.type for i in q.items()} == {"yesno", "choice", "percentage", "number", "text"}
    assert {i.prefill for i in q.items() if i.prefill} == {
        "sites_mapped",
        "beyond_tier1",
        "high_risk_audited",
        "grievance_participation",
        "event_responses",
        "plan_coverage",
        "plan_done",
    }
    assert [lv.level for lv in q.levels] == [0, 1, 2, 3, 4]


def test_all_top_is_4_all_bottom_is_0_and_text_does_not_count() -> None:
    q = questionnaire.get("2026.1")
    assert q.scores(answers(level="top")) == {str(s): 4 for s in questionnaire.STEPS}
    assert q.scores(answers(level="bottom")) == {str(s): 0 for s in questionnaire.STEPS}
    assert q.scores({}) == {str(s): 0 for s in questionnaire.STEPS}
    # Clearing every text answer changes nothing.
    top = {k: v for k, v in answers(level="top").items() if q.item(k).type != "text"}  # type: ignore[union-attr]
    assert q.scores(top) == {str(s): 4 for s in questionnaire.STEPS}


def test_a_share_on_a_threshold_reaches_that_level_and_just_below_does_not() -> None:
    q = questionnaire.get("2026.1")
    assert q.maturity(0.6) == 3
    assert q.maturity(0.6 - 1e-6) == 2
    assert q.maturity(0.8) == 4
    assert q.maturity(0.1999) == 0
    assert q.maturity(0.2) == 1
    # "Partly" everywhere earns half of every item: share 0.5 → level 2, wherever it is computed.
    step1 = dict.fromkeys((i.code for i in q.items(1) if i.type == "yesno"), "partly")
    share = q.share(1, step1)
    yes_no_weight = sum(i.weight for i in q.items(1) if i.type == "yesno")
    scored_weight = sum(i.weight for i in q.items(1) if i.scored)
    assert share == pytest.approx(0.5 * yes_no_weight / scored_weight)


def test_core_items_weigh_double_and_bands_give_the_highest_reached() -> None:
    q = questionnaire.get("2026.1")
    core, other = q.item("2.1.d"), q.item("2.3.b")
    assert core is not None and other is not None and core.weight == 2 and other.weight == 1
    pct = q.item("2.1.a")
    assert pct is not None
    assert [pct.credit(v) for v in (0, 24.9, 25, 74, 75, 94, 95, 100)] == [0, 0, 0.25, 0.5, 0.75, 0.75, 1.0, 1.0]
    with pytest.raises(ValueError, match="0-100"):
        pct.clean("101")
    with pytest.raises(ValueError, match="0-100"):
        pct.clean("-1")
    assert pct.clean("70,5") == 70.5
    yes_no = q.item("1.1.a")
    assert yes_no is not None
    with pytest.raises(ValueError, match="yes, partly or no"):
        yes_no.clean("maybe")


def _second_version(tmp_path: Path) -> Path:
    """A 2027 version in a directory with the 2026 file: sub-questions gone, thresholds moved down."""
    shutil.copy(questionnaire.DATA_DIR / "questionnaire-2026.json", tmp_path / "questionnaire-2026.json")
    data: dict[str, Any] = json.loads((questionnaire.DATA_DIR / "questionnaire-2026.json").read_text())
    data["version"] = "2027.1"
    data["levels"] = [{**lv, "min": m} for lv, m in zip(data["levels"], [0, 0.1, 0.2, 0.3, 0.45], strict=True)]
    data["steps"][0]["questions"][0]["items"] = data["steps"][0]["questions"][0]["items"][:2]
    (tmp_path / "questionnaire-2027.json").write_text(json.dumps(data))
    return tmp_path


def test_a_new_version_changes_neither_old_answers_nor_old_scores(
    world: World, tmp_path: Path, monkeypatch: Any
) -> None:
    cycle = open_cycle(world, 2026)
    actor = actor_of(world.admin_a)
    old = submitted(actor, cycle, level="partly")
    before = (old.version, dict(old.answers), dict(old.scores))
    from covenant.assessments import services

    services.close_cycle(actor_of(world.coordinator), cycle)
    monkeypatch.setattr(questionnaire, "DATA_DIR", _second_version(tmp_path))
    questionnaire.reload()
    try:
        assert questionnaire.latest().version == "2027.1"
        new_cycle = open_cycle(world, 2027)
        assert new_cycle.version == "2027.1"
        new = submitted(actor, new_cycle, level="partly")
        old.refresh_from_db()
        assert (old.version, old.answers, old.scores) == before
        # Read under its own version the old one still scores as stored; under the new rule it would not.
        assert questionnaire.get(old.version).scores(old.answers) == old.scores
        assert questionnaire.get("2027.1").scores(old.answers) != old.scores
        assert "1.1.c" in old.answers and "1.1.c" not in new.answers
        assert new.status == AssessmentStatus.SUBMITTED
        # The result page renders the old year from its own version.
        page = world.client(world.admin_a).get(f"/self-assessment/{old.pk}/result/")
        assert page.status_code == 200
    finally:
        monkeypatch.undo()
        questionnaire.reload()
