"""The shared pager keeps a page's filters: page 2 of a filtered list is still filtered."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def _links(query: str, number: int) -> dict[str, dict[str, list[str]]]:
    request = RequestFactory().get(f"/chain/?{query}")
    page = Paginator(list(range(200)), 50).get_page(number)
    html = render_to_string("core/_pagination.html", {"page": page}, request=request)
    links = {}
    for rel in ("prev", "next"):
        marker = f'" rel="{rel}"'
        if marker in html:
            href = html.split(marker)[0].rsplit('href="', 1)[1].replace("&amp;", "&")
            links[rel] = parse_qs(urlsplit(href).query)
    return links


def test_next_and_previous_keep_every_filter() -> None:
    links = _links("ended=1&tier=2&q=Golden+Textile&page=2", 2)
    for rel in ("prev", "next"):
        assert links[rel]["ended"] == ["1"] and links[rel]["tier"] == ["2"]
        assert links[rel]["q"] == ["Golden Textile"]
    assert links["prev"]["page"] == ["1"] and links["next"]["page"] == ["3"]


def test_a_single_page_shows_no_pager() -> None:
    request = RequestFactory().get("/chain/?ended=1")
    page = Paginator(list(range(10)), 50).get_page(1)
    assert "pagination" not in render_to_string("core/_pagination.html", {"page": page}, request=request)
