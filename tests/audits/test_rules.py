"""The audit rules as plain functions: validity, recognition, deadlines, counters."""

from __future__ import annotations

from datetime import date

from covenant.audits import rules

BSCI = [
    {"code": "A", "min": 86, "max": 100, "valid_months": 24, "follow_up_months": None},
    {"code": "C", "min": 51, "max": 70, "valid_months": 12, "follow_up_months": 12},
]


def test_apsca_numbers_are_eight_digits_with_an_optional_level_prefix() -> None:
    assert rules.normalise_apsca_number("21701234") == "21701234"
    assert rules.normalise_apsca_number("CSCA 21701234") == "21701234"
    assert rules.normalise_apsca_number("asca-21701234") == "21701234"
    assert rules.normalise_apsca_number("2170123") is None
    assert rules.normalise_apsca_number("ABC12345678") is None


def test_validity_follows_the_rating_then_the_version() -> None:
    end = date(2026, 1, 31)
    a = rules.validity(end_date=end, validity_months=24, ratings=BSCI, rating="A")
    assert a.valid_until == date(2028, 1, 31) and a.follow_up_due is None
    c = rules.validity(end_date=end, validity_months=24, ratings=BSCI, rating="c")
    assert c.valid_until == date(2027, 1, 31) and c.follow_up_due == date(2027, 1, 31)
    sa8000 = rules.validity(end_date=end, validity_months=36)
    assert sa8000.valid_until == date(2029, 1, 31)
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_due_dates_by_severity_and_none_for_collaborative() -> None:
    start = date(2026, 3, 1)
    assert rules.due_date(severity="critical", collaborative=False, start=start) == date(2026, 3, 31)
    assert rules.due_date(severity="major", collaborative=False, start=start) == date(2026, 5, 30)
    assert rules.due_date(severity="minor", collaborative=False, start=start, due_days={"minor": 10}) == date(
        2026, 3, 11
    )
    assert rules.due_date(severity="major", collaborative=True, start=start) is None
    assert rules.due_date(severity="none", collaborative=False, start=start) is None


def test_a_member_can_only_be_stricter_than_the_sector() -> None:
    sector = rules.Policy(frozenset({1, 2, 3}), 36, False)
    member = rules.Policy(frozenset({2, 3, 4}), 48, True, frozenset({"environment"}))
    pillars = {1: ["labour"], 2: ["labour"], 3: ["labour", "environment"], 4: ["labour", "environment"]}
    effective = rules.stricter(sector, member, pillars)
    assert effective.version_ids == {3}  # 4 is not accepted by the sector, 2 lacks the pillar
    assert effective.max_age_months == 36
    assert effective.require_qualified_auditor
    # A member that names no schemes takes the sector's list.
    assert rules.stricter(sector, rules.Policy(frozenset(), 24, False)).version_ids == {1, 2, 3}


def test_recognition_needs_scheme_age_validity_and_auditor() -> None:
    policy = rules.Policy(frozenset({7}), 12, True)
    today = date(2026, 6, 1)
    ok = {
        "version_id": 7,
        "end_date": date(2026, 1, 1),
        "valid_until": date(2027, 1, 1),
        "qualified_auditor": True,
        "active": True,
        "today": today,
    }
    assert rules.is_recognised(policy, **ok)  # type: ignore[arg-type]
    assert not rules.is_recognised(policy, **{**ok, "version_id": 8})  # type: ignore[arg-type]
    assert not rules.is_recognised(policy, **{**ok, "end_date": date(2025, 5, 1)})  # type: ignore[arg-type]
    assert not rules.is_recognised(policy, **{**ok, "valid_until": date(2026, 5, 31)})  # type: ignore[arg-type]
    assert not rules.is_recognised(policy, **{**ok, "qualified_auditor": False})  # type: ignore[arg-type]
    assert not rules.is_recognised(policy, **{**ok, "active": False})  # type: ignore[arg-type]


def test_audits_avoided_is_readers_minus_one_per_audit() -> None:
    assert rules.audits_avoided([3, 1, 0, 2]) == 3


def test_cap_kpis() -> None:
    today = date(2026, 6, 1)
    actions = [
        (date(2026, 3, 1), date(2026, 2, 20), date(2026, 1, 1)),  # closed on time, 50 days
        (date(2026, 3, 1), date(2026, 4, 1), date(2026, 1, 1)),  # closed late, 90 days
        (date(2026, 4, 1), None, date(2026, 1, 1)),  # overdue
        (date(2026, 9, 1), None, date(2026, 1, 1)),  # not due yet
        (None, None, date(2026, 1, 1)),  # collaborative: no deadline
    ]
    kpis = rules.cap_kpis(actions, today)
    assert (kpis.due, kpis.closed_on_time) == (3, 1)
    assert kpis.closure_rate is not None and round(kpis.closure_rate, 3) == 0.333
    assert kpis.median_days_to_close == 70


def test_reminder_stages() -> None:
    due = date(2026, 6, 10)
    assert rules.reminder_stage(due, date(2026, 6, 1)) is None
    assert rules.reminder_stage(due, date(2026, 6, 3)) == "before"
    assert rules.reminder_stage(due, date(2026, 6, 10)) == "before"
    assert rules.reminder_stage(due, date(2026, 6, 11)) == "after"
    assert rules.reminder_stage(None, date(2026, 6, 11)) is None
