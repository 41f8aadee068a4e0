"""Uploading the same list again creates nothing: the register and the member's links stay as
one upload left them, however messy the list (a property test), and ties between two records
of one site go to the record already in the chain, never to a new site."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from covenant.matching import MatchIndex, Record
from covenant.registry import matchindex, services
from covenant.registry.models import (
    Facility,
    FacilityAlias,
    ListRow,
    RowStatus,
    SupplyLink,
    UploadStatus,
)
from tests.conftest import World, actor_of
from tests.factories import make_facility

# Words the matcher counts as generic (so names made of them lean on numbers and legal forms),
# a few distinctive ones, legal forms in several spellings and languages.
WORDS = ["Golden", "Textile", "Garment", "Star", "Knit", "Apparel", "Rahman", "Saigon", "Anadolu", "Huaxin", "Lotus"]
LEGAL = ["", "Co.", "Co., Ltd.", "Company Limited", "Ltd", "Pvt. Ltd.", "JSC", "A.Ş.", "S.A.", "有限公司"]
ADDRESSES = ["", "14, Industrial Road, Dhaka", "14 Industrial Rd Dhaka", "Plot 5, EPZ, Savar", "88 Main Street"]
COUNTRIES = ["Bangladesh", "BD", "China", "Vietnam", "Türkiye"]
JUNK = ['=HYPERLINK("http://x.example")', "??????????", "CafÃ© Knit", "12345", "Golden\u202eTextile"]

REGISTER = [
    ("Golden Textile Co. Ltd.", "BD", "14, Industrial Road, Dhaka"),
    # Two records of one site, not merged yet: a row matching them ties.
    ("Rahman Knit Composite Ltd.", "BD", "Plot 12, Road 3, Dhaka EPZ, Savar"),
    ("Rahman Knit Composite Limited", "BD", "Plot 12 Road 3 Dhaka EPZ Savar"),
    ("Saigon Textile Joint Stock Company", "VN", "Lot A5, Tan Tao Industrial Park, Ho Chi Minh City"),
    ("Anadolu Tekstil San. ve Tic. A.Ş.", "TR", "Organize Sanayi Bölgesi 3. Cadde No: 7, Bursa"),
]

made_up = st.tuples(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
    st.sampled_from(["", " 2", " 14", " No. 3"]),
    st.sampled_from(LEGAL),
).map(lambda t: f"{t[0]}{t[1]} {t[2]}".strip())
made_up_row = st.tuples(made_up, st.sampled_from(ADDRESSES), st.sampled_from(COUNTRIES))
copied_row = st.tuples(st.sampled_from(REGISTER), st.sampled_from(["", " Ltd", " Company Limited"]), st.booleans()).map(
    lambda t: (t[0][0] + t[1], t[0][2] if t[2] else t[0][2].upper(), t[0][1])
)
junk_row = st.tuples(st.sampled_from(JUNK), st.sampled_from(ADDRESSES), st.sampled_from(COUNTRIES))
rows_strategy = (
    st.lists(st.one_of(made_up_row, made_up_row, copied_row, junk_row), min_size=1, max_size=7)
    .flatmap(lambda rows: st.lists(st.sampled_from(rows), max_size=2).map(lambda dups: rows + dups))
    .flatmap(lambda rows: st.permutations(rows))
)


def _csv(rows: list[tuple[str, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "Address", "Country"])
    writer.writerows(rows)
    return out.getvalue().encode()


def _register_state(org_id: int) -> dict[str, Any]:
    """What an upload may change in the register and the member's chain."""
    return {
        "facilities": sorted(
            Facility.objects.values_list("public_id", "name", "address", "country", "status", "confirmation")
        ),
        "aliases": sorted(FacilityAlias.objects.values_list("facility__public_id", "name", "address")),
        "links": sorted(
            (link.facility.public_id, link.tier, tuple(link.products), link.spend_band, link.start_date, link.end_date)
            for link in SupplyLink.objects.filter(org_id=org_id).select_related("facility")
        ),
    }


def _upload(actor: Any, supplier_list: Any, data: bytes) -> Any:
    upload = services.start_upload(actor, supplier_list, filename="suppliers.csv", data=data)
    if upload.status == UploadStatus.QUEUED:
        upload = services.process_upload(upload.pk)
    return upload


class _Rollback(Exception):
    pass


@pytest.fixture
def seeded(world: World) -> World:
    for name, country, address in REGISTER:
        make_facility(name, country, address)
    return world


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=rows_strategy, times=st.integers(min_value=2, max_value=4))
def test_any_list_uploaded_again_leaves_the_register_as_one_upload_did(
    seeded: World, rows: list[tuple[str, str, str]], times: int
) -> None:
    actor = actor_of(seeded.editor_a)
    data = _csv(rows)
    try:
        with transaction.atomic():
            matchindex.reset(ignore_snapshot=True)
            supplier_list = services.create_list(actor, "Suppliers")
            first = _upload(actor, supplier_list, data)
            assert first.status == UploadStatus.DONE, first.error
            once = _register_state(seeded.member_a.pk)
            for _ in range(times - 1):
                again = _upload(actor, supplier_list, data)
                assert again.status == UploadStatus.DONE, again.error
                assert again.counts.get(RowStatus.NEW, 0) == 0, (rows, again.counts)
                assert _register_state(seeded.member_a.pk) == once, rows
            raise _Rollback
    except _Rollback:
        pass
    finally:
        matchindex.reset(ignore_snapshot=True)


def test_a_name_of_generic_words_and_a_number_finds_its_own_record() -> None:
    """The index keys a name the way a query looks it up ("Golden Textile Co. 14" was a new site
    on every upload: the index kept only "14" of it, the query looked for all of it)."""
    index = MatchIndex()
    index.add(Record("A", "Golden Textile Co. Ltd.", "14, Industrial Road, Dhaka", "BD"))
    index.add(Record("B", "Golden Textiles Company Limited 14", "88 Main Street", "BD"))
    from covenant.matching import Matcher

    result = Matcher(index).match(Record("q", "Golden Textiles Company Limited 14", "88 Main Street", "BD"))
    assert (result.decision, result.registry_id) == ("match", "B")


def test_a_row_tied_between_two_records_of_one_site_goes_to_the_one_already_linked(seeded: World) -> None:
    actor = actor_of(seeded.editor_a)
    first, second = Facility.objects.filter(name__startswith="Rahman").order_by("pk")
    SupplyLink.objects.create(org=seeded.member_a, facility=second, tier=1)
    supplier_list = services.create_list(actor, "Suppliers")
    upload = _upload(actor, supplier_list, _csv([("Rahman Knit Composite Ltd", "Plot 12, Road 3, Dhaka EPZ", "BD")]))
    row = ListRow.objects.get(upload=upload)
    assert (row.status, row.facility) == (RowStatus.MATCHED, second)
    assert Facility.objects.count() == len(REGISTER)
    assert first.pk != second.pk


def test_a_tie_nobody_links_to_goes_to_review_never_to_a_new_site(seeded: World) -> None:
    actor = actor_of(seeded.editor_a)
    supplier_list = services.create_list(actor, "Suppliers")
    data = _csv([("Rahman Knit Composite Ltd", "Plot 12, Road 3, Dhaka EPZ", "BD")])
    for _ in range(3):
        upload = _upload(actor, supplier_list, data)
        row = ListRow.objects.get(upload=upload)
        assert row.status == RowStatus.REVIEW and len(row.candidates) >= 2
    assert Facility.objects.count() == len(REGISTER)
    assert not SupplyLink.objects.filter(org=seeded.member_a).exists()
