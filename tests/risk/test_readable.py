"""Issue 14, items 2 and 4: salient issues from the heat map's numbers; a page a person can read (EN, NL)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from covenant.risk import engine, explain, selectors
from covenant.risk.models import SiteRisk
from tests.conftest import World, actor_of, client_for
from tests.factories import link, make_facility

SITES = [
    ("BD", "Apparel", ["Garments"], 6),
    ("MM", "Apparel", ["T-shirts"], 3),
    ("CI", "Agriculture", ["Cocoa"], 4),
    ("NL", "Apparel", ["Garments"], 2),
    ("TR", "Textiles", ["Fabric"], 3),
]


@pytest.fixture
def chain(world: World) -> World:
    for country, sector, products, n in SITES:
        for i in range(n):
            site = make_facility(f"{country} site {i}", country, sector=sector, products=products)
            link(world.member_a, site, tier=1 + i % 2, spend_band=">1M" if i == 0 else "<10k")
    engine.recompute_all()
    return world


def test_salient_issues_are_the_heat_maps_reddest_columns_with_a_why(chain: World) -> None:
    data = selectors.member_overview(actor_of(chain.admin_a))
    assert data.top_issues
    # One home: each issue's count is its heat-map column total, and the reddest column leads.
    reddest = max(data.topic_high, key=lambda code: data.topic_high[code])
    assert data.top_issues[0].topic.code == reddest or data.top_issues[0].high == data.topic_high[reddest]
    assert reddest in {i.topic.code for i in data.top_issues}
    for issue in data.top_issues:
        assert issue.high == data.topic_high[issue.topic.code]
        column = {cc: next(n for code, _m, _b, n in cells if code == issue.topic.code) for cc, cells in data.heat}
        assert issue.high == sum(column.values())
        assert all(column[cc] == n for cc, n in issue.countries)
    assert [i.high for i in data.top_issues] == sorted((i.high for i in data.top_issues), reverse=True)


def test_the_list_says_why_each_row_ranks_where_it_does(chain: World) -> None:
    rows = list(selectors.member_overview(actor_of(chain.admin_a)).rows)
    assert [selectors._sort_key(r) for r in rows] == sorted(selectors._sort_key(r) for r in rows)
    page = client_for(chain.admin_a).get(reverse("risk:overview")).content.decode()
    assert "Why this rank" in page and "severity 8 of 9" in page
    assert "Côte d&#x27;Ivoire" in page or "Côte d'Ivoire" in page  # countries by name
    assert "Legend" in page and "very high from" in page


def test_the_page_and_the_explanations_read_in_dutch(chain: World) -> None:
    chain.admin_a.language = "nl"
    chain.admin_a.save(update_fields=["language"])
    page = client_for(chain.admin_a).get(reverse("risk:overview")).content.decode()
    assert "Ivoorkust" in page and "Waarom deze plaats" in page and "Legenda" in page
    with translation.override("nl"):
        assert explain.country_label("NL") == "Nederland"
        risk = SiteRisk.objects.select_related("profile").get(facility__country="CI", facility__name="CI site 0")
        lines = [explain.render(line)[0] for line in risk.profile.explanation["child_labour"]]
    assert any("Ernst" in text for text in lines), lines
    assert any("Ivoorkust" in text for text in lines), lines
    assert not any(text.startswith("Likelihood") for text in lines)
